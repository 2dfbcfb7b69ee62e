/**
 * A request on one of many small tenants must find its rows through indexes
 * that lead with the tenant, never by scanning a table: with 10,000 tenants
 * a scan reads every tenant's rows to serve one. Checked with EXPLAIN QUERY
 * PLAN on a database of one large tenant and many small ones (the planner
 * then has statistics that make a scan look as cheap as it ever will), for
 * the statements a random-tenant request of the benchmark runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../core/filter/parser.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import { READ_STATEMENTS } from '../sql/resource-reader.js';
import { TOKEN_STATEMENTS } from '../sql/tenant-store.js';
import type { ListQuery } from '../store.js';
import { openSqliteStore, type SqliteStore } from './index.js';

const registry = createDefaultRegistry();
const LARGE_TENANT = 'large';
const LARGE_USERS = 3_000;
const SMALL_TENANTS = 150;
const SMALL_USERS = 40;
const GROUPS_PER_SMALL_TENANT = 2;
const MEMBERS_PER_GROUP = 10;
const NOW = '2024-01-01T00:00:00.000Z';

const smallTenant = (index: number) => `small-${index.toString().padStart(3, '0')}`;
const TENANT = smallTenant(42);
const USER = `${TENANT}-user-3`;
const TOKEN_HASH = `hash-of-${TENANT}`;

function usersPage(filter: string | undefined, count: number): ListQuery {
  return { schemas: registry.forResourceType('User'), filter: filter === undefined ? undefined : parseFilter(filter), sort: undefined, startIndex: 1, count };
}

describe('query plans of a request on one of many tenants (SQLite)', () => {
  let directory: string;
  let store: SqliteStore;
  let db: Database.Database;

  async function seedTenant(tenantId: string, users: number, groups: number): Promise<void> {
    await store.tenants.ensureTenant(tenantId, tenantId, NOW);
    await store.tenants.insertToken({ id: `token-${tenantId}`, tenantId, name: 'idp', prefix: 'scim_x', hash: `hash-of-${tenantId}`, createdAt: NOW, expiresAt: undefined });
    await store.transaction(async (writer) => {
      for (let index = 0; index < users; index += 1) {
        const userName = `user${index}@${tenantId}.example`;
        await writer.insertResource({
          tenantId,
          resourceType: 'User',
          id: `${tenantId}-user-${index}`,
          attributes: { userName, emails: [{ value: userName, type: 'work', primary: true }] },
          passwordHash: undefined,
          now: NOW,
        });
      }
      for (let group = 0; group < groups; group += 1) {
        const groupId = `${tenantId}-group-${group}`;
        await writer.insertResource({ tenantId, resourceType: 'Group', id: groupId, attributes: { displayName: `Group ${group}` }, passwordHash: undefined, now: NOW });
        const members = Array.from({ length: MEMBERS_PER_GROUP }, (_, member) => ({ value: `${tenantId}-user-${(group * MEMBERS_PER_GROUP + member) % users}`, type: 'User' as const }));
        await writer.addMembers(tenantId, groupId, members);
      }
    });
  }

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    const file = path.join(directory, 'tenants.db');
    store = await openSqliteStore({ filename: file, registry });
    await seedTenant(LARGE_TENANT, LARGE_USERS, 20);
    for (let index = 0; index < SMALL_TENANTS; index += 1) await seedTenant(smallTenant(index), SMALL_USERS, GROUPS_PER_SMALL_TENANT);
    // The statistics a live database gathers over time (PRAGMA optimize runs ANALYZE where it finds none).
    await store.close();
    db = new Database(file);
    db.exec('ANALYZE');
    store = await openSqliteStore({ filename: file, registry });
  }, 60_000);

  afterAll(async () => {
    db?.close();
    await store?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  function plan(statement: SqlFragment): string[] {
    const { text, parameters } = renderSql(statement, sqliteDialect);
    return (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
  }

  async function listPlan(query: ListQuery): Promise<string[]> {
    const { count, page } = await store.explainList(TENANT, 'User', query);
    return [...count, ...page];
  }

  /** A membership read: the member's rows, their groups by key, and each group's own memberships (nested?) by the member index. */
  const MEMBERSHIP_SEARCHES = [
    /^SEARCH m USING (COVERING )?INDEX group_members_member \(tenant_id=\? AND member_id=\?\)$/,
    /^SEARCH g USING (COVERING )?INDEX sqlite_autoindex_groups_1 \(tenant_id=\? AND id=\?\)$/,
    /^SEARCH p USING (COVERING )?INDEX group_members_member \(tenant_id=\? AND member_id=\?\)$/,
  ];

  /** What the request reads, how, and the index searches its plan must hold. */
  const cases: readonly (readonly [string, () => Promise<string[]> | string[], readonly RegExp[]])[] = [
    // The hash is unique over all tenants: it is what tells the tenant.
    ['the bearer token, by its keyed hash', () => plan(TOKEN_STATEMENTS.byHash(TOKEN_HASH)), [/^SEARCH t USING (COVERING )?INDEX sqlite_autoindex_tokens_\d+ \(hash=\?\)$/]],
    ['a user, by id', () => plan(READ_STATEMENTS.resource('User', TENANT, USER)), [/^SEARCH users USING (COVERING )?INDEX sqlite_autoindex_users_1 \(tenant_id=\? AND id=\?\)$/]],
    ["the user's groups", () => plan(READ_STATEMENTS.directMemberships(TENANT, USER)), MEMBERSHIP_SEARCHES],
    // A GET that shows groups reads both in one statement: the same searches, the groups as a subquery of the row.
    [
      'a user with its groups, in one statement',
      () => plan(READ_STATEMENTS.resourceWithMemberships(sqliteDialect, 'User', TENANT, USER)),
      [/^SEARCH r USING (COVERING )?INDEX sqlite_autoindex_users_1 \(tenant_id=\? AND id=\?\)$/, ...MEMBERSHIP_SEARCHES],
    ],
    ['a user, by userName eq', () => listPlan(usersPage(`userName eq "USER3@${TENANT}.example"`, 100)), [/^SEARCH r USING (COVERING )?INDEX users_user_name \(tenant_id=\? AND user_name_ci=\?\)$/]],
    // The total from the tenant's kept count, the page from the tenant's end of the primary key, in its order.
    [
      'the first page of users',
      () => listPlan(usersPage(undefined, 100)),
      [/^SEARCH c USING (COVERING )?INDEX sqlite_autoindex_resource_counts_1 \(tenant_id=\? AND resource_type=\?\)$/, /^SEARCH r USING (COVERING )?INDEX sqlite_autoindex_users_1 \(tenant_id=\?\)$/],
    ],
    ["the groups of a page's users", () => plan(READ_STATEMENTS.directMembershipsOfMany(TENANT, [USER, `${TENANT}-user-4`])), MEMBERSHIP_SEARCHES],
  ];

  for (const [read, plans, searches] of cases) {
    it(`reads ${read} through indexes that lead with the tenant, never a scan`, async () => {
      const lines = await plans();
      const text = lines.join('\n');
      for (const search of searches) expect(lines.some((line) => search.test(line)), text).toBe(true);
      // SCAN CONSTANT ROW is the one-row SELECT a scalar subquery sits in, not a table.
      expect(lines.filter((line) => /^SCAN (?!CONSTANT ROW$)/.test(line)), text).toEqual([]);
    });
  }
});
