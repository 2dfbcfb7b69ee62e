/**
 * Pruning the request log must never read the whole log: each of its
 * statements (PRUNE_STATEMENTS) goes through an index that leads with the
 * tenant, so a prune's cost follows the tenants and what it removes, not
 * the size of the log, and each tenant's transaction stays short. Checked with
 * each database's EXPLAIN, through the store's own connection and dialect,
 * on a log of many tenants (and tenants that do not exist), ANALYZEd, so
 * the planner has statistics that make a scan look as cheap as it ever will.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import type { RequestLogEntry } from '../../../src/request-log/entry.js';
import { openMysqlStore } from '../../../src/store/mysql/index.js';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { rawSql, sql, type SqlFragment } from '../../../src/store/sql/fragment.js';
import { PRUNE_STATEMENTS } from '../../../src/store/sql/request-log-store.js';
import type { SqlStore } from '../../../src/store/sql/sql-store.js';
import type { SqlRow } from '../../../src/store/sql/read-access.js';
import type { SqlDialect } from '../../../src/store/sql/dialect.js';
import { databaseAvailableFor, freshDatabase, type DatabaseKind, type FreshDatabase } from '../../helpers/fresh-database.js';

const registry = createDefaultRegistry();
const TENANTS = Array.from({ length: 200 }, (_, index) => `tenant-${index.toString().padStart(3, '0')}`);
const GHOSTS = Array.from({ length: 10 }, (_, index) => `ghost-${index}`);
const ENTRIES_PER_TENANT = 50;
const NOW = '2026-03-01T00:00:00.000Z';
/** Entries are spread over 30 days of January: the age cut takes the first day's. */
const BEFORE = '2026-01-02T00:00:00.000Z';
const TENANT = 'tenant-042';

function entry(tenantId: string, index: number): RequestLogEntry {
  return {
    tenantId,
    occurredAt: `2026-01-${((index % 30) + 1).toString().padStart(2, '0')}T12:00:00.000Z`,
    requestId: `${tenantId}-${index}`,
    method: 'GET',
    path: '/scim/v2/Users',
    query: null,
    status: index % 10 === 0 ? 404 : 200,
    scimType: null,
    detail: null,
    authFailure: null,
    latencyMs: 1,
    clientAddress: null,
    userAgent: null,
    idp: null,
    resourceId: null,
    requestBody: null,
    responseBody: null,
  };
}

/** Which statement, and the plan lines it must hold. */
type Cases = readonly (readonly [string, (dialect: SqlDialect) => SqlFragment, readonly RegExp[]])[];

interface Database {
  readonly kind: DatabaseKind;
  readonly name: string;
  readonly open: (database: FreshDatabase) => Promise<SqlStore>;
  /** Gathers the statistics a live database has (`table` names a table as this database holds it). */
  readonly analyze: (table: (name: string) => string) => string;
  readonly explain: string;
  /** One plan line of a result row. */
  readonly line: (row: SqlRow) => string;
  /** A line that reads the whole log (or the whole of one of its indexes). */
  readonly scan: RegExp;
  readonly cases: Cases;
}

