/**
 * A request on one of many small tenants must find its rows through indexes
 * that lead with the tenant, never by scanning a table: with 10,000 tenants
 * a scan reads every tenant's rows to serve one. Checked with EXPLAIN on one
 * large tenant (50,000 users) and 2,000 small ones (50 users, two groups and
 * a token each), bulk-loaded with generate_series and ANALYZEd, for the very
 * statements a random-tenant request of the benchmark runs.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';
import { postgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { renderSql, type SqlFragment } from '../../../src/store/sql/fragment.js';
import { READ_STATEMENTS } from '../../../src/store/sql/resource-reader.js';
import { TOKEN_STATEMENTS } from '../../../src/store/sql/tenant-store.js';
import type { ListQuery } from '../../../src/store/store.js';

const registry = createDefaultRegistry();
const SMALL_TENANTS = 2_000;
/** Tenant ids and their sizes: the large one first. */
const TENANTS = ['large', ...Array.from({ length: SMALL_TENANTS }, (_, index) => `small-${index.toString().padStart(4, '0')}`)];
const USERS = [50_000, ...Array.from({ length: SMALL_TENANTS }, () => 50)];
const GROUPS = [500, ...Array.from({ length: SMALL_TENANTS }, () => 2)];
const MEMBERS_PER_GROUP = [25, ...Array.from({ length: SMALL_TENANTS }, () => 10)];
const NOW = '2024-01-01T00:00:00.000Z';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const TENANT = 'small-0042';
const USER = `${TENANT}-user-3`;

/** The rows the store would write (ASCII names: SQL lower() is toLowerCase()), and a token per tenant whose hash is `hash-of-<tenant>`. */
const BULK_LOAD: readonly (readonly [string, readonly unknown[]])[] = [
  ['INSERT INTO tenants (id, name, created_at) SELECT tenant, tenant, $1 FROM unnest($2::text[]) AS t(tenant)', [NOW, TENANTS]],
  [`INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at) SELECT 'token-' || id, id, 'idp', 'scim_x', 'hash-of-' || id, $1 FROM tenants`, [NOW]],
  // An OAuth client per tenant, with a secret and an access token issued by it: the bearer lookup joins both tables.
  [`INSERT INTO oauth_clients (client_id, tenant_id, name, created_at) SELECT 'client-' || id, id, 'idp', $1 FROM tenants`, [NOW]],
  [`INSERT INTO oauth_client_secrets (id, client_id, prefix, hash, created_at) SELECT 'secret-' || tenant_id, client_id, 'x', 'secret-hash-of-' || tenant_id, $1 FROM oauth_clients`, [NOW]],
  [
    `INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, oauth_secret_id)
     SELECT 'access-' || tenant_id, tenant_id, 'oauth', 'scim_x', 'access-hash-of-' || tenant_id, $1, 'secret-' || tenant_id FROM oauth_clients`,
    [NOW],
  ],
  [
    `INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, password_hash, created, last_modified, version)
     SELECT t.tenant, t.tenant || '-user-' || i, n.name, n.name, 'ext-' || i, NULL, true,
            jsonb_build_object('schemas', jsonb_build_array('${CORE_USER}'), 'userName', n.name, 'externalId', 'ext-' || i,
                               'emails', jsonb_build_array(jsonb_build_object('value', n.name, 'type', 'work', 'primary', true))),
            NULL, $1, $1, 1
     FROM unnest($2::text[], $3::integer[]) AS t(tenant, size) CROSS JOIN LATERAL generate_series(0, t.size - 1) AS i
     CROSS JOIN LATERAL (SELECT 'user' || i || '@' || t.tenant || '.example' AS name) AS n`,
    [NOW, TENANTS, USERS],
  ],
  ["INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) SELECT tenant_id, id, 0, user_name_ci, 'work', true FROM users", []],
  [
    `INSERT INTO groups (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version)
     SELECT t.tenant, t.tenant || '-group-' || i, 'Group ' || i, 'group ' || i, 'gext-' || i,
            jsonb_build_object('schemas', jsonb_build_array('${CORE_GROUP}'), 'displayName', 'Group ' || i, 'externalId', 'gext-' || i), $1, $1, 1
     FROM unnest($2::text[], $3::integer[]) AS t(tenant, size) CROSS JOIN LATERAL generate_series(0, t.size - 1) AS i`,
    [NOW, TENANTS, GROUPS],
  ],
  [
    `INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
     SELECT t.tenant, t.tenant || '-group-' || g, t.tenant || '-user-' || (g * t.members + m), 'User'
     FROM unnest($1::text[], $2::integer[], $3::integer[]) AS t(tenant, groups, members)
     CROSS JOIN LATERAL generate_series(0, t.groups - 1) AS g CROSS JOIN LATERAL generate_series(0, t.members - 1) AS m`,
    [TENANTS, GROUPS, MEMBERS_PER_GROUP],
  ],
  // Kept by the store on every insert and delete; written here past it.
  [
    `INSERT INTO resource_counts (tenant_id, resource_type, count)
     SELECT tenant_id, 'User', COUNT(*) FROM users GROUP BY tenant_id UNION ALL SELECT tenant_id, 'Group', COUNT(*) FROM groups GROUP BY tenant_id`,
    [],
  ],
  // The statistics autovacuum would gather eventually, gathered now.
  ['ANALYZE', []],
];

