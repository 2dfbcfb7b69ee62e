/**
 * The filters identity providers send on every sync must be index lookups,
 * not scans of the users, groups or membership tables: checked with EXPLAIN
 * on 100,000 users in two tenants (bulk-loaded with generate_series, then
 * ANALYZEd so the planner sees realistic statistics), through the
 * statements the store itself compiles.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import type { ResourceTypeName } from '../../../src/core/schema/attribute.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';
import { postgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { renderSql, type SqlFragment } from '../../../src/store/sql/fragment.js';
import { MEMBERSHIP_STATEMENTS as M } from '../../../src/store/sql/resource-writer.js';

const registry = createDefaultRegistry();
const TENANTS = ['acme', 'globex'];
const USERS_PER_TENANT = 50_000;
const GROUPS_PER_TENANT = 1_000;
const MEMBERS_PER_GROUP = 25;
const NOW = '2024-01-01T00:00:00.000Z';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The rows the store would write for these users, groups and memberships (ASCII names: SQL lower() is toLowerCase()). */
const BULK_LOAD: readonly (readonly [string, readonly unknown[]])[] = [
  [
    `INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, password_hash, created, last_modified, version)
     SELECT t.tenant, t.tenant || '-user-' || i, n.name, n.name, 'ext-' || i, NULL, true,
            jsonb_build_object('schemas', jsonb_build_array('${CORE_USER}'), 'userName', n.name, 'externalId', 'ext-' || i,
                               'emails', jsonb_build_array(jsonb_build_object('value', n.name, 'type', 'work', 'primary', true))),
            NULL, $1, $1, 1
     FROM unnest($2::text[]) AS t(tenant) CROSS JOIN generate_series(0, $3::integer - 1) AS i
     CROSS JOIN LATERAL (SELECT 'user' || i || '@' || t.tenant || '.example' AS name) AS n`,
    [NOW, TENANTS, USERS_PER_TENANT],
  ],
  ['INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) SELECT tenant_id, id, 0, user_name_ci, \'work\', true FROM users', []],
  [
    `INSERT INTO groups (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version)
     SELECT t.tenant, t.tenant || '-group-' || i, 'Group ' || i, 'group ' || i, 'gext-' || i,
            jsonb_build_object('schemas', jsonb_build_array('${CORE_GROUP}'), 'displayName', 'Group ' || i, 'externalId', 'gext-' || i), $1, $1, 1
     FROM unnest($2::text[]) AS t(tenant) CROSS JOIN generate_series(0, $3::integer - 1) AS i`,
    [NOW, TENANTS, GROUPS_PER_TENANT],
  ],
  [
    `INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
     SELECT t.tenant, t.tenant || '-group-' || g, t.tenant || '-user-' || (g * $3::integer + m), 'User'
     FROM unnest($1::text[]) AS t(tenant) CROSS JOIN generate_series(0, $2::integer - 1) AS g CROSS JOIN generate_series(0, $3::integer - 1) AS m`,
    [TENANTS, GROUPS_PER_TENANT, MEMBERS_PER_GROUP],
  ],
  // Rows written past the store: their counts too (the store keeps them on every insert and delete).
  [
    `INSERT INTO resource_counts (tenant_id, resource_type, count)
     SELECT tenant_id, 'User', COUNT(*) FROM users GROUP BY tenant_id UNION ALL SELECT tenant_id, 'Group', COUNT(*) FROM groups GROUP BY tenant_id`,
    [],
  ],
  // The statistics autovacuum would gather eventually, gathered now.
  ['ANALYZE', []],
];

const available = await postgresAvailableFor('the PostgreSQL query plan test');

