/**
 * The filters identity providers send on every sync must be index lookups,
 * not scans of the users or groups table: checked with EXPLAIN QUERY PLAN on
 * a real database file holding a few thousand users in two tenants.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { openSqliteStore, type SqliteStore } from './index.js';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import { MEMBERSHIP_STATEMENTS as M } from '../sql/resource-writer.js';

const registry = createDefaultRegistry();
const TENANTS = ['acme', 'globex'];
const USERS_PER_TENANT = 2_500;
const NOW = '2024-01-01T00:00:00.000Z';

describe('query plans of the lookups identity providers send', () => {
  let directory: string;
  let store: SqliteStore;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    store = await openSqliteStore({ filename: path.join(directory, 'plans.db'), registry });
    for (const tenant of TENANTS) {
      await store.tenants.ensureTenant(tenant, tenant, NOW);
      await store.transaction(async (writer) => {
        for (let index = 0; index < USERS_PER_TENANT; index += 1) {
          await writer.insertResource({
            tenantId: tenant,
            resourceType: 'User',
            id: `${tenant}-user-${index}`,
            attributes: { userName: `user${index}@${tenant}.example`, externalId: `ext-${index}`, emails: [{ value: `user${index}@${tenant}.example`, type: 'work', primary: true }] },
            passwordHash: undefined,
            now: NOW,
          });
        }
        for (let index = 0; index < 100; index += 1) {
          await writer.insertResource({ tenantId: tenant, resourceType: 'Group', id: `${tenant}-group-${index}`, attributes: { displayName: `Group ${index}`, externalId: `gext-${index}` }, passwordHash: undefined, now: NOW });
          await writer.addMembers(
            tenant,
            `${tenant}-group-${index}`,
            Array.from({ length: 25 }, (_, member) => ({ value: `${tenant}-user-${index * 25 + member}`, type: 'User' as const })),
          );
        }
      });
    }
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  async function plans(resourceType: ResourceTypeName, filter: string): Promise<string[]> {
    const { count, page } = await store.explainList('acme', resourceType, { schemas: registry.forResourceType(resourceType), filter: parseFilter(filter), sort: undefined, startIndex: 1, count: 10 });
    return [...count, ...page];
  }

  const cases: readonly (readonly [ResourceTypeName, string, RegExp])[] = [
    ['User', 'id eq "acme-user-42"', /SEARCH r USING (COVERING )?INDEX sqlite_autoindex_users_1 \(tenant_id=\? AND id=\?\)/],
    ['User', 'userName eq "USER42@acme.example"', /SEARCH r USING (COVERING )?INDEX users_user_name \(tenant_id=\? AND user_name_ci=\?\)/],
    ['User', 'externalId eq "ext-42"', /SEARCH r USING (COVERING )?INDEX users_external_id \(tenant_id=\? AND external_id=\?\)/],
    ['User', 'emails.value eq "user42@acme.example"', /SEARCH t1 USING (COVERING )?INDEX user_emails_value \(tenant_id=\? AND value_ci=\?( AND type_ci=\?)?\)/],
    ['User', 'emails[value eq "user42@acme.example"]', /SEARCH t1 USING (COVERING )?INDEX user_emails_value \(tenant_id=\? AND value_ci=\?( AND type_ci=\?)?\)/],
    ['User', 'emails[type eq "work" and value eq "user42@acme.example"]', /SEARCH t1 USING (COVERING )?INDEX user_emails_value \(tenant_id=\? AND value_ci=\?( AND type_ci=\?)?\)/],
    ['Group', 'displayName eq "group 7"', /SEARCH r USING (COVERING )?INDEX groups_display_name \(tenant_id=\? AND display_name_ci=\?\)/],
    ['Group', 'externalId eq "gext-7"', /SEARCH r USING (COVERING )?INDEX groups_external_id \(tenant_id=\? AND external_id=\?\)/],
    ['Group', 'members.value eq "acme-user-42"', /SEARCH t1 USING (COVERING )?INDEX group_members_member \(tenant_id=\? AND member_id=\?\)/],
  ];

  for (const [resourceType, filter, expectedIndex] of cases) {
    it(`${resourceType} ${filter} is an index search, never a scan of the table`, async () => {
      const lines = await plans(resourceType, filter);
      expect(lines.some((line) => expectedIndex.test(line)), lines.join('\n')).toBe(true);
      expect(lines.filter((line) => /^SCAN (r|t1)\b/.test(line)), lines.join('\n')).toEqual([]);
      // The rows of a side-table lookup are then fetched by primary key.
      if (/t1/.test(expectedIndex.source)) {
        expect(lines.some((line) => /SEARCH r USING (COVERING )?INDEX sqlite_autoindex_(users|groups)_1 \(tenant_id=\? AND id=\?\)/.test(line)), lines.join('\n')).toBe(true);
      }
    });
  }

  it('finds the right rows through those plans', async () => {
    const found = await store.reader.listResources('acme', 'User', { schemas: registry.forResourceType('User'), filter: parseFilter('emails[value eq "USER42@acme.example"]'), sort: undefined, startIndex: 1, count: 10 });
    expect(found.resources.map((resource) => resource.id)).toEqual(['acme-user-42']);
    const groups = await store.reader.listResources('acme', 'Group', { schemas: registry.forResourceType('Group'), filter: parseFilter('members.value eq "acme-user-42"'), sort: undefined, startIndex: 1, count: 10 });
    expect(groups.resources.map((resource) => resource.id)).toEqual(['acme-group-1']);
  });

  it('changes one membership through the primary key or the member index, whatever the size of the group', () => {
    const db = new Database(path.join(directory, 'plans.db'), { readonly: true });
    try {
      const plan = (statement: SqlFragment) => {
        const { text, parameters } = renderSql(statement, sqliteDialect);
        return (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
      };
      expect(plan(M.remove(M.someMembers('acme', 'acme-group-1', ['acme-user-42'])))).toEqual(['SEARCH group_members USING PRIMARY KEY (tenant_id=? AND group_id=? AND member_id=?)']);
      expect(plan(M.remove(M.allMembers('acme', 'acme-group-1')))).toEqual(['SEARCH group_members USING PRIMARY KEY (tenant_id=? AND group_id=?)']);
      expect(plan(M.remove(M.memberships('acme', ['acme-group-1', 'acme-group-2'], 'acme-user-42')))).toEqual(['SEARCH group_members USING PRIMARY KEY (tenant_id=? AND group_id=? AND member_id=?)']);
      expect(plan(M.containingGroups('acme', 'acme-user-42', sqliteDialect.rowLock('update')))).toEqual([
        'SEARCH g USING COVERING INDEX sqlite_autoindex_groups_1 (tenant_id=? AND id=?)',
        'LIST SUBQUERY 1',
        'SEARCH m USING COVERING INDEX group_members_member (tenant_id=? AND member_id=?)',
      ]);
    } finally {
      db.close();
    }
  });
});