function usersPage(filter: string | undefined, count: number): ListQuery {
  return { schemas: registry.forResourceType('User'), filter: filter === undefined ? undefined : parseFilter(filter), sort: undefined, startIndex: 1, count };
}

const available = await postgresAvailableFor('the PostgreSQL many-tenant query plan test');

describe.skipIf(!available)('PostgreSQL query plans of a request on one of many tenants', () => {
  let schema: string;
  let store: PostgresStore;
  let client: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema();
    store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 2 });
    client = new pg.Client({ connectionString: postgresTestUrl(), options: `-c search_path=${schema}` });
    await client.connect();
    for (const [text, parameters] of BULK_LOAD) await client.query(text, [...parameters]);
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await store?.close();
    if (schema !== undefined) await dropTestSchema(schema);
  });

  async function plan(statement: SqlFragment): Promise<string[]> {
    const { text, parameters } = renderSql(statement, postgresDialect);
    return (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, [...parameters])).rows.map((row) => row['QUERY PLAN']);
  }

  async function listPlan(query: ListQuery): Promise<string[]> {
    const { count, page } = await store.explainList(TENANT, 'User', query);
    return [...count, ...page];
  }

  const TOKEN_SEARCHES = [
    /Index Scan using tokens_hash_key on tokens t\b/,
    /Index Scan using oauth_client_secrets_pkey on oauth_client_secrets s\b/,
    /Index Scan using oauth_clients_pkey on oauth_clients c\b/,
  ];
  /**
   * A membership read: the member's rows (through the member index, or the primary key within the
   * tenant's few groups when it is small), their groups by key, and each group's own memberships
   * (nested?) by the member index.
   */
  const MEMBERSHIP_SEARCHES = [
    /Index (Only )?Scan using group_members_(member|pkey) on group_members m\b/,
    /Index (Only )?Scan using groups_pkey on groups g\b/,
    /Index Only Scan using group_members_member on group_members p\b/,
  ];
  /** Every table scan is by an index whose first column is the tenant (or the token's unique hash). */
  const TENANT_LEADING = /Index Cond: \(\(?(tenant_id = |hash = |client_id = |id = )/;

  const cases: readonly (readonly [string, () => Promise<string[]>, readonly RegExp[]])[] = [
    // The hash is unique over all tenants (it is what tells the tenant); an OAuth access token's client and secret by their keys.
    ['the bearer token, by its keyed hash', () => plan(TOKEN_STATEMENTS.byHash(`hash-of-${TENANT}`)), TOKEN_SEARCHES],
    ['an OAuth access token, by its keyed hash', () => plan(TOKEN_STATEMENTS.byHash(`access-hash-of-${TENANT}`)), TOKEN_SEARCHES],
    ['a user, by id', () => plan(READ_STATEMENTS.resource('User', TENANT, USER)), [/Index Scan using users_pkey on users\b/]],
    ["the user's groups", () => plan(READ_STATEMENTS.directMemberships(TENANT, USER)), MEMBERSHIP_SEARCHES],
    // A GET that shows groups reads both in one statement: the same scans, the groups as a subquery of the row.
    [
      'a user with its groups, in one statement',
      () => plan(READ_STATEMENTS.resourceWithMemberships(postgresDialect, 'User', TENANT, USER)),
      [/Index Scan using users_pkey on users r\b/, ...MEMBERSHIP_SEARCHES],
    ],
    ['a user, by userName eq', () => listPlan(usersPage(`userName eq "USER3@${TENANT}.example"`, 100)), [/Index (Only )?Scan using users_user_name on users r\b|Bitmap Index Scan on users_user_name\b/]],
    // The total from the tenant's kept count, the page from the tenant's end of the primary key, in its order.
    ['the first page of users', () => listPlan(usersPage(undefined, 100)), [/Index (Only )?Scan using resource_counts_pkey on resource_counts c\b/, /Index (Only )?Scan using users_pkey on users r\b/]],
    ["the groups of a page's users", () => plan(READ_STATEMENTS.directMembershipsOfMany(TENANT, Array.from({ length: 50 }, (_, index) => `${TENANT}-user-${index}`))), MEMBERSHIP_SEARCHES],
  ];

  for (const [read, plans, searches] of cases) {
    it(`reads ${read} through indexes that lead with the tenant, never a scan`, async () => {
      const lines = await plans();
      const text = lines.join('\n');
      for (const search of searches) expect(lines.some((line) => search.test(line)), text).toBe(true);
      expect(lines.filter((line) => /Seq Scan/.test(line)), text).toEqual([]);
      expect(lines.filter((line) => /Index Cond:/.test(line) && !TENANT_LEADING.test(line.trim())), text).toEqual([]);
    });
  }
});
