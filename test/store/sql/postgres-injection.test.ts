/**
 * SQL injection on PostgreSQL: hostile filter values must reach the
 * database only as bound parameters. The SQL text does not depend on the
 * value at all, and on a real PostgreSQL schema the exact rows come back and
 * every table and row survives. (Hostile attribute names are refused before
 * any SQL exists, whatever the dialect: see injection.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { filterNodes, type ComparisonOperator, type FilterNode } from '../../../src/core/filter/ast.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import type { ResourceTypeName } from '../../../src/core/schema/attribute.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';
import { postgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { compileFilterSql } from '../../../src/store/sql/list-query.js';

const registry = createDefaultRegistry();
const TENANT = 'acme';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Values stored as userName, displayName and email display, then filtered on. */
const HOSTILE_VALUES = [
  "O'Malley",
  "' OR 1=1 --",
  "' OR ''='",
  '"); DROP TABLE users; --',
  "'; DELETE FROM groups; --",
  "'; DROP SCHEMA public CASCADE; --",
  'a; SELECT * FROM tokens',
  '-- comment',
  '/* open comment',
  '100%',
  'under_score',
  'back\\slash',
  '\\%',
  "E'\\x27'",
  '$1 $2 ?1 :name @name ?',
  '$$; DROP TABLE users; $$',
  "x') UNION SELECT hash FROM tokens --",
  '{"a": 1}',
  '$."title" ? (@ == "x")',
];

/** Filtered on but never stored: PostgreSQL text cannot hold U+0000, and the compiler never binds it. */
const UNSTORABLE_VALUES = ['nul\u0000byte', "\u0000' OR 1=1 --"];

const path_ = filterNodes.attributePath;

/** Filter shapes over every kind of storage: columns, side tables, JSON, extension, recursive memberships. */
const SHAPES: readonly (readonly [ResourceTypeName, (value: string) => FilterNode])[] = [
  ['User', (value) => filterNodes.comparison(path_('userName'), 'eq', value)],
  ['User', (value) => filterNodes.comparison(path_('displayName'), 'co', value)],
  ['User', (value) => filterNodes.comparison(path_('externalId'), 'sw', value)],
  ['User', (value) => filterNodes.comparison(path_('externalId'), 'ew', value)],
  ['User', (value) => filterNodes.comparison(path_('title'), 'gt', value)],
  ['User', (value) => filterNodes.comparison(path_('name', { subAttribute: 'familyName' }), 'ne', value)],
  ['User', (value) => filterNodes.comparison(path_('emails', { subAttribute: 'value' }), 'ew', value)],
  ['User', (value) => filterNodes.valuePath(path_('emails'), filterNodes.comparison(path_('display'), 'co', value))],
  ['User', (value) => filterNodes.comparison(path_('department', { schema: ENTERPRISE }), 'eq', value)],
  ['User', (value) => filterNodes.comparison(path_('groups', { subAttribute: 'value' }), 'eq', value)],
  ['User', (value) => filterNodes.comparison(path_('meta', { subAttribute: 'resourceType' }), 'eq', value)],
  ['Group', (value) => filterNodes.comparison(path_('members', { subAttribute: 'value' }), 'eq', value)],
  ['Group', (value) => filterNodes.comparison(path_('displayName'), 'eq', value)],
];

function compile(resourceType: ResourceTypeName, filter: FilterNode) {
  return compileFilterSql({ dialect: postgresDialect, schemas: registry.forResourceType(resourceType), tenantId: TENANT, resourceType, filter });
}

const available = await postgresAvailableFor('the SQL injection suite on PostgreSQL');

