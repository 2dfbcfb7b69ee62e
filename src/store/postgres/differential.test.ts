/**
 * The PostgreSQL dialect against the in-memory evaluator
 * (src/core/filter/evaluate.ts) and against the SQLite store: for each
 * filter, the ids PostgreSQL returns from real rows must be exactly the ids
 * of the resources `evaluateFilter` accepts, and for each sortBy the order
 * must be SQLite's. The users and filters are those of
 * src/store/sqlite/differential.test.ts (same seed), plus text where
 * PostgreSQL's own lower() would disagree with JavaScript (final sigma,
 * dotted İ, title case) and filter values holding U+0000, which PostgreSQL
 * cannot store and the compiler decides without binding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailableFor, createTestSchema, dropTestSchema, postgresTestUrl } from '../../../test/store-contract/postgres-support.js';
import { ScimError } from '../../core/errors/scim-error.js';
import { filterNodes, type ComparisonOperator, type ComparisonValue, type FilterNode } from '../../core/filter/ast.js';
import { evaluateFilter } from '../../core/filter/evaluate.js';
import { parseFilter } from '../../core/filter/parser.js';
import { printFilter } from '../../core/filter/print.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { openSqliteStore, type SqliteStore } from '../sqlite/index.js';
import type { SortSpec, Store, StoredResource } from '../store.js';
import { openPostgresStore, type PostgresStore } from './index.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TENANT = 'differential';
const registry = createDefaultRegistry();
const schemas = registry.forResourceType('User');

const available = await postgresAvailableFor('the PostgreSQL differential test');

/** mulberry32: a tiny seeded generator, so the users are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// PostgreSQL cannot store U+0000, so the users hold 'NulByte' where the SQLite
// test stores 'Nul\u0000Byte'; the filters still send NUL (see FILTER_WORDS).
const WORDS = ['alice', 'Alice', 'ÉMILE', 'émile', 'Zoë', 'straße', 'İstanbul', "O'Brien", 'a%b', 'a_b', 'x\\y', 'Tour Guide', '', '😀 smile', 'ＡＢ', 'bob', 'NulByte', 'ΣΑΣ', 'Σ', 'ǅ'];
const FILTER_WORDS = [...WORDS, 'Nul\u0000Byte', 'nul\u0000', 'σας', 'i̇stanbul', 'ǆ'];
const DOMAINS = ['example.com', 'EXAMPLE.com', 'example.org', 'exämple.net', 'foo.com'];
const TYPES = ['work', 'Work', 'home', 'HOME', 'other', ''];
const INSTANTS = ['2009-06-01T00:00:00.000Z', '2011-05-13T04:42:33.999Z', '2011-05-13T04:42:34.000Z', '2011-05-13T04:42:35.000Z', '2020-02-29T12:00:00.000Z'];

function generateUsers(count: number): { id: string; attributes: Record<string, unknown>; now: string }[] {
  const random = seededRandom(7643);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const maybe = (probability: number) => random() < probability;
  const users = [];
  for (let index = 0; index < count; index += 1) {
    const attributes: Record<string, unknown> = { schemas: [CORE_USER], userName: `${pick(WORDS)}-${index}` };
    if (maybe(0.6)) attributes['displayName'] = pick(WORDS);
    if (maybe(0.5)) attributes['title'] = pick(WORDS);
    if (maybe(0.4)) attributes['externalId'] = pick(['EXT-1', 'ext-1', 'Ext-2', '']);
    if (maybe(0.6)) attributes['active'] = maybe(0.5);
    if (maybe(0.5)) attributes['name'] = maybe(0.2) ? {} : { familyName: pick(WORDS), ...(maybe(0.5) ? { givenName: pick(WORDS) } : {}) };
    if (maybe(0.8)) {
      const emails = [];
      const emailCount = Math.floor(random() * 4);
      for (let position = 0; position < emailCount; position += 1) {
        const email: Record<string, unknown> = {};
        if (maybe(0.9)) email['value'] = `${pick(WORDS)}@${pick(DOMAINS)}`;
        if (maybe(0.7)) email['type'] = pick(TYPES);
        if (maybe(0.4)) email['primary'] = maybe(0.5);
        if (maybe(0.2)) email['display'] = pick(WORDS);
        emails.push(email);
      }
      attributes['emails'] = emails;
    }
    if (maybe(0.4)) {
      attributes['phoneNumbers'] = [{ value: `tel:+1-555-${1000 + index}`, type: pick(['work', 'mobile', 'Mobile']) }];
    }
    if (maybe(0.2)) attributes['ims'] = [{ value: `${pick(WORDS)}@foo.com`, type: pick(['xmpp', 'XMPP', 'aim']) }];
    if (maybe(0.4)) {
      attributes['schemas'] = [CORE_USER, ENTERPRISE_USER];
      const enterprise: Record<string, unknown> = {};
      if (maybe(0.7)) enterprise['department'] = pick(WORDS);
      if (maybe(0.5)) enterprise['employeeNumber'] = String(100 + Math.floor(random() * 5));
      if (maybe(0.5)) enterprise['manager'] = maybe(0.8) ? { value: `d-${String(Math.floor(random() * count)).padStart(2, '0')}` } : {};
      attributes[ENTERPRISE_USER] = enterprise;
    }
    users.push({ id: `d-${String(index).padStart(2, '0')}`, attributes, now: pick(INSTANTS) });
  }
  // Values of the wrong JSON type where the store reads JSON: they never
  // match a comparison but count for "pr", in both implementations.
  users.push({
    id: `d-${count}`,
    attributes: { schemas: [CORE_USER], userName: 'odd-types', title: 42, nickName: '', phoneNumbers: ['tel:+1-555-0000', { value: 5, type: 'work' }] },
    now: INSTANTS[2] ?? '',
  });
  return users;
}

/** The resource as clients see it, which is what the evaluator filters: attributes, id and meta. */
function fullResource(stored: StoredResource): Record<string, unknown> {
  return {
    ...stored.attributes,
    id: stored.id,
    meta: { resourceType: stored.resourceType, created: stored.created, lastModified: stored.lastModified, version: `W/"${stored.version}"` },
  };
}

