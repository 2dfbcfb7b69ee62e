/**
 * The MySQL dialect against the in-memory evaluator
 * (src/core/filter/evaluate.ts) and against SQLite, on MariaDB: the users
 * are written by the SQLite store (so every folded column and element row is
 * what the store writes), their rows copied as they are into a MariaDB
 * database migrated by src/store/mysql/migrations, and each filter
 * compiled with the MySQL dialect and run there. The ids MariaDB returns
 * must be exactly those `evaluateFilter` accepts, and for each sortBy the
 * order must be SQLite's.
 *
 * Where MariaDB's LOWER() cannot agree with JavaScript's toLowerCase() (see
 * src/store/sql/dialects/mysql.ts: İ, a final Σ, letters newer than
 * Unicode 5.2), the words of the generated users and filters leave that text
 * out and "documented differences" pins what MariaDB answers instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  differentialRegistry,
  expectAgreementOnGeneratedFilters,
  fullResource,
  generateUsers,
  handWrittenFilters,
  INSTANTS,
  itSelectsTheSameUsersForBothSpellings,
  multiValuedUsers,
  storeIds,
  ENTERPRISE_USER,
  type FilterOutcomes,
} from '../../../test/store-contract/differential-cases.js';
import { createTestDatabase, mariadbAvailableFor } from '../../../test/store-contract/mariadb-support.js';
import { ScimError } from '../../core/errors/scim-error.js';
import type { FilterNode } from '../../core/filter/ast.js';
import { evaluateFilter } from '../../core/filter/evaluate.js';
import { parseFilter } from '../../core/filter/parser.js';
import { compileFilterSql, compileListQuery } from '../sql/list-query.js';
import { parameter, rawSql, sql, type SqlFragment } from '../sql/fragment.js';
import type { SqlSession } from '../sql/session.js';
import { openSqliteStore, type SqliteStore } from '../sqlite/index.js';
import type { SortSpec, StoredResource } from '../store.js';
import type { MysqlSessions } from './mysql-sessions.js';
import { openMysqlSessions } from './open-mysql-sessions.js';

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

/** The tables the SQLite store wrote, copied row for row (users first, for the foreign keys). */
const COPIED_TABLES = ['tenants', 'users', 'user_emails'] as const;

async function copyRows(sqliteFile: string, target: SqlSession): Promise<void> {
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    for (const table of COPIED_TABLES) {
      for (const row of source.prepare(`SELECT * FROM ${table}`).all() as Record<string, string | number | null>[]) {
        const columns = Object.keys(row);
        const values = columns.map((column) => parameter(row[column] ?? null));
        await target.run(sql`INSERT INTO ${rawSql(table)} (${rawSql(columns.join(', '))}) VALUES (${joined(values)})`);
      }
    }
  } finally {
    source.close();
  }
}

function joined(fragments: readonly SqlFragment[]): SqlFragment {
  return fragments.reduce((all, fragment, index) => (index === 0 ? fragment : sql`${all}, ${fragment}`));
}

const available = await mariadbAvailableFor('the MySQL dialect differential test');

describe.skipIf(!available)('MySQL dialect filters on MariaDB agree with the in-memory evaluator and with SQLite (differential)', () => {
  let directory: string;
  let sqlite: SqliteStore;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let mariadb: MysqlSessions;
  let resources: Record<string, unknown>[] = [];

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    const file = path.join(directory, 'differential.db');
    sqlite = await openSqliteStore({ filename: file, registry });
    await sqlite.tenants.ensureTenant(TENANT, 'Differential', INSTANTS[0] ?? '');
    const stored = await sqlite.transaction(async (writer) => {
      const inserted: StoredResource[] = [];
      const extra = [
        { id: 'i-dotted', attributes: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'İstanbul', title: 'İstanbul', displayName: 'İstanbul' }, now: INSTANTS[1] ?? '' },
        { id: 'sigma', attributes: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'sigma', title: 'ΣΑΣ' }, now: INSTANTS[1] ?? '' },
        { id: 'cherokee', attributes: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'cherokee', title: 'Ꭰ' }, now: INSTANTS[1] ?? '' },
      ];
      for (const seed of [...generateUsers(40, WORDS), ...multiValuedUsers(), ...extra]) {
        inserted.push(await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: seed.id, attributes: seed.attributes, passwordHash: undefined, now: seed.now }));
      }
      return inserted;
    });
    resources = stored.map(fullResource);
    database = await createTestDatabase('scimitar_differential');
    mariadb = (await openMysqlSessions({ url: database.url, poolSize: 2 })).sessions;
    await mariadb.write((session) => copyRows(file, session));
  }, 120_000);

  afterAll(async () => {
    await sqlite?.close();
    await mariadb?.close();
    await database?.drop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** The ids MariaDB selects for `filter` (by id), or the error's scimType. */
  async function mariadbIds(filter: FilterNode | undefined, sort?: SortSpec): Promise<string[] | string> {
    try {
      if (sort !== undefined || filter === undefined) {
        const { page } = compileListQuery({ dialect: mariadb.dialect, tenantId: TENANT, resourceType: 'User', query: { schemas, filter, sort, startIndex: 1, count: 1000 } });
        if (page === undefined) throw new TypeError('no page statement');
        const rows = await mariadb.committed().all<{ id: string }>(page);
        return rows.map((row) => row.id);
      }
      const where = compileFilterSql({ dialect: mariadb.dialect, schemas, tenantId: TENANT, resourceType: 'User', filter });
      const rows = await mariadb.committed().all<{ id: string }>(preRendered(`SELECT r.id FROM users AS r WHERE r.tenant_id = ? AND (${where.text}) ORDER BY r.id`, [TENANT, ...where.parameters]));
      return rows.map((row) => row.id);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      return `error ${error.scimType ?? error.status}`;
    }
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

/** A statement already rendered for the dialect, run through the session unchanged. */
function preRendered(text: string, parameters: readonly unknown[]): SqlFragment {
  const pieces = text.split('?');
  let fragment = rawSql(pieces[0] ?? '');
  pieces.slice(1).forEach((piece, index) => {
    fragment = sql`${fragment}${parameter(parameters[index] as string | number | null)}${rawSql(piece)}`;
  });
  return fragment;
}
