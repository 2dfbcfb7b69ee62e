import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import { keysetPage, SORT_KEY_COLUMN } from '../sql/keyset.js';
import { compileListQuery, totalFromPage, type CompiledListQuery } from '../sql/list-query.js';
import type { GroupMembership, ListQuery, ListResult, MemberType, StoredMember, StoredResource, StoreReader } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { resourceFromRow, type ResourceRow } from './resource-rows.js';

export const TABLES: Readonly<Record<ResourceTypeName, string>> = { User: 'users', Group: 'groups' };

export function checkResourceType(resourceType: ResourceTypeName): string {
  const table = TABLES[resourceType];
  if (table === undefined) throw new TypeError(`Unknown resource type ${String(resourceType)}`);
  return table;
}

const LIST_MEMBERS = `
SELECT m.member_id AS value, m.member_type AS type,
       CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) ELSE g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN groups AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = ? AND m.group_id = ?
ORDER BY m.member_id`;

/** LIST_MEMBERS one keyset page at a time: the primary key (tenant_id, group_id, member_id) serves both the range and the order. */
const LIST_MEMBERS_PAGE = LIST_MEMBERS.replace('WHERE m.tenant_id = ? AND m.group_id = ?', 'WHERE m.tenant_id = ? AND m.group_id = ? AND m.member_id > ?') + '\nLIMIT ?';

/**
 * Every group reachable upwards from the member. UNION (not UNION ALL) keeps
 * each group once, which is also what ends the recursion on a cycle of
 * nested groups. The member itself is left out: a group is not its own
 * member even when a cycle leads back to it. CROSS JOIN keeps the groups
 * reached so far as the outer loop, so each step is an index lookup per
 * group rather than a pass over the tenant's memberships.
 *
 * Each reached group carries whether it was reached in the first step
 * (a direct membership); a group reached both ways appears twice in
 * `reached` and MAX keeps "direct". Carrying the flag costs one extra row
 * per such group, where asking "is it direct?" per group afterwards was an
 * index probe per group (half the statement's time on SQLite).
 */
const LIST_MEMBERSHIPS = `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = :tenant AND m.member_id = :member
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = :tenant AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN groups AS g
WHERE g.tenant_id = :tenant AND g.id = reached.group_id AND g.id <> :member
GROUP BY g.id, g.display_name
ORDER BY g.id`;

/**
 * The member's direct groups, each flagged when it is itself a member of a
 * group. Nested groups are rare in practice (identity providers push flat
 * groups): when no row is flagged, these are all the memberships and the
 * recursive statement, about a third dearer, is not run. The index on
 * (tenant_id, member_id) ends in the table's key, group_id, so the rows come
 * out in group order without a sort.
 */
const LIST_DIRECT_MEMBERSHIPS = `
SELECT m.group_id AS value, g.display_name AS display,
       EXISTS (SELECT 1 FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id) AS nested
FROM group_members AS m CROSS JOIN groups AS g
WHERE m.tenant_id = :tenant AND m.member_id = :member AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> :member
ORDER BY m.group_id`;

/** LIST_DIRECT_MEMBERSHIPS for many members at once (ids as one JSON array parameter). */
const LIST_DIRECT_MEMBERSHIPS_OF_MANY = `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       EXISTS (SELECT 1 FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id) AS nested
FROM group_members AS m CROSS JOIN groups AS g
WHERE m.tenant_id = ? AND m.member_id IN (SELECT value FROM json_each(?)) AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`;

/** One statement whatever the number of ids: they travel as one JSON array parameter, so SQLite's variable limit never applies. */
const FIND_TYPES = `
SELECT id, 'User' AS type FROM users WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))
UNION ALL
SELECT id, 'Group' AS type FROM groups WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))`;

/** A page row of a keyset statement: the resource and its sort key. */
type KeysetRow = ResourceRow & { readonly [SORT_KEY_COLUMN]?: unknown };

/** Reads through one connection: the reader connection, or the writer inside a transaction. */
export class SqliteReader implements StoreReader {
  constructor(
    private readonly target: SqliteConnection,
    protected readonly registry: SchemaRegistry,
  ) {}

  /** The connection to use; the writer overrides it to refuse use after its transaction ended. */
  protected connection(): SqliteConnection {
    return this.target;
  }

  async getResource(tenantId: string, resourceType: ResourceTypeName, id: string): Promise<StoredResource | undefined> {
    const table = checkResourceType(resourceType);
    const row = this.connection()
      .statement(`SELECT id, attributes, created, last_modified, version FROM ${table} WHERE tenant_id = ? AND id = ?`)
      .get(tenantId, id) as ResourceRow | undefined;
    return row === undefined ? undefined : resourceFromRow(tenantId, resourceType, row);
  }

