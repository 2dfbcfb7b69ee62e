/**
 * A request on one of many small tenants must find its rows through indexes
 * that lead with the tenant, never by scanning a table: with 10,000 tenants
 * a scan reads every tenant's rows to serve one. Checked with EXPLAIN on
 * MariaDB, on one large tenant (10,000 users) and 500 small ones (40 users,
 * two groups, a token and an OAuth client each), bulk-loaded from MariaDB's
 * sequence tables and ANALYZEd, for the very statements a random-tenant
 * request of the benchmark runs. An EXPLAIN line reads `<table alias> <access type> <key>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mariadbAvailableFor } from '../../store-contract/mariadb-support.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { openMysqlSessions, openMysqlStore } from '../../../src/store/mysql/mysql-store.js';
import { rawSql, sql, type SqlFragment } from '../../../src/store/sql/fragment.js';
import { READ_STATEMENTS } from '../../../src/store/sql/resource-reader.js';
import type { SqlStore } from '../../../src/store/sql/sql-store.js';
import { TOKEN_STATEMENTS } from '../../../src/store/sql/tenant-store.js';
import type { ListQuery } from '../../../src/store/store.js';

const registry = createDefaultRegistry();
const LARGE_USERS = 10_000;
const LARGE_GROUPS = 200;
const SMALL_TENANTS = 500;
const SMALL_USERS = 40;
const NOW = '2024-01-01T00:00:00.000Z';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SMALL_ID = "CONCAT('small-', LPAD(t.seq, 4, '0'))";

const TENANT = 'small-0042';
const USER = `${TENANT}-user-3`;

function userRows(tenant: string, index: string, from: string): string {
  const name = `CONCAT('user', ${index}, '@', ${tenant}, '.example')`;
  return `INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, password_hash, created, last_modified, version)
   SELECT ${tenant}, CONCAT(${tenant}, '-user-', ${index}), ${name}, ${name}, CONCAT('ext-', ${index}), NULL, TRUE,
          JSON_OBJECT('schemas', JSON_ARRAY('${CORE_USER}'), 'userName', ${name}, 'externalId', CONCAT('ext-', ${index}),
                      'emails', JSON_ARRAY(JSON_OBJECT('value', ${name}, 'type', 'work', 'primary', TRUE))),
          NULL, '${NOW}', '${NOW}', 1
   FROM ${from}`;
}

function groupRows(tenant: string, index: string, from: string): string {
  return `INSERT INTO "groups" (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version)
   SELECT ${tenant}, CONCAT(${tenant}, '-group-', ${index}), CONCAT('Group ', ${index}), CONCAT('group ', ${index}), CONCAT('gext-', ${index}),
          JSON_OBJECT('schemas', JSON_ARRAY('${CORE_GROUP}'), 'displayName', CONCAT('Group ', ${index}), 'externalId', CONCAT('gext-', ${index})), '${NOW}', '${NOW}', 1
   FROM ${from}`;
}

/** The rows the store would write (ASCII names: LOWER() is toLowerCase()), a token per tenant (hash `hash-of-<tenant>`) and an OAuth client with a secret and an access token. */
const BULK_LOAD: readonly string[] = [
  `INSERT INTO tenants (id, name, created_at) SELECT 'large', 'large', '${NOW}' UNION ALL SELECT ${SMALL_ID}, ${SMALL_ID}, '${NOW}' FROM seq_0_to_${SMALL_TENANTS - 1} AS t`,
  `INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at) SELECT CONCAT('token-', id), id, 'idp', 'scim_x', CONCAT('hash-of-', id), '${NOW}' FROM tenants`,
  `INSERT INTO oauth_clients (client_id, tenant_id, name, created_at) SELECT CONCAT('client-', id), id, 'idp', '${NOW}' FROM tenants`,
  `INSERT INTO oauth_client_secrets (id, client_id, prefix, hash, created_at) SELECT CONCAT('secret-', tenant_id), client_id, 'x', CONCAT('secret-hash-of-', tenant_id), '${NOW}' FROM oauth_clients`,
  `INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, oauth_secret_id)
   SELECT CONCAT('access-', tenant_id), tenant_id, 'oauth', 'scim_x', CONCAT('access-hash-of-', tenant_id), '${NOW}', CONCAT('secret-', tenant_id) FROM oauth_clients`,
  userRows("'large'", 'seq', `seq_0_to_${LARGE_USERS - 1}`),
  userRows(SMALL_ID, 'u.seq', `seq_0_to_${SMALL_TENANTS - 1} AS t CROSS JOIN seq_0_to_${SMALL_USERS - 1} AS u`),
  `INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) SELECT tenant_id, id, 0, user_name_ci, 'work', TRUE FROM users`,
  groupRows("'large'", 'seq', `seq_0_to_${LARGE_GROUPS - 1}`),
  groupRows(SMALL_ID, 'g.seq', `seq_0_to_${SMALL_TENANTS - 1} AS t CROSS JOIN seq_0_to_1 AS g`),
  `INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
   SELECT 'large', CONCAT('large-group-', g.seq), CONCAT('large-user-', g.seq * 25 + m.seq), 'User' FROM seq_0_to_${LARGE_GROUPS - 1} AS g CROSS JOIN seq_0_to_24 AS m`,
  `INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
   SELECT ${SMALL_ID}, CONCAT(${SMALL_ID}, '-group-', g.seq), CONCAT(${SMALL_ID}, '-user-', g.seq * 10 + m.seq), 'User'
   FROM seq_0_to_${SMALL_TENANTS - 1} AS t CROSS JOIN seq_0_to_1 AS g CROSS JOIN seq_0_to_9 AS m`,
  `INSERT INTO resource_counts (tenant_id, resource_type, count)
   SELECT tenant_id, 'User', COUNT(*) FROM users GROUP BY tenant_id UNION ALL SELECT tenant_id, 'Group', COUNT(*) FROM "groups" GROUP BY tenant_id`,
];

