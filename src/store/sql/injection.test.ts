/**
 * SQL injection: hostile filter values must reach the database only as
 * bound parameters. Shown three ways: the SQL text does not depend on the
 * value at all, hostile attribute names are refused before any SQL exists,
 * and on a real database file the exact rows come back and every table survives.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { filterNodes, type ComparisonOperator, type FilterNode } from '../../core/filter/ast.js';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { openSqliteStore, type SqliteStore } from '../sqlite/index.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { compileFilterSql } from './list-query.js';

const registry = createDefaultRegistry();
const TENANT = 'acme';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const HOSTILE_VALUES = [
  "O'Malley",
  "' OR 1=1 --",
  "' OR ''='",
  '"); DROP TABLE users; --',
  "'; DELETE FROM groups; --",
  'a; SELECT * FROM tokens',
  '-- comment',
  '/* open comment',
  '100%',
  'under_score',
  'back\\slash',
  '\\%',
  'nul\u0000byte',
  '$1 ?1 :name @name ?',
  "x') UNION SELECT hash FROM tokens --",
];

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
  ['Group', (value) => filterNodes.comparison(path_('members', { subAttribute: 'value' }), 'eq', value)],
  ['Group', (value) => filterNodes.comparison(path_('displayName'), 'eq', value)],
];

function compile(resourceType: ResourceTypeName, filter: FilterNode) {
  return compileFilterSql({ dialect: sqliteDialect, schemas: registry.forResourceType(resourceType), tenantId: TENANT, resourceType, filter });
}

describe('SQL injection', () => {
  it('the SQL text is the same whatever the value: values exist only as parameters', () => {
    for (const [resourceType, shape] of SHAPES) {
      const benign = compile(resourceType, shape('benign'));
      for (const value of HOSTILE_VALUES) {
        const hostile = compile(resourceType, shape(value));
        expect(hostile.text, value).toBe(benign.text);
        expect(hostile.parameters.some((parameter) => typeof parameter === 'string' && parameter.toLowerCase() === value.toLowerCase()), value).toBe(true);
      }
    }
  });

  it('attribute names and schema URNs the schema does not know are invalidFilter, before any SQL is written', () => {
    const hostilePaths = [
      path_('userName"; DROP TABLE users; --'),
      path_("title') OR 1=1 --"),
      path_('x', { schema: "urn:x'; DROP TABLE users; --" }),
      path_('name', { subAttribute: 'familyName\'"' }),
      path_('emails', { subAttribute: "value' OR '1'='1" }),
    ];
    for (const hostilePath of hostilePaths) {
      let caught: unknown;
      try {
        compile('User', filterNodes.comparison(hostilePath, 'eq', 'x'));
      } catch (error) {
        caught = error;
      }
      expect(caught, hostilePath.name).toBeInstanceOf(ScimError);
      expect((caught as ScimError).scimType).toBe('invalidFilter');
    }
  });

  describe('on a real database', () => {
    let directory: string;
    let store: SqliteStore;
    const userIds = HOSTILE_VALUES.map((_, index) => `u-${index}`);

    beforeAll(async () => {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
      store = await openSqliteStore({ filename: path.join(directory, 'injection.db'), registry });
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
      });
    });

    afterAll(async () => {
      await store.close();
      fs.rmSync(directory, { recursive: true, force: true });
    });

    async function ids(resourceType: ResourceTypeName, filter: FilterNode): Promise<string[]> {
      const result = await store.reader.listResources(TENANT, resourceType, { schemas: registry.forResourceType(resourceType), filter, sort: undefined, startIndex: 1, count: 100 });
      expect(result.totalResults).toBe(result.resources.length);
      return result.resources.map((resource) => resource.id).sort();
    }

    /** The ids of users whose `text` satisfies `test`, computed in JavaScript. */
    function expected(test: (userName: string, displayName: string) => boolean): string[] {
      return HOSTILE_VALUES.flatMap((value, index) => (test(value.toLowerCase(), `[${value}]`.toLowerCase()) ? [userIds[index] ?? ''] : [])).sort();
    }

    const operators: readonly ComparisonOperator[] = ['eq', 'co', 'sw', 'ew'];

    it('returns exactly the rows whose values match, for every hostile value', async () => {
      for (const value of HOSTILE_VALUES) {
        const folded = value.toLowerCase();
        for (const operator of operators) {
          const test = (text: string) =>
            operator === 'eq' ? text === folded : operator === 'co' ? text.includes(folded) : operator === 'sw' ? text.startsWith(folded) : text.endsWith(folded);
          expect(await ids('User', filterNodes.comparison(path_('userName'), operator, value)), `userName ${operator} ${value}`).toEqual(expected((userName) => test(userName)));
          expect(await ids('User', filterNodes.comparison(path_('displayName'), operator, value)), `displayName ${operator} ${value}`).toEqual(
            expected((_, displayName) => test(displayName)),
          );
        }
        expect(await ids('User', filterNodes.valuePath(path_('emails'), filterNodes.comparison(path_('display'), 'eq', value)))).toEqual(
          expected((userName) => userName === folded),
        );
      }
      expect(await ids('Group', filterNodes.comparison(path_('displayName'), 'eq', HOSTILE_VALUES[3] ?? ''))).toEqual(['g1']);
      expect(await ids('User', parseFilter('userName eq "\' OR 1=1 --" or userName co "\\"); DROP TABLE users; --"'))).toEqual(['u-1', 'u-3']);
    });

    it('leaves every table and row in place', async () => {
      for (const [resourceType, shape] of SHAPES) {
        for (const value of HOSTILE_VALUES) await store.reader.listResources(TENANT, resourceType, { schemas: registry.forResourceType(resourceType), filter: shape(value), sort: undefined, startIndex: 1, count: 10 });
      }
      const users = await store.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 0 });
      expect(users.totalResults).toBe(HOSTILE_VALUES.length);
      expect(await store.reader.getResource(TENANT, 'Group', 'g1')).toBeDefined();
      expect((await store.tenants.findTokenByHash('secret-hash'))?.id).toBe('t1');
    });
  });
});
