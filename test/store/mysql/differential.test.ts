/**
 * The MySQL store on MariaDB against the in-memory evaluator
 * (src/core/filter/evaluate.ts) and against the SQLite store: the same users
 * are written to both, must read back alike, and for each filter the ids
 * MariaDB returns must be exactly those `evaluateFilter` accepts; for each
 * sortBy the order must be SQLite's.
 *
 * Where MariaDB's LOWER() cannot agree with JavaScript's toLowerCase() (see
 * src/store/sql/dialects/mysql.ts: İ, a final Σ, letters newer than
 * Unicode 5.2), the words of the generated users and filters leave that text
 * out and "documented differences" pins what MariaDB answers instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  differentialRegistry,
  expectAgreementOnGeneratedDirectories,
  expectAgreementOnGeneratedFilters,
  fullResource,
  generateUsers,
  handWrittenFilters,
  INSTANTS,
  itSelectsTheSameUsersForBothSpellings,
  multiValuedUsers,
  storeIds,
  CORE_USER,
  ENTERPRISE_USER,
  type FilterOutcomes,
} from '../../store-contract/differential-cases.js';
import { createTestDatabase, mariadbAvailableFor } from '../../store-contract/mariadb-support.js';
import { ScimError } from '../../../src/core/errors/scim-error.js';
import type { FilterNode } from '../../../src/core/filter/ast.js';
import { evaluateFilter } from '../../../src/core/filter/evaluate.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.js';
import type { SortSpec, Store, StoredResource } from '../../../src/store/store.js';
import { openMysqlStore, type MysqlStore } from '../../../src/store/mysql/mysql-store.js';

const TENANT = 'differential';
const registry = differentialRegistry();
const schemas = registry.forResourceType('User');

/** SQLite's words, but for İstanbul (folded differently by MariaDB; see "documented differences"). */
const WORDS = ['alice', 'Alice', 'ÉMILE', 'émile', 'Zoë', 'straße', "O'Brien", 'a%b', 'a_b', 'x\\y', 'Tour Guide', '', '😀 smile', 'ＡＢ', 'bob', 'Nul\u0000Byte', 'ǅ', 'a '];
const FILTER_WORDS = [...WORDS, 'nul\u0000', 'ǆ', 'a'];
/** Shared hand-written filters MariaDB answers differently, pinned under "documented differences". */
const FOLDED_DIFFERENTLY = new Set(['displayName sw "i̇"']);
const HAND_WRITTEN_FILTERS = handWrittenFilters(['displayName eq "nul\\u0000byte"', 'displayName lt "nul\\u0000byte"', 'title eq "a"', 'title eq "a "', 'emails[display eq "ǆ"]']);

const SORT_ATTRIBUTES = ['userName', 'displayName', 'title', 'externalId', 'active', 'name.familyName', 'emails', 'emails.type', 'phoneNumbers', 'ims.type', `${ENTERPRISE_USER}:department`, 'meta.lastModified', 'id'];

const available = await mariadbAvailableFor('the MySQL differential test');