const HAND_WRITTEN_FILTERS = [
  'userName eq "alice-0"',
  'userName sw "ALICE"',
  'userName co "é"',
  'userName ew "-1"',
  'userName gt "o"',
  'userName le "b"',
  'displayName eq "émile"',
  'displayName eq "ÉMILE"',
  'displayName co "STRASSE"',
  'displayName co "straße"',
  'displayName sw "i̇"',
  'displayName co "%"',
  'displayName co "\\u0000b"',
  'displayName eq "nul\\u0000byte"',
  'displayName lt "nul\\u0000byte"',
  'displayName ge "nulbyte\\u0000"',
  'displayName eq "σας"',
  'displayName eq "i̇stanbul"',
  'displayName sw "i̇"',
  'title co "ς"',
  'name.familyName eq "σας"',
  'name.familyName sw "i̇s"',
  'emails[display eq "ǆ"]',
  'displayName ew "\\u0000byte"',
  'displayName sw "nul\\u0000"',
  'displayName gt "nul"',
  'displayName co "_"',
  'displayName co "\\\\"',
  'displayName ew "😀 SMILE"',
  'displayName eq ""',
  'displayName pr',
  'displayName eq null',
  'displayName ne null',
  'not (displayName pr)',
  'title ne "Tour Guide"',
  'not (title eq "tour guide")',
  'title co ""',
  'title gt "a" and title lt "p"',
  'externalId eq "EXT-1"',
  'externalId eq "ext-1"',
  'externalId pr',
  'externalId co "xt"',
  'externalId sw ""',
  'active eq true',
  'active ne true',
  'not (active eq false)',
  'name pr',
  'name.familyName pr',
  'name.familyName eq "zoë"',
  'name.familyName co "O"',
  'name.givenName ne "alice"',
  'emails pr',
  'emails eq null',
  'emails co "example.com"',
  'emails.value ew "EXAMPLE.COM"',
  'emails.value co "ä"',
  'emails.type eq "work"',
  'emails.type ne "work"',
  'emails.type eq ""',
  'emails.type pr',
  'emails.primary eq true',
  'emails.primary ne false',
  'emails.display pr',
  'emails[type eq "work" and value co "example"]',
  'emails[type eq "home" or primary eq true]',
  'emails[not (type eq "work")]',
  'emails[value pr and not (type pr)]',
  'emails[display co "a" or value sw "bob"]',
  'not (emails[type eq "work"])',
  'emails[type eq "work"] and emails[type eq "home"]',
  'phoneNumbers[type eq "mobile"]',
  'phoneNumbers.value sw "tel:+1-555-10"',
  'phoneNumbers.value pr',
  'phoneNumbers.value sw "5"',
  'phoneNumbers[not (type eq "mobile")]',
  'title pr and not (title gt "")',
  'title eq "42"',
  'nickName pr',
  'nickName eq null',
  'ims[type eq "xmpp" and value co "@foo.com"]',
  'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"',
  'schemas ne "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
  `${ENTERPRISE_USER}:department pr`,
  `${ENTERPRISE_USER}:department eq "ALICE"`,
  `${ENTERPRISE_USER}:department ne "alice"`,
  `${ENTERPRISE_USER}:employeeNumber ge "102"`,
  `${ENTERPRISE_USER}:manager pr`,
  `${ENTERPRISE_USER}:manager.value sw "D-0"`,
  'id eq "d-03"',
  'id eq "D-03"',
  'id gt "d-20"',
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'meta.lastModified ge "2011-05-13T06:42:34+02:00"',
  'meta.lastModified lt "2011-05-13T04:42:34.0001Z"',
  'meta.created le "2011-05-13T04:42:34Z"',
  'meta.created lt "10000-01-01T00:00:00Z"',
  'meta.created gt "-0001-01-01T00:00:00Z"',
  'meta.created eq "2020-02-29T12:00:00Z"',
  'meta.resourceType eq "User"',
  'meta.resourceType eq "user"',
  'meta.version eq "W/\\"1\\""',
  'meta pr',
  'userName pr or title pr and not (displayName pr)',
  '(userName pr or title pr) and not (displayName pr)',
];