const DATABASES: readonly Database[] = [
  {
    kind: 'sqlite',
    name: 'SQLite',
    open: (database) => openSqliteStore({ ...(database as FreshDatabase<'sqlite'>).storeOptions, registry }),
    analyze: () => 'ANALYZE',
    explain: 'EXPLAIN QUERY PLAN ',
    line: (row) => String(row['detail']),
    scan: /^SCAN request_log\b/,
    cases: [
      ['the first tenant with entries', () => PRUNE_STATEMENTS.nextTenant(undefined), [/^SEARCH request_log USING COVERING INDEX request_log_\w+$/]],
      ['the next tenant with entries', () => PRUNE_STATEMENTS.nextTenant(TENANT), [/^SEARCH request_log USING COVERING INDEX request_log_\w+ \(tenant_id>\?\)$/]],
      ['whether the tenant exists', () => PRUNE_STATEMENTS.tenantExists(TENANT), [/^SEARCH tenants USING (COVERING )?INDEX sqlite_autoindex_tenants_1 \(id=\?\)$/]],
      ['the entries of a tenant that does not exist', () => PRUNE_STATEMENTS.removeTenant(GHOSTS[3]!), [/^SEARCH request_log USING (COVERING )?INDEX request_log_\w+ \(tenant_id=\?\)$/]],
      ["a tenant's entries past the age", () => PRUNE_STATEMENTS.removeOlder(TENANT, BEFORE), [/^SEARCH request_log USING (COVERING )?INDEX request_log_tenant_time \(tenant_id=\? AND occurred_at<\?\)$/]],
      ["the id at a tenant's row cap", (dialect) => PRUNE_STATEMENTS.cut(dialect, TENANT, 10), [/^SEARCH request_log USING COVERING INDEX request_log_tenant \(tenant_id=\?\)$/]],
      ["a tenant's entries beyond its cap", () => PRUNE_STATEMENTS.removeThrough(TENANT, 2_140), [/^SEARCH request_log USING (COVERING )?INDEX request_log_tenant \(tenant_id=\? AND id<\?\)$/]],
    ],
  },
  {
    kind: 'postgres',
    name: 'PostgreSQL',
    open: (database) => openPostgresStore({ ...(database as FreshDatabase<'postgres'>).storeOptions, registry, poolSize: 2 }),
    analyze: (table) => `ANALYZE ${table('request_log')}, ${table('tenants')}`,
    explain: 'EXPLAIN (COSTS OFF) ',
    line: (row) => String(row['QUERY PLAN']),
    scan: /Seq Scan on request_log\b/,
    cases: [
      ['the first tenant with entries', () => PRUNE_STATEMENTS.nextTenant(undefined), [/Index Only Scan using request_log_\w+ on request_log\b/]],
      ['the next tenant with entries', () => PRUNE_STATEMENTS.nextTenant(TENANT), [/Index Only Scan using request_log_\w+ on request_log\b/]],
      // Whether the tenant exists is left out: on a table of 200 tenants PostgreSQL rightly reads its two pages instead of the primary key.
      ['the entries of a tenant that does not exist', () => PRUNE_STATEMENTS.removeTenant(GHOSTS[3]!), [/Index (Only )?Scan using request_log_\w+ on request_log\b|Bitmap Index Scan on request_log_\w+/]],
      ["a tenant's entries past the age", () => PRUNE_STATEMENTS.removeOlder(TENANT, BEFORE), [/Index (Only )?Scan using request_log_tenant_time on request_log\b|Bitmap Index Scan on request_log_tenant_time\b/]],
      ["the id at a tenant's row cap", (dialect) => PRUNE_STATEMENTS.cut(dialect, TENANT, 10), [/Index Only Scan Backward using request_log_tenant on request_log\b/]],
      ["a tenant's entries beyond its cap", () => PRUNE_STATEMENTS.removeThrough(TENANT, 2_140), [/Index (Only )?Scan using request_log_tenant on request_log\b|Bitmap Index Scan on request_log_tenant\b/]],
    ],
  },
  {
    kind: 'mariadb',
    name: 'MariaDB',
    open: (database) => openMysqlStore({ ...(database as FreshDatabase<'mariadb'>).storeOptions, poolSize: 2 }),
    analyze: (table) => `ANALYZE TABLE ${table('request_log')}, ${table('tenants')}`,
    explain: 'EXPLAIN ',
    // `<table> <access type> <key> <extra>`
    line: (row) => `${String(row['table'])} ${String(row['type'])} ${String(row['key'])} ${String(row['Extra'] ?? '')}`.trim(),
    scan: /^request_log (ALL|index) /,
    cases: [
      // MIN of an index's first column, found while planning by one seek.
      ['the first tenant with entries', () => PRUNE_STATEMENTS.nextTenant(undefined), [/^null null null Select tables optimized away\b/]],
      ['the next tenant with entries', () => PRUNE_STATEMENTS.nextTenant(TENANT), [/^null null null Select tables optimized away\b/]],
      ['whether the tenant exists', () => PRUNE_STATEMENTS.tenantExists(TENANT), [/^tenants const PRIMARY\b/]],
      ['the entries of a tenant that does not exist', () => PRUNE_STATEMENTS.removeTenant(GHOSTS[3]!), [/^request_log (ref|range) request_log_\w+\b/]],
      ["a tenant's entries past the age", () => PRUNE_STATEMENTS.removeOlder(TENANT, BEFORE), [/^request_log range request_log_tenant_time\b/]],
      ["the id at a tenant's row cap", (dialect) => PRUNE_STATEMENTS.cut(dialect, TENANT, 10), [/^request_log ref request_log_tenant\b/]],
      ["a tenant's entries beyond its cap", () => PRUNE_STATEMENTS.removeThrough(TENANT, 2_140), [/^request_log range request_log_tenant\b/]],
    ],
  },
];