describe.skipIf(!available)('MySQL filters on MariaDB agree with the in-memory evaluator and with SQLite (differential)', () => {
  let directory: string;
  let sqlite: SqliteStore;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let mariadb: MysqlStore;
  let resources: Record<string, unknown>[] = [];

  /** The users both stores hold: the generated ones, and text MariaDB folds differently (see "documented differences"). */
  const seeds = [
    ...generateUsers(40, WORDS),
    ...multiValuedUsers(),
    { id: 'i-dotted', attributes: { schemas: [CORE_USER], userName: 'İstanbul', title: 'İstanbul', displayName: 'İstanbul' }, now: INSTANTS[1] ?? '' },
    { id: 'sigma', attributes: { schemas: [CORE_USER], userName: 'sigma', title: 'ΣΑΣ' }, now: INSTANTS[1] ?? '' },
    { id: 'cherokee', attributes: { schemas: [CORE_USER], userName: 'cherokee', title: 'Ꭰ' }, now: INSTANTS[1] ?? '' },
  ];

  async function load(store: Store): Promise<StoredResource[]> {
    await store.tenants.ensureTenant(TENANT, 'Differential', INSTANTS[0] ?? '');
    return store.transaction(async (writer) => {
      const inserted: StoredResource[] = [];
      for (const seed of seeds) {
        inserted.push(await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: seed.id, attributes: seed.attributes, passwordHash: undefined, now: seed.now }));
      }
      return inserted;
    });
  }

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    sqlite = await openSqliteStore({ filename: path.join(directory, 'differential.db'), registry });
    database = await createTestDatabase('scimitar_differential');
    mariadb = await openMysqlStore({ url: database.url, poolSize: 2 });
    resources = (await load(mariadb)).map(fullResource);
    await load(sqlite);
  }, 120_000);

  afterAll(async () => {
    await sqlite?.close();
    await mariadb?.close();
    await database?.drop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** The ids the MariaDB store selects for `filter` (by id, or in `sort`'s order), or the error's scimType. */
  function mariadbIds(filter: FilterNode | undefined, sort?: SortSpec): Promise<string[] | string> {
    return storeIds(mariadb, schemas, TENANT, filter, sort);
  }

  function memoryIds(filter: FilterNode): string[] | string {
    try {
      return resources
        .filter((resource) => evaluateFilter(filter, resource, schemas))
        .map((resource) => String(resource['id']))
        .sort();
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      return `error ${error.scimType ?? error.status}`;
    }
  }

  async function bothWays(filter: FilterNode): Promise<FilterOutcomes> {
    return { sql: await mariadbIds(filter), memory: memoryIds(filter) };
  }

  it('stores and returns exactly what SQLite stores and returns (U+0000 and 4-byte UTF-8 included)', async () => {
    for (const resource of resources) {
      const id = String(resource['id']);
      expect(await mariadb.reader.getResource(TENANT, 'User', id)).toEqual(await sqlite.reader.getResource(TENANT, 'User', id));
    }
  });

  it('generates users that exercise the filters (sanity check of the fixture)', async () => {
    const { sql: ids } = await bothWays(parseFilter('emails pr'));
    expect(Array.isArray(ids) && ids.length > 5 && ids.length < 45).toBe(true);
  });

  for (const text of HAND_WRITTEN_FILTERS.filter((filter) => !FOLDED_DIFFERENTLY.has(filter))) {
    it(`agrees on ${text}`, async () => {
      const filter = parseFilter(text);
      const { sql: ids, memory } = await bothWays(filter);
      expect(ids).toEqual(memory);
      expect(ids).toEqual(await storeIds(sqlite, schemas, TENANT, filter));
    });
  }

  for (const attribute of SORT_ATTRIBUTES) {
    it(`sorts by ${attribute} in SQLite's order, both ways`, async () => {
      const resolved = schemas.resolvePath(attribute);
      if (resolved === undefined) throw new TypeError(`Unknown attribute ${attribute}`);
      for (const order of ['ascending', 'descending'] as const) {
        const sort = { attribute: resolved, order };
        const expected = await storeIds(sqlite, schemas, TENANT, undefined, sort);
        expect(await mariadbIds(undefined, sort), `${attribute} ${order}`).toEqual(expected);
      }
    });
  }

  itSelectsTheSameUsersForBothSpellings(bothWays);

  it('agrees on generated filters (fast-check)', async () => {
    await expectAgreementOnGeneratedFilters(FILTER_WORDS, bothWays);
  }, 300_000);

  it('agrees on random directories × random filters (fast-check)', async () => {
    await expectAgreementOnGeneratedDirectories(mariadb, schemas);
  }, 300_000);

  describe('documented differences: MariaDB folds JSON text with utf8mb4_unicode_520_ci, not JavaScript', () => {
    it('İ folds to i, not to i̇ (i with a combining dot) as in JavaScript', async () => {
      const filter = parseFilter('title eq "i̇stanbul"');
      expect(memoryIds(filter)).toEqual(['i-dotted']);
      expect(await mariadbIds(filter)).toEqual([]);
      expect(await mariadbIds(parseFilter('title eq "istanbul"'))).toEqual(['i-dotted']);
    });

    it('a final Σ folds to σ, not to ς as in JavaScript', async () => {
      expect(memoryIds(parseFilter('title eq "σας"'))).toEqual(['sigma']);
      expect(await mariadbIds(parseFilter('title eq "σας"'))).toEqual([]);
      expect(await mariadbIds(parseFilter('title eq "σασ"'))).toEqual(['sigma']);
    });

    it('letters whose lower case is newer than Unicode 5.2 (Cherokee) stay as they are', async () => {
      const filter = parseFilter('title eq "ꭰ"');
      expect(memoryIds(filter)).toEqual(['cherokee']);
      expect(await mariadbIds(filter)).toEqual([]);
    });

    it('so does a column without a folded copy (a User\'s displayName)', async () => {
      for (const text of ['displayName eq "i̇stanbul"', ...FOLDED_DIFFERENTLY]) {
        const filter = parseFilter(text);
        expect(memoryIds(filter), text).toContain('i-dotted');
        expect(await mariadbIds(filter), text).not.toContain('i-dotted');
      }
    });

    it('folded columns hold JavaScript-folded text, so userName agrees even on İ', async () => {
      const filter = parseFilter('userName eq "İSTANBUL"');
      expect(memoryIds(filter)).toEqual(['i-dotted']);
      expect(await mariadbIds(filter)).toEqual(['i-dotted']);
    });
  });
});
