/**
 * The PostgreSQL dialect against the in-memory evaluator
 * (src/core/filter/evaluate.ts) and against the SQLite store: for each
 * filter, the ids PostgreSQL returns from real rows must be exactly the ids
 * of the resources `evaluateFilter` accepts, and for each sortBy the order
 * must be SQLite's. The users and filters are those of
 * test/store/sqlite/differential.test.ts (same seed), plus text where
 * PostgreSQL's own lower() would disagree with JavaScript (final sigma,
 * dotted İ, title case) and filter values holding U+0000, which PostgreSQL
 * cannot store and the compiler decides without binding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_USER, differentialRegistry, itSelectsTheSameUsersForBothSpellings, expectAgreementOnGeneratedDirectories, expectAgreementOnGeneratedFilters, filterOutcomes, fullResource, generateUsers, handWrittenFilters, INSTANTS, multiValuedUsers, storeIds, type FilterOutcomes } from '../../store-contract/differential-cases.js';
import { postgresAvailableFor, createTestSchema, dropTestSchema, postgresTestUrl } from '../../store-contract/postgres-support.js';
import type { FilterNode } from '../../../src/core/filter/ast.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.js';
import type { SortSpec, Store, StoredResource } from '../../../src/store/store.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';

const TENANT = 'differential';
const registry = differentialRegistry();
const schemas = registry.forResourceType('User');

const available = await postgresAvailableFor('the PostgreSQL differential test');

// PostgreSQL cannot store U+0000, so the users hold 'NulByte' where the SQLite
// test stores 'Nul\u0000Byte'; the filters still send NUL (see FILTER_WORDS).
const WORDS = ['alice', 'Alice', 'ÉMILE', 'émile', 'Zoë', 'straße', 'İstanbul', "O'Brien", 'a%b', 'a_b', 'x\\y', 'Tour Guide', '', '😀 smile', 'ＡＢ', 'bob', 'NulByte', 'ΣΑΣ', 'Σ', 'ǅ'];
const FILTER_WORDS = [...WORDS, 'Nul\u0000Byte', 'nul\u0000', 'σας', 'i̇stanbul', 'ǆ'];

/** PostgreSQL's own cases: U+0000 in filter values, and text where its lower() differs from JavaScript's. */
const HAND_WRITTEN_FILTERS = handWrittenFilters([
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
]);

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
      for (const seed of [...generateUsers(40, WORDS), ...multiValuedUsers()]) {
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
  function idsFrom(store: Store, filter: FilterNode | undefined, sort?: SortSpec): Promise<string[] | string> {
    return storeIds(store, schemas, TENANT, filter, sort);
  }

  /** The outcome of running `filter` in PostgreSQL and in memory. */
  function bothWays(filter: FilterNode): Promise<FilterOutcomes> {
    return filterOutcomes(postgres, TENANT, resources, schemas, filter);
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

  itSelectsTheSameUsersForBothSpellings(bothWays);

  it('agrees on generated filters (fast-check)', async () => {
    await expectAgreementOnGeneratedFilters(FILTER_WORDS, bothWays);
  });

  it('agrees on random directories × random filters (fast-check)', async () => {
    await expectAgreementOnGeneratedDirectories(postgres, schemas);
  }, 120_000);
});