/** Every sortable attribute kind: mapped columns, folded columns, JSON, extension, multi-valued (column and JSON), dateTime. */
const SORT_ATTRIBUTES = [
  'userName',
  'displayName',
  'title',
  'externalId',
  'active',
  'name.familyName',
  'emails',
  'emails.type',
  'phoneNumbers',
  'ims.type',
  `${ENTERPRISE_USER}:department`,
  `${ENTERPRISE_USER}:manager.value`,
  'meta.lastModified',
  'id',
];

describe.skipIf(!available)('PostgreSQL filters agree with the in-memory evaluator and with SQLite (differential)', () => {
  let directory: string;
  let schema: string;
  let postgres: PostgresStore;
  let sqlite: SqliteStore;
  let resources: Record<string, unknown>[] = [];

  async function load(store: Store): Promise<StoredResource[]> {
    await store.tenants.ensureTenant(TENANT, 'Differential', INSTANTS[0] ?? '');
    return store.transaction(async (writer) => {
      const inserted: StoredResource[] = [];
      for (const seed of generateUsers(40)) {
        inserted.push(await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: seed.id, attributes: seed.attributes, passwordHash: undefined, now: seed.now }));
      }
      return inserted;
    });
  }

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    schema = await createTestSchema();
    postgres = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 2 });
    sqlite = await openSqliteStore({ filename: path.join(directory, 'differential.db'), registry });
    resources = (await load(postgres)).map(fullResource);
    await load(sqlite);
  });

  afterAll(async () => {
    await postgres?.close();
    await sqlite?.close();
    if (schema !== undefined) await dropTestSchema(schema);
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** The ids `store` returns for `filter` (in its default order, by id), or the error's scimType. */
  async function idsFrom(store: Store, filter: FilterNode | undefined, sort?: SortSpec): Promise<string[] | string> {
    try {
      const result = await store.reader.listResources(TENANT, 'User', { filter, sort, startIndex: 1, count: 1000 });
      expect(result.totalResults).toBe(result.resources.length);
      return result.resources.map((resource) => resource.id);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      return `error ${error.scimType ?? error.status}`;
    }
  }

  /** The outcome of running `filter` in PostgreSQL and in memory. */
  async function bothWays(filter: FilterNode): Promise<{ sql: string[] | string; memory: string[] | string }> {
    let memory: string[] | string;
    try {
      memory = resources
        .filter((resource) => evaluateFilter(filter, resource, schemas))
        .map((resource) => String(resource['id']))
        .sort(compareIds);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      memory = `error ${error.scimType ?? error.status}`;
    }
    return { sql: await idsFrom(postgres, filter), memory };
  }

  it('generates users that exercise the filters (sanity check of the fixture)', async () => {
    const { sql } = await bothWays(parseFilter('emails pr'));
    expect(Array.isArray(sql) && sql.length > 5 && sql.length < 40).toBe(true);
  });

  it('stores and returns exactly what SQLite stores and returns', async () => {
    for (const resource of resources) {
      const id = String(resource['id']);
      expect(await postgres.reader.getResource(TENANT, 'User', id)).toEqual(await sqlite.reader.getResource(TENANT, 'User', id));
    }
  });

  for (const text of HAND_WRITTEN_FILTERS) {
    it(`agrees on ${text}`, async () => {
      const filter = parseFilter(text);
      const { sql, memory } = await bothWays(filter);
      expect(sql).toEqual(memory);
      expect(sql).toEqual(await idsFrom(sqlite, filter));
    });
  }

  for (const attribute of SORT_ATTRIBUTES) {
    it(`sorts by ${attribute} in SQLite's order, both ways`, async () => {
      const resolved = schemas.resolvePath(attribute);
      if (resolved === undefined) throw new TypeError(`Unknown attribute ${attribute}`);
      for (const order of ['ascending', 'descending'] as const) {
        const sort = { attribute: resolved, order };
        expect(await idsFrom(postgres, undefined, sort), `${attribute} ${order}`).toEqual(await idsFrom(sqlite, undefined, sort));
      }
    });
  }

  it('agrees on generated filters (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const { sql, memory } = await bothWays(filter);
        expect(sql, printFilter(filter)).toEqual(memory);
      }),
      { numRuns: 500, seed: 7644 },
    );
  });
});

