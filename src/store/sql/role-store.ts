/**
 * Group → role mapping storage, written once for every database (see
 * src/store/role-store.ts). Reads go through `sessions.current()` and
 * writes through `sessions.write()`, so inside `store.transaction` both
 * run on the transaction's session.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import { effectiveRoles, matchKey, ROLE_HOLDER_TYPE, sameRoles, type MatchKind, type RoleChange, type RoleMapping, type RoleRules, type RoleSourceGroup } from '../../roles/role-rules.js';
import { canonicalTimestamp } from '../rows.js';
import type { NewRoleMapping, RoleStore } from '../role-store.js';
import { parameter, rawSql, sql } from './fragment.js';
import { chunks, inList } from './resource-reader.js';
import { MEMBERSHIPS, storageOf } from './resource-storage.js';
import type { SqlSession, SqlSessions } from './session.js';

/** The type whose resources hold roles, and the table they are rows of. */
const ROLE_HOLDER = storageOf(ROLE_HOLDER_TYPE);
const HOLDERS_TABLE = rawSql(ROLE_HOLDER.map.table);
const HOLDER_TYPE = parameter(ROLE_HOLDER.resourceType);
const GROUPS_TABLE = rawSql(MEMBERSHIPS.groups.map.table);
const MEMBERS_TABLE = rawSql(MEMBERSHIPS.table);

const MAPPING_COLUMN_NAMES = ['id', 'match_by', 'match_value', 'role', 'precedence', 'created_at'] as const;
const MAPPING_COLUMNS = rawSql(MAPPING_COLUMN_NAMES.join(', '));
const MAPPING_COLUMNS_OF_M = rawSql(MAPPING_COLUMN_NAMES.map((name) => `m.${name} AS ${name}`).join(', '));

interface MappingRow {
  readonly id: string;
  readonly match_by: MatchKind;
  readonly match_value: string;
  readonly role: string;
  readonly precedence: unknown;
  readonly created_at: string;
}

/** A rule with the tenant's default role beside it; a tenant without rules gives one row whose mapping columns are null. */
interface RulesRow extends Omit<MappingRow, 'id'> {
  readonly id: string | null;
  readonly default_role: string | null;
}

function mappingFromRow(row: MappingRow): RoleMapping {
  return { id: row.id, matchBy: row.match_by, matchValue: row.match_value, role: row.role, precedence: Number(row.precedence), createdAt: row.created_at };
}

function parseRoles(text: unknown): string[] {
  const parsed: unknown = typeof text === 'string' ? JSON.parse(text) : [];
  return Array.isArray(parsed) ? parsed.filter((role): role is string => typeof role === 'string') : [];
}

const NONE_CREATED: ReadonlySet<string> = new Set();