describe.skipIf(!available)('PostgreSQL query plans of the lookups identity providers send', () => {
  let schema: string;
  let store: PostgresStore;
  /** A plain connection in the store's schema, for EXPLAIN of the writer's fixed statements. */
  let client: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema();
    store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 2 });
    for (const tenant of TENANTS) await store.tenants.ensureTenant(tenant, tenant, NOW);
    client = new pg.Client({ connectionString: postgresTestUrl(), options: `-c search_path=${schema}` });
    await client.connect();
    // About 7 s, most of it maintaining the indexes and checking the foreign keys of 100,000 users and their emails.
    for (const [text, parameters] of BULK_LOAD) await client.query(text, [...parameters]);
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await store?.close();
    if (schema !== undefined) await dropTestSchema(schema);
  });

  async function plans(resourceType: ResourceTypeName, filter: string): Promise<string[]> {
    const { count, page } = await store.explainList('acme', resourceType, { schemas: registry.forResourceType(resourceType), filter: parseFilter(filter), sort: undefined, startIndex: 1, count: 10 });
    return [...count, ...page];
  }

  const NO_SCAN_OF = /Seq Scan on (users|groups|group_members|user_emails)\b/;

  const cases: readonly (readonly [ResourceTypeName, string, RegExp])[] = [
    ['User', 'id eq "acme-user-42"', /Index (Only )?Scan using users_pkey on users r\b/],
    ['User', 'userName eq "USER42@acme.example"', /Index (Only )?Scan using users_user_name on users r\b|Bitmap Index Scan on users_user_name\b/],
    ['User', 'externalId eq "ext-42"', /Index (Only )?Scan using users_external_id on users r\b|Bitmap Index Scan on users_external_id\b/],
    ['User', 'emails.value eq "user42@acme.example"', /Index (Only )?Scan using user_emails_value on user_emails t1\b|Bitmap Index Scan on user_emails_value\b/],
    ['User', 'emails[value eq "user42@acme.example"]', /Index (Only )?Scan using user_emails_value on user_emails t1\b|Bitmap Index Scan on user_emails_value\b/],
    ['User', 'emails[type eq "work" and value eq "user42@acme.example"]', /Index (Only )?Scan using user_emails_value on user_emails t1\b|Bitmap Index Scan on user_emails_value\b/],
    ['Group', 'displayName eq "group 7"', /Index (Only )?Scan using groups_display_name on groups r\b|Bitmap Index Scan on groups_display_name\b/],
    ['Group', 'externalId eq "gext-7"', /Index (Only )?Scan using groups_external_id on groups r\b|Bitmap Index Scan on groups_external_id\b/],
    ['Group', 'members.value eq "acme-user-42"', /Index (Only )?Scan using group_members_member on group_members t1\b|Bitmap Index Scan on group_members_member\b/],
  ];

  for (const [resourceType, filter, expectedIndex] of cases) {
    it(`${resourceType} ${filter} is an index lookup, never a scan of a table`, async () => {
      const lines = await plans(resourceType, filter);
      const plan = lines.join('\n');
      expect(lines.some((line) => expectedIndex.test(line)), plan).toBe(true);
      expect(lines.filter((line) => NO_SCAN_OF.test(line)), plan).toEqual([]);
      // The rows a side-table lookup finds are then fetched by primary key.
      if (/ t1\\b/.test(expectedIndex.source)) expect(/Index (Only )?Scan using (users|groups)_pkey on (users|groups) r\b/.test(plan), plan).toBe(true);
    });
  }

  it('finds the right rows through those plans', async () => {
    const found = await store.reader.listResources('acme', 'User', { schemas: registry.forResourceType('User'), filter: parseFilter('emails[value eq "USER42@acme.example"]'), sort: undefined, startIndex: 1, count: 10 });
    expect(found.resources.map((resource) => resource.id)).toEqual(['acme-user-42']);
    const groups = await store.reader.listResources('acme', 'Group', { schemas: registry.forResourceType('Group'), filter: parseFilter('members.value eq "acme-user-42"'), sort: undefined, startIndex: 1, count: 10 });
    expect(groups.resources.map((resource) => resource.id)).toEqual(['acme-group-1']);
    expect((await store.reader.listResources('globex', 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 0 })).totalResults).toBe(USERS_PER_TENANT);
    expect(await store.reader.listMemberships('acme', 'acme-user-42')).toEqual([{ value: 'acme-group-1', display: 'Group 1', type: 'direct' }]);
  });

  it('changes memberships through the primary key or the member index, whatever the size of the group', async () => {
    const plan = async (statement: SqlFragment) => {
      const { text, parameters } = renderSql(statement, postgresDialect);
      return (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, [...parameters])).rows.map((row) => row['QUERY PLAN']).join('\n');
    };
    const remove = await plan(M.remove(M.someMembers('acme', 'acme-group-1', ['acme-user-42'])));
    // Either index finds the one row: the primary key by (group, member), or the member index (that member's few groups).
    expect(remove).toMatch(/Index (Only )?Scan using group_members_(pkey|member) on group_members/);
    const removeAll = await plan(M.remove(M.allMembers('acme', 'acme-group-1')));
    expect(removeAll).toMatch(/Index (Only )?Scan using group_members_pkey on group_members|Bitmap Index Scan on group_members_pkey/);
    const removeMemberships = await plan(M.remove(M.memberships('acme', ['acme-group-1', 'acme-group-2'], 'acme-user-42')));
    expect(removeMemberships).toMatch(/Index (Only )?Scan using group_members_member on group_members|Bitmap Index Scan on group_members_member/);
    // EXPLAIN shows no row locks: the plan of the SELECT that locks the groups before they are touched.
    const touch = await plan(M.containingGroups('acme', 'acme-user-42', postgresDialect.rowLock('update')));
    expect(touch).toMatch(/Index (Only )?Scan using group_members_member on group_members m|Bitmap Index Scan on group_members_member/);
    for (const text of [remove, removeAll, removeMemberships, touch]) expect(text).not.toMatch(NO_SCAN_OF);
  });
});