/** Both stores list by id in code-point (UTF-8 byte) order; the ids here are ASCII. */
function compareIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

const path_ = filterNodes.attributePath;

/** Attribute paths the generated filters compare, with values of their type. */
const comparablePaths: readonly { readonly path: () => ReturnType<typeof path_>; readonly values: fc.Arbitrary<ComparisonValue> }[] = [
  { path: () => path_('userName'), values: fc.constantFrom('alice-0', 'ALICE', 'é', '-1', 'o', '') },
  { path: () => path_('displayName'), values: fc.constantFrom(...FILTER_WORDS, 'STRASSE', 'émile', 'a') },
  { path: () => path_('title'), values: fc.constantFrom(...FILTER_WORDS, null) },
  { path: () => path_('externalId'), values: fc.constantFrom('EXT-1', 'ext-1', 'xt', '', null) },
  { path: () => path_('active'), values: fc.boolean() },
  { path: () => path_('name', { subAttribute: 'familyName' }), values: fc.constantFrom(...FILTER_WORDS, null) },
  { path: () => path_('emails'), values: fc.constantFrom('example.com', 'EXAMPLE', 'ä', '@', 'bob@foo.com', null) },
  { path: () => path_('emails', { subAttribute: 'type' }), values: fc.constantFrom(...TYPES, null) },
  { path: () => path_('emails', { subAttribute: 'primary' }), values: fc.boolean() },
  { path: () => path_('phoneNumbers', { subAttribute: 'type' }), values: fc.constantFrom('work', 'MOBILE') },
  { path: () => path_('department', { schema: ENTERPRISE_USER }), values: fc.constantFrom(...FILTER_WORDS) },
  { path: () => path_('manager', { schema: ENTERPRISE_USER, subAttribute: 'value' }), values: fc.constantFrom('d-03', 'D-03', 'd-1') },
  { path: () => path_('meta', { subAttribute: 'lastModified' }), values: fc.constantFrom(...INSTANTS, '2011-05-13T06:42:34+02:00') },
  { path: () => path_('id'), values: fc.constantFrom('d-03', 'D-03', 'd-2') },
];

const BOOLEAN_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne'];
const ALL_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

const comparisonArbitrary: fc.Arbitrary<FilterNode> = fc
  .constantFrom(...comparablePaths)
  .chain((candidate) =>
    fc.tuple(fc.constant(candidate), candidate.values, fc.constantFrom(...ALL_OPERATORS), fc.constantFrom(...BOOLEAN_OPERATORS)),
  )
  .map(([candidate, value, operator, equality]) => {
    // null and booleans compare with eq/ne only; the invalid combinations are
    // covered by the hand-written cases, so generated ones stay meaningful.
    const usable = value === null || typeof value === 'boolean' ? equality : operator;
    return filterNodes.comparison(candidate.path(), usable, value);
  });

const presentArbitrary: fc.Arbitrary<FilterNode> = fc
  .constantFrom(...comparablePaths)
  .map((candidate) => filterNodes.present(candidate.path()));

const elementComparison: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.tuple(fc.constantFrom<ComparisonOperator>('eq', 'ne', 'co', 'sw', 'ew'), fc.constantFrom('work', 'HOME', 'o', '')).map(([operator, value]) =>
    filterNodes.comparison(path_('type'), operator, value),
  ),
  fc.tuple(fc.constantFrom<ComparisonOperator>('eq', 'co', 'ew', 'gt'), fc.constantFrom('example.com', 'bob', 'ä', 'n')).map(([operator, value]) =>
    filterNodes.comparison(path_('value'), operator, value),
  ),
  fc.boolean().map((value) => filterNodes.comparison(path_('primary'), 'eq', value)),
  fc.constantFrom('type', 'value', 'primary', 'display').map((name) => filterNodes.present(path_(name))),
);

const elementFilter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    elementComparison,
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('node'), tie('node')).map(([operator, left, right]) => filterNodes.logical(operator, left, right)),
    tie('node').map((inner) => filterNodes.not(inner)),
  ),
})).node;

const valuePathArbitrary: fc.Arbitrary<FilterNode> = fc
  .tuple(fc.constantFrom('emails', 'phoneNumbers'), elementFilter)
  .map(([name, inner]) => filterNodes.valuePath(path_(name), inner));

const filterArbitrary: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparisonArbitrary,
    presentArbitrary,
    valuePathArbitrary,
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('node'), tie('node')).map(([operator, left, right]) => filterNodes.logical(operator, left, right)),
    tie('node').map((inner) => filterNodes.not(inner)),
  ),
})).node;