describe('SQL injection (PostgreSQL dialect)', () => {
  it('the SQL text is the same whatever the value: values exist only as parameters', () => {
    for (const [resourceType, shape] of SHAPES) {
      const benign = compile(resourceType, shape('benign'));
      for (const value of HOSTILE_VALUES) {
        const hostile = compile(resourceType, shape(value));
        expect(hostile.text, value).toBe(benign.text);
        expect(hostile.parameters.some((parameter) => typeof parameter === 'string' && parameter.toLowerCase() === value.toLowerCase()), value).toBe(true);
      }
      // A value with U+0000 is decided at compile time: constant SQL text, never a parameter holding it.
      for (const value of UNSTORABLE_VALUES) {
        const compiled = compile(resourceType, shape(value));
        expect(compiled.text, JSON.stringify(value)).not.toContain(value);
        expect(compiled.parameters.every((parameter) => typeof parameter !== 'string' || !parameter.includes('\u0000'))).toBe(true);
      }
    }
  });

  describe.skipIf(!available)('on a real PostgreSQL database', () => {
    let schema: string;
    let store: PostgresStore;
    const userIds = HOSTILE_VALUES.map((_, index) => `u-${index}`);

    beforeAll(async () => {
      schema = await createTestSchema();
      store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 2 });
      const now = '2024-01-01T00:00:00.000Z';
      await store.tenants.ensureTenant(TENANT, 'Acme', now);
      await store.tenants.insertToken({ id: 't1', tenantId: TENANT, name: 'token', prefix: 'scim_', hash: 'secret-hash', createdAt: now, expiresAt: undefined });
      await store.transaction(async (writer) => {
        for (const [index, value] of HOSTILE_VALUES.entries()) {
          await writer.insertResource({
            tenantId: TENANT,
            resourceType: 'User',
            id: userIds[index] ?? '',
            attributes: { userName: value, displayName: `[${value}]`, emails: [{ value: `${index}@example.com`, display: value }] },
            passwordHash: undefined,
            now,
          });
        }
        await writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: HOSTILE_VALUES[3] }, passwordHash: undefined, now });
        await writer.addMembers(TENANT, 'g1', [{ value: 'u-0', type: 'User' }]);
      });
    });

    afterAll(async () => {
      await store?.close();
      if (schema !== undefined) await dropTestSchema(schema);
    });

    async function ids(resourceType: ResourceTypeName, filter: FilterNode): Promise<string[]> {
      const result = await store.reader.listResources(TENANT, resourceType, { schemas: registry.forResourceType(resourceType), filter, sort: undefined, startIndex: 1, count: 100 });
      expect(result.totalResults).toBe(result.resources.length);
      return result.resources.map((resource) => resource.id).sort();
    }

    /** The ids of users whose folded userName / displayName satisfy `test`, computed in JavaScript. */
    function expected(test: (userName: string, displayName: string) => boolean): string[] {
      return HOSTILE_VALUES.flatMap((value, index) => (test(value.toLowerCase(), `[${value}]`.toLowerCase()) ? [userIds[index] ?? ''] : [])).sort();
    }

    const operators: readonly ComparisonOperator[] = ['eq', 'co', 'sw', 'ew', 'gt', 'le'];

    function passes(operator: ComparisonOperator, text: string, folded: string): boolean {
      switch (operator) {
        case 'eq':
          return text === folded;
        case 'co':
          return text.includes(folded);
        case 'sw':
          return text.startsWith(folded);
        case 'ew':
          return text.endsWith(folded);
        case 'gt':
          return Buffer.compare(Buffer.from(text), Buffer.from(folded)) > 0;
        default:
          return Buffer.compare(Buffer.from(text), Buffer.from(folded)) <= 0;
      }
    }

    it('returns exactly the rows whose values match, for every hostile value', async () => {
      for (const value of [...HOSTILE_VALUES, ...UNSTORABLE_VALUES]) {
        const folded = value.toLowerCase();
        for (const operator of operators) {
          // UTF-8 byte order is code-point order, the order the evaluator and COLLATE "C" use.
          expect(await ids('User', filterNodes.comparison(path_('userName'), operator, value)), `userName ${operator} ${JSON.stringify(value)}`).toEqual(
            expected((userName) => passes(operator, userName, folded)),
          );
          expect(await ids('User', filterNodes.comparison(path_('displayName'), operator, value)), `displayName ${operator} ${JSON.stringify(value)}`).toEqual(
            expected((_, displayName) => passes(operator, displayName, folded)),
          );
        }
        expect(await ids('User', filterNodes.valuePath(path_('emails'), filterNodes.comparison(path_('display'), 'eq', value)))).toEqual(
          expected((userName) => userName === folded),
        );
      }
      expect(await ids('Group', filterNodes.comparison(path_('displayName'), 'eq', HOSTILE_VALUES[3] ?? ''))).toEqual(['g1']);
      expect(await ids('User', parseFilter('userName eq "\' OR 1=1 --" or userName co "\\"); DROP TABLE users; --"'))).toEqual(['u-1', 'u-3']);
    });

    it('answers lookups by hostile or unstorable keys with "not found", never an error', async () => {
      for (const value of [...HOSTILE_VALUES, ...UNSTORABLE_VALUES]) {
        expect(await store.reader.getResource(TENANT, 'User', value)).toBeUndefined();
        expect(await store.reader.getResource(value, 'User', 'u-0')).toBeUndefined();
        expect(await store.reader.listMembers(TENANT, value)).toEqual([]);
        expect(await store.reader.listMemberships(TENANT, value)).toEqual([]);
        expect(await store.tenants.findTokenByHash(value)).toBeUndefined();
        expect((await store.reader.findResourceTypes(TENANT, [value, 'u-0'])).size).toBe(1);
      }
    });

    it('leaves every table and row in place', async () => {
      for (const [resourceType, shape] of SHAPES) {
        for (const value of [...HOSTILE_VALUES, ...UNSTORABLE_VALUES]) {
          await store.reader.listResources(TENANT, resourceType, { schemas: registry.forResourceType(resourceType), filter: shape(value), sort: undefined, startIndex: 1, count: 10 });
        }
      }
      const users = await store.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 0 });
      expect(users.totalResults).toBe(HOSTILE_VALUES.length);
      expect(await store.reader.getResource(TENANT, 'Group', 'g1')).toBeDefined();
      expect(await store.reader.listMembers(TENANT, 'g1')).toHaveLength(1);
      expect((await store.tenants.findTokenByHash('secret-hash'))?.id).toBe('t1');
      expect(await store.tenants.countResources(TENANT)).toEqual({ users: HOSTILE_VALUES.length, groups: 1 });
    });
  });
});