for (const database of DATABASES) {
  const available = await databaseAvailableFor(database.kind, `the request log prune plans on ${database.name}`);

  describe.skipIf(!available)(`query plans of the request log's pruning on ${database.name}`, () => {
    let fresh: FreshDatabase;
    let store: SqlStore;

    beforeAll(async () => {
      fresh = await freshDatabase(database.kind, { prefix: 'scimitar_prune_plans', postgres: 'schema' });
      store = await database.open(fresh);
      for (const tenantId of TENANTS) await store.tenants.ensureTenant(tenantId, tenantId, NOW);
      await store.requestLog.append([...TENANTS, ...GHOSTS].flatMap((tenantId) => Array.from({ length: ENTRIES_PER_TENANT }, (_, index) => entry(tenantId, index))));
      await fresh.execute(database.analyze((name) => fresh.table(name)));
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      await fresh?.drop();
    });

    async function plan(statement: SqlFragment): Promise<string[]> {
      return (await store.sql.committed.rows(sql`${rawSql(database.explain)}${statement}`)).map(database.line);
    }

    for (const [what, statement, searches] of database.cases) {
      it(`reads ${what} through an index that leads with the tenant, never a scan of the log`, async () => {
        const lines = await plan(statement(store.sql.dialect));
        const text = lines.join('\n');
        for (const search of searches) expect(lines.some((line) => search.test(line)), text).toBe(true);
        expect(lines.filter((line) => database.scan.test(line)), text).toEqual([]);
      });
    }

    it('steps through every tenant with entries by those seeks, in order, those that do not exist too', async () => {
      const found: string[] = [];
      for (;;) {
        const [row] = await store.sql.committed.rows(PRUNE_STATEMENTS.nextTenant(found.at(-1)));
        if (row?.['tenant_id'] === null || row?.['tenant_id'] === undefined) break;
        found.push(String(row['tenant_id']));
      }
      expect(found).toEqual([...GHOSTS, ...TENANTS]);
    });

    // Last: it changes the log the plans above were read on.
    it("prunes through those plans: the missing tenants' entries, each tenant's first day and what is beyond its cap", async () => {
      // Per tenant: indexes 0 and 30 fall on the first day; of the 48 left, the cap of 40 takes 8.
      expect(await store.requestLog.prune(BEFORE, 40)).toBe(GHOSTS.length * ENTRIES_PER_TENANT + TENANTS.length * (2 + 8));
      const kept = await store.requestLog.list(TENANT, { order: 'oldest', limit: 100, withBodies: false });
      const survivors = Array.from({ length: ENTRIES_PER_TENANT }, (_, index) => index).filter((index) => index % 30 !== 0).slice(-40);
      expect(kept.map((row) => row.requestId)).toEqual(survivors.map((index) => `${TENANT}-${index}`));
      expect(await store.requestLog.list(GHOSTS[0]!, { order: 'oldest', limit: 100, withBodies: false })).toEqual([]);
    });
  });
}