  async listResources(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<ListResult> {
    const compiled = this.compile(tenantId, resourceType, query);
    const connection = this.connection();
    const total = (rowsRead: number): number =>
      totalFromPage(query, rowsRead) ?? (connection.listingStatement(compiled.count.text).get(...compiled.count.parameters) as { total: number }).total;
    if (compiled.keyset !== undefined) {
      const fetched = compiled.page === undefined ? [] : (connection.listingStatement(compiled.page.text).all(...compiled.page.parameters) as KeysetRow[]);
      const { rows, page } = keysetPage(fetched, query.count, query.keyset?.position, compiled.keyset, (row) => row[SORT_KEY_COLUMN]);
      return { totalResults: total(fetched.length), resources: rows.map((row) => resourceFromRow(tenantId, resourceType, row)), keyset: page };
    }
    if (compiled.page === undefined) return { totalResults: total(0), resources: [] };
    const rows = connection.listingStatement(compiled.page.text).all(...compiled.page.parameters) as ResourceRow[];
    return { totalResults: total(rows.length), resources: rows.map((row) => resourceFromRow(tenantId, resourceType, row)) };
  }

  /** The SQLite query plans (EXPLAIN QUERY PLAN details) of the count and page statements of a list request. */
  async explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<{ count: string[]; page: string[] }> {
    const compiled = this.compile(tenantId, resourceType, query);
    const db = this.connection().db;
    const plan = (text: string, parameters: readonly unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
    return {
      count: plan(compiled.count.text, compiled.count.parameters),
      page: compiled.page === undefined ? [] : plan(compiled.page.text, compiled.page.parameters),
    };
  }

  async listMembers(tenantId: string, groupId: string): Promise<readonly StoredMember[]> {
    const rows = this.connection().statement(LIST_MEMBERS).all(tenantId, groupId) as { value: string; type: MemberType; display: string | null }[];
    return rows.map((row) => ({ value: row.value, type: row.type, display: row.display ?? undefined }));
  }

  async listMembersPage(tenantId: string, groupId: string, afterMemberId: string, limit: number): Promise<readonly StoredMember[]> {
    const rows = this.connection().statement(LIST_MEMBERS_PAGE).all(tenantId, groupId, afterMemberId, limit) as { value: string; type: MemberType; display: string | null }[];
    return rows.map((row) => ({ value: row.value, type: row.type, display: row.display ?? undefined }));
  }

  async listMemberships(tenantId: string, memberId: string): Promise<readonly GroupMembership[]> {
    const connection = this.connection();
    const direct = connection.statement(LIST_DIRECT_MEMBERSHIPS).all({ tenant: tenantId, member: memberId }) as {
      value: string;
      display: string | null;
      nested: number;
    }[];
    if (!direct.some((row) => row.nested === 1)) {
      return direct.map((row) => ({ value: row.value, display: row.display ?? undefined, type: 'direct' }));
    }
    const rows = connection.statement(LIST_MEMBERSHIPS).all({ tenant: tenantId, member: memberId }) as {
      value: string;
      display: string | null;
      direct: number;
    }[];
    return rows.map((row) => ({ value: row.value, display: row.display ?? undefined, type: row.direct === 1 ? 'direct' : 'indirect' }));
  }

  /**
   * listMemberships of every member given, keyed by member id (each id
   * present, with [] when it is in no group): one statement for a page of
   * Users instead of one per User. A member whose groups are nested is
   * read alone with the recursive statement.
   */
  async listMembershipsOfMany(tenantId: string, memberIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupMembership[]>> {
    const byMember = new Map<string, GroupMembership[]>(memberIds.map((id) => [id, []]));
    if (memberIds.length === 0) return byMember;
    const rows = this.connection().statement(LIST_DIRECT_MEMBERSHIPS_OF_MANY).all(tenantId, JSON.stringify(memberIds)) as {
      member: string;
      value: string;
      display: string | null;
      nested: number;
    }[];
    const nested = new Set<string>();
    for (const row of rows) {
      if (row.nested === 1) nested.add(row.member);
      byMember.get(row.member)?.push({ value: row.value, display: row.display ?? undefined, type: 'direct' });
    }
    for (const memberId of nested) byMember.set(memberId, [...(await this.listMemberships(tenantId, memberId))]);
    return byMember;
  }

  async findResourceTypes(tenantId: string, ids: readonly string[]): Promise<ReadonlyMap<string, ResourceTypeName>> {
    const found = new Map<string, ResourceTypeName>();
    if (ids.length === 0) return found;
    const idList = JSON.stringify(ids);
    const rows = this.connection().statement(FIND_TYPES).all(tenantId, idList, tenantId, idList) as { id: string; type: ResourceTypeName }[];
    for (const row of rows) found.set(row.id, row.type);
    return found;
  }

  private compile(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): CompiledListQuery {
    checkResourceType(resourceType);
    return compileListQuery({ dialect: sqliteDialect, schemas: this.registry.forResourceType(resourceType), tenantId, resourceType, query });
  }
}