function usersPage(filter: string | undefined, count: number): ListQuery {
  return { schemas: registry.forResourceType('User'), filter: filter === undefined ? undefined : parseFilter(filter), sort: undefined, startIndex: 1, count };
}

const available = await mariadbAvailableFor('the MariaDB many-tenant query plan test');

describe.skipIf(!available)('MariaDB query plans of a request on one of many tenants', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: SqlStore;
  let sessions: Awaited<ReturnType<typeof openMysqlSessions>>['sessions'];

  beforeAll(async () => {
    database = await createTestDatabase('scimitar_tenants_explain');
    store = await openMysqlStore({ url: database.url, poolSize: 2 });
    ({ sessions } = await openMysqlSessions({ url: database.url, poolSize: 1 }));
    await sessions.write(async (session) => {
      for (const statement of BULK_LOAD) await session.run(rawSql(statement));
    });
    for (const table of ['tenants', 'tokens', 'oauth_clients', 'oauth_client_secrets', 'users', 'user_emails', '"groups"', 'group_members', 'resource_counts']) {
      await sessions.committed().all(rawSql(`ANALYZE TABLE ${table}`));
    }
  }, 120_000);

  afterAll(async () => {
    await sessions?.close();
    await store?.close();
    await database?.drop();
  });

  async function plan(statement: SqlFragment): Promise<string[]> {
    const rows = await sessions.committed().all(sql`${rawSql('EXPLAIN ')}${statement}`);
    return rows.map((row) => `${String(row['table'])} ${String(row['type'])} ${String(row['key'])}`);
  }

  async function listPlan(query: ListQuery): Promise<string[]> {
    const { count, page } = await store.explainList(TENANT, 'User', query);
    return [...count, ...page];
  }

  const cases: readonly (readonly [string, () => Promise<string[]>, readonly RegExp[]])[] = [
    // The hash is unique over all tenants (it is what tells the tenant); a bearer token's empty OAuth joins are settled while planning.
    ['the bearer token, by its keyed hash', () => plan(TOKEN_STATEMENTS.byHash(`hash-of-${TENANT}`)), [/^t const tokens_hash_key$/]],
    ['an OAuth access token, by its keyed hash', () => plan(TOKEN_STATEMENTS.byHash(`access-hash-of-${TENANT}`)), [/^t const tokens_hash_key$/, /^s const PRIMARY$/, /^c const PRIMARY$/]],
    ['a user, by id', () => plan(READ_STATEMENTS.resource('User', TENANT, USER)), [/^users const PRIMARY$/]],
    ["the user's groups", () => plan(READ_STATEMENTS.directMemberships(TENANT, USER)), [/^m (ref|range) group_members_member$/, /^g eq_ref PRIMARY$/, /^p ref group_members_member$/]],
    // A GET that shows groups reads both in one statement: the same lookups, the groups as a subquery of the row.
    [
      'a user with its groups, in one statement',
      () => plan(READ_STATEMENTS.resourceWithMemberships(sessions.dialect, 'User', TENANT, USER)),
      [/^r const PRIMARY$/, /^m (ref|range) group_members_member$/, /^g eq_ref PRIMARY$/, /^p ref group_members_member$/],
    ],
    ['a user, by userName eq', () => listPlan(usersPage(`userName eq "USER3@${TENANT}.example"`, 100)), [/^r ref users_user_name_ci$/]],
    // The total from the tenant's kept count, the page from the tenant's end of the primary key, in its order.
    ['the first page of users', () => listPlan(usersPage(undefined, 100)), [/^c const PRIMARY$/, /^r ref PRIMARY$/]],
    [
      "the groups of a page's users",
      () => plan(READ_STATEMENTS.directMembershipsOfMany(TENANT, Array.from({ length: 40 }, (_, index) => `${TENANT}-user-${index}`))),
      // Through the member index, or the tenant's few groups and their members by primary key.
      [/^m (ref|range) (PRIMARY|group_members_member)$/, /^g (ref|eq_ref) PRIMARY$/, /^p ref group_members_member$/],
    ],
  ];

  for (const [read, plans, searches] of cases) {
    it(`reads ${read} through indexes that lead with the tenant, never a scan`, async () => {
      const lines = await plans();
      const text = lines.join('\n');
      for (const search of searches) expect(lines.some((line) => search.test(line)), text).toBe(true);
      // Access type ALL is a table scan, index a scan of a whole index.
      expect(lines.filter((line) => / (ALL|index) /.test(line)), text).toEqual([]);
    });
  }
});