function ordered(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

export class SqlRoleStore implements RoleStore {
  constructor(private readonly sessions: SqlSessions) {}

  rules(tenantId: string): Promise<RoleRules> {
    return this.rulesOn(this.sessions.current(), tenantId);
  }

  async insertMapping(mapping: NewRoleMapping): Promise<RoleMapping> {
    const createdAt = canonicalTimestamp(mapping.createdAt);
    const values = [mapping.tenantId, mapping.id, mapping.matchBy, mapping.matchValue, matchKey(mapping.matchBy, mapping.matchValue), mapping.role, mapping.precedence, createdAt];
    try {
      await this.sessions.write((session) =>
        session.run(sql`INSERT INTO role_mappings (tenant_id, id, match_by, match_value, match_key, role, precedence, created_at) VALUES ${inList(values)}`),
      );
    } catch (error) {
      // The unique index decides, so two operators adding the same rule at once get one 201 and one 409.
      if (this.sessions.failure(error).kind === 'unique') {
        throw scimErrors.uniqueness(`A rule already gives ${JSON.stringify(mapping.role)} to the group with ${mapping.matchBy} ${JSON.stringify(mapping.matchValue)}`);
      }
      throw error;
    }
    return { id: mapping.id, matchBy: mapping.matchBy, matchValue: mapping.matchValue, role: mapping.role, precedence: mapping.precedence, createdAt };
  }

  deleteMapping(tenantId: string, mappingId: string): Promise<RoleMapping | undefined> {
    return this.sessions.write(async (session) => {
      const key = sql`tenant_id = ${parameter(tenantId)} AND id = ${parameter(mappingId)}`;
      const row = await session.first<MappingRow>(sql`SELECT ${MAPPING_COLUMNS} FROM role_mappings WHERE ${key}${session.dialect.rowLock('update')}`);
      if (row === undefined) return undefined;
      await session.run(sql`DELETE FROM role_mappings WHERE ${key}`);
      return mappingFromRow(row);
    });
  }

  async setDefaultRole(tenantId: string, role: string | null): Promise<void> {
    await this.sessions.write((session) =>
      session.run(
        sql`INSERT INTO role_settings (tenant_id, default_role) VALUES (${parameter(tenantId)}, ${parameter(role)})${session.dialect.onDuplicateUpdate(
          'role_settings',
          ['tenant_id'],
          (_existing, proposed) => sql`default_role = ${proposed('default_role')}`,
        )}`,
      ),
    );
  }

  async rolesOf(tenantId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>> {
    const session = this.sessions.current();
    const roles = new Map<string, readonly string[]>();
    for (const slice of chunks(ordered(userIds))) {
      const rows = await session.all<{ user_id: string; roles: unknown }>(
        sql`SELECT user_id, roles FROM user_roles WHERE tenant_id = ${parameter(tenantId)} AND user_id IN ${inList(slice)}`,
      );
      for (const row of rows) roles.set(row.user_id, parseRoles(row.roles));
    }
    return roles;
  }

  async usersBeneath(tenantId: string, groupIds: readonly string[]): Promise<readonly string[]> {
    const session = this.sessions.current();
    const tenant = parameter(tenantId);
    const users = new Set<string>();
    // UNION (not UNION ALL) stops at members already reached, so a cycle of nested groups ends.
    for (const slice of chunks(ordered(groupIds))) {
      const rows = await session.all<{ member_id: string }>(sql`
WITH RECURSIVE beneath(member_id, member_type) AS (
  SELECT m.member_id, m.member_type FROM ${MEMBERS_TABLE} AS m WHERE m.tenant_id = ${tenant} AND m.group_id IN ${inList(slice)}
  UNION
  SELECT m.member_id, m.member_type FROM beneath CROSS JOIN ${MEMBERS_TABLE} AS m WHERE m.tenant_id = ${tenant} AND m.group_id = beneath.member_id
)
SELECT DISTINCT member_id FROM beneath WHERE member_type = ${HOLDER_TYPE}`);
      for (const row of rows) users.add(row.member_id);
    }
    return [...users].sort();
  }

  async usersOfTenant(tenantId: string): Promise<readonly string[]> {
    const rows = await this.sessions.current().all<{ id: string }>(sql`SELECT id FROM ${HOLDERS_TABLE} WHERE tenant_id = ${parameter(tenantId)} ORDER BY id`);
    return rows.map((row) => row.id);
  }

  recompute(tenantId: string, userIds: readonly string[], created: ReadonlySet<string> = NONE_CREATED): Promise<readonly RoleChange[]> {
    return this.sessions.write(async (session) => {
      const changes: RoleChange[] = [];
      if (userIds.length === 0) return changes;
      const rules = await this.rulesOn(session, tenantId);
      // Without rules every role is [], whatever the groups, and a user without a row has none: most
      // tenants have no rules, so a user created now needs no statement, and no row is written for
      // a user who has none. A stored row that still holds roles (the last rule just went) is cleared.
      const rulesGiveNothing = rules.mappings.length === 0 && rules.defaultRole === null;
      const tenant = parameter(tenantId);
      const users = rulesGiveNothing ? userIds.filter((userId) => !created.has(userId)) : userIds;
      for (const slice of chunks(ordered(users))) {
        const stored = new Map<string, string[]>();
        const locked = await session.all<{ user_id: string; roles: unknown }>(
          sql`SELECT user_id, roles FROM user_roles WHERE tenant_id = ${tenant} AND user_id IN ${inList(slice)} ORDER BY user_id${session.dialect.rowLock('update')}`,
        );
        for (const row of locked) stored.set(row.user_id, parseRoles(row.roles));
        // A user created in this transaction has no row yet; an id that is no user gets none. With
        // rules, every user gets a row: it is what concurrent changes to the user's roles lock.
        const unseen = rulesGiveNothing ? [] : slice.filter((userId) => !stored.has(userId));
        const fresh = new Set<string>();
        if (unseen.length > 0) {
          const rows = await session.all<{ id: string }>(sql`SELECT id FROM ${HOLDERS_TABLE} WHERE tenant_id = ${tenant} AND id IN ${inList(unseen)}`);
          for (const row of rows) fresh.add(row.id);
        }
        const groupsOf = rulesGiveNothing ? new Map<string, RoleSourceGroup[]>() : await this.groupsOf(session, tenantId, slice.filter((userId) => stored.has(userId) || fresh.has(userId)));
        for (const userId of slice) {
          const before = stored.get(userId) ?? (fresh.has(userId) ? [] : undefined);
          if (before === undefined) continue;
          const after = effectiveRoles(groupsOf.get(userId) ?? [], rules);
          const text = parameter(JSON.stringify(after));
          if (fresh.has(userId)) {
            await session.run(sql`INSERT INTO user_roles (tenant_id, user_id, roles) VALUES (${tenant}, ${parameter(userId)}, ${text})`);
          } else if (!sameRoles(before, after)) {
            await session.run(sql`UPDATE user_roles SET roles = ${text} WHERE tenant_id = ${tenant} AND user_id = ${parameter(userId)}`);
          }
          if (!sameRoles(before, after)) changes.push({ userId, before, after });
        }
      }
      return changes;
    });
  }

  private async rulesOn(session: SqlSession, tenantId: string): Promise<RoleRules> {
    const tenant = parameter(tenantId);
    // One round trip for both: read inside every change that can move roles. The one-row `o` keeps
    // a row when the tenant has neither; a tenant has at most one settings row.
    const rows = await session.all<RulesRow>(sql`
SELECT s.default_role AS default_role, ${MAPPING_COLUMNS_OF_M}
FROM (SELECT 1 AS one) AS o
LEFT JOIN role_settings AS s ON s.tenant_id = ${tenant}
LEFT JOIN role_mappings AS m ON m.tenant_id = ${tenant}
ORDER BY m.precedence, m.role, m.id`);
    const mappings = rows.flatMap(({ id, ...row }) => (id === null ? [] : [mappingFromRow({ ...row, id })]));
    return { mappings, defaultRole: rows[0]?.default_role ?? null };
  }

  /** The groups of each user, directly or through nested groups, with what rules match on. */
  private async groupsOf(session: SqlSession, tenantId: string, userIds: readonly string[]): Promise<Map<string, RoleSourceGroup[]>> {
    const groups = new Map<string, RoleSourceGroup[]>();
    if (userIds.length === 0) return groups;
    const tenant = parameter(tenantId);
    const rows = await session.all<{ user_id: string; id: string; display_name: string | null; external_id: string | null }>(sql`
WITH RECURSIVE reached(user_id, group_id) AS (
  SELECT m.member_id, m.group_id FROM ${MEMBERS_TABLE} AS m WHERE m.tenant_id = ${tenant} AND m.member_id IN ${inList(userIds)}
  UNION
  SELECT reached.user_id, m.group_id FROM reached CROSS JOIN ${MEMBERS_TABLE} AS m WHERE m.tenant_id = ${tenant} AND m.member_id = reached.group_id
)
SELECT reached.user_id AS user_id, g.id AS id, g.display_name AS display_name, g.external_id AS external_id
FROM reached CROSS JOIN ${GROUPS_TABLE} AS g WHERE g.tenant_id = ${tenant} AND g.id = reached.group_id`);
    for (const row of rows) {
      const list = groups.get(row.user_id) ?? [];
      list.push({ id: row.id, displayName: row.display_name, externalId: row.external_id });
      groups.set(row.user_id, list);
    }
    return groups;
  }
}
