/**
 * The filters identity providers send on every sync must be index lookups,
 * not scans of the users, groups or membership tables: checked with EXPLAIN
 * on MariaDB, on 20,000 users in two tenants (bulk-loaded from MariaDB's
 * sequence tables, then ANALYZEd), through the statements the store
 * itself compiles. An EXPLAIN line reads `<table alias> <access type> <key>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mariadbAvailableFor } from '../../store-contract/mariadb-support.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import type { ResourceTypeName } from '../../../src/core/schema/attribute.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { rawSql } from '../../../src/store/sql/fragment.js';
import type { SqlStore } from '../../../src/store/sql/sql-store.js';
import { openMysqlSessions, openMysqlStore } from '../../../src/store/mysql/mysql-store.js';

const registry = createDefaultRegistry();
const TENANTS = ['acme', 'globex'];
const USERS_PER_TENANT = 10_000;
const GROUPS_PER_TENANT = 200;
const MEMBERS_PER_GROUP = 25;
const NOW = '2024-01-01T00:00:00.000Z';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The rows the store would write for these users, groups and memberships (ASCII names: LOWER() is toLowerCase()); seq_0_to_N is MariaDB's sequence engine. */
const BULK_LOAD: readonly string[] = TENANTS.flatMap((tenant) => [
  `INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, password_hash, created, last_modified, version)
   SELECT '${tenant}', CONCAT('${tenant}-user-', seq), CONCAT('user', seq, '@${tenant}.example'), CONCAT('user', seq, '@${tenant}.example'), CONCAT('ext-', seq), NULL, TRUE,
          JSON_OBJECT('schemas', JSON_ARRAY('${CORE_USER}'), 'userName', CONCAT('user', seq, '@${tenant}.example'), 'externalId', CONCAT('ext-', seq),
                      'emails', JSON_ARRAY(JSON_OBJECT('value', CONCAT('user', seq, '@${tenant}.example'), 'type', 'work', 'primary', TRUE))),
          NULL, '${NOW}', '${NOW}', 1
   FROM seq_0_to_${USERS_PER_TENANT - 1}`,
  `INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) SELECT tenant_id, id, 0, user_name_ci, 'work', TRUE FROM users WHERE tenant_id = '${tenant}'`,
  `INSERT INTO "groups" (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version)
   SELECT '${tenant}', CONCAT('${tenant}-group-', seq), CONCAT('Group ', seq), CONCAT('group ', seq), CONCAT('gext-', seq),
          JSON_OBJECT('schemas', JSON_ARRAY('${CORE_GROUP}'), 'displayName', CONCAT('Group ', seq), 'externalId', CONCAT('gext-', seq)), '${NOW}', '${NOW}', 1
   FROM seq_0_to_${GROUPS_PER_TENANT - 1}`,
  `INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
   SELECT '${tenant}', CONCAT('${tenant}-group-', g.seq), CONCAT('${tenant}-user-', g.seq * ${MEMBERS_PER_GROUP} + m.seq), 'User'
   FROM seq_0_to_${GROUPS_PER_TENANT - 1} AS g CROSS JOIN seq_0_to_${MEMBERS_PER_GROUP - 1} AS m`,
]);

const available = await mariadbAvailableFor('the MariaDB query plan test');

describe.skipIf(!available)('MariaDB query plans of the lookups identity providers send', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: SqlStore;

  beforeAll(async () => {
    database = await createTestDatabase('scimitar_explain');
    store = await openMysqlStore({ url: database.url, poolSize: 2 });
    for (const tenant of TENANTS) await store.tenants.ensureTenant(tenant, tenant, NOW);
    const { sessions } = await openMysqlSessions({ url: database.url, poolSize: 1 });
    try {
      await sessions.write(async (session) => {
        for (const statement of BULK_LOAD) await session.run(rawSql(statement));
      });
      for (const table of ['users', 'user_emails', '"groups"', 'group_members']) await sessions.committed().all(rawSql(`ANALYZE TABLE ${table}`));
    } finally {
      await sessions.close();
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  async function plans(resourceType: ResourceTypeName, filter: string): Promise<string[]> {
    const { count, page } = await store.explainList('acme', resourceType, { schemas: registry.forResourceType(resourceType), filter: parseFilter(filter), sort: undefined, startIndex: 1, count: 10 });
    return [...count, ...page];
  }

  /** A full scan (access type ALL) or a scan of a whole index of these tables. */
  const SCAN = /^(r|t1) (ALL|index) /;

  const cases: readonly (readonly [ResourceTypeName, string, RegExp])[] = [
    ['User', 'id eq "acme-user-42"', /^r const PRIMARY$/],
    ['User', 'userName eq "USER42@acme.example"', /^r ref users_user_name_ci$/],
    ['User', 'externalId eq "ext-42"', /^r ref users_external_id$/],
    ['User', 'emails.value eq "user42@acme.example"', /^t1 ref user_emails_value$/],
    ['User', 'emails[type eq "work" and value eq "user42@acme.example"]', /^t1 ref user_emails_value$/],
    ['Group', 'displayName eq "group 7"', /^r ref groups_display_name$/],
    ['Group', 'externalId eq "gext-7"', /^r ref groups_external_id$/],
    ['Group', 'members.value eq "acme-user-42"', /^t1 ref group_members_member$/],
  ];

  for (const [resourceType, filter, expectedIndex] of cases) {
    it(`${resourceType} ${filter} is an index lookup, never a scan of a table`, async () => {
      const lines = await plans(resourceType, filter);
      const plan = lines.join('\n');
      expect(lines.some((line) => expectedIndex.test(line)), plan).toBe(true);
      expect(lines.filter((line) => SCAN.test(line)), plan).toEqual([]);
    });
  }

  it('finds the right rows through those plans', async () => {
    const found = await store.reader.listResources('acme', 'User', { schemas: registry.forResourceType('User'), filter: parseFilter('emails[value eq "USER42@acme.example"]'), sort: undefined, startIndex: 1, count: 10 });
    expect(found.resources.map((resource) => resource.id)).toEqual(['acme-user-42']);
    const groups = await store.reader.listResources('acme', 'Group', { schemas: registry.forResourceType('Group'), filter: parseFilter('members.value eq "acme-user-42"'), sort: undefined, startIndex: 1, count: 10 });
    expect(groups.resources.map((resource) => resource.id)).toEqual(['acme-group-1']);
  });
});
