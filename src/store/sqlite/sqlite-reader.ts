import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import { keysetPage, SORT_KEY_COLUMN } from '../sql/keyset.js';
import { compileListQuery, type CompiledListQuery } from '../sql/list-query.js';
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

/**
 * Every group reachable upwards from the member. UNION (not UNION ALL) keeps
 * each group once, which is also what ends the recursion on a cycle of
 * nested groups. The member itself is left out: a group is not its own
 * member even when a cycle leads back to it. CROSS JOIN keeps the groups
 * reached so far as the outer loop, so each step is an index lookup per
 * group rather than a pass over the tenant's memberships.
 */
const LIST_MEMBERSHIPS = `
WITH RECURSIVE reached(group_id) AS (
  SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = :tenant AND m.member_id = :member
  UNION
  SELECT m.group_id FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = :tenant AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display,
       EXISTS (SELECT 1 FROM group_members AS d WHERE d.tenant_id = :tenant AND d.group_id = g.id AND d.member_id = :member) AS direct
FROM reached CROSS JOIN groups AS g
WHERE g.tenant_id = :tenant AND g.id = reached.group_id AND g.id <> :member
ORDER BY g.id`;

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
    const counted = connection.listingStatement(compiled.count.text).get(...compiled.count.parameters) as { total: number };
    if (compiled.keyset !== undefined) {
      const fetched = compiled.page === undefined ? [] : (connection.listingStatement(compiled.page.text).all(...compiled.page.parameters) as KeysetRow[]);
      const { rows, page } = keysetPage(fetched, query.count, query.keyset?.position, compiled.keyset, (row) => row[SORT_KEY_COLUMN]);
      return { totalResults: counted.total, resources: rows.map((row) => resourceFromRow(tenantId, resourceType, row)), keyset: page };
    }
    if (compiled.page === undefined || counted.total === 0) return { totalResults: counted.total, resources: [] };
    const rows = connection.listingStatement(compiled.page.text).all(...compiled.page.parameters) as ResourceRow[];
    return { totalResults: counted.total, resources: rows.map((row) => resourceFromRow(tenantId, resourceType, row)) };
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

  async listMemberships(tenantId: string, memberId: string): Promise<readonly GroupMembership[]> {
    const rows = this.connection().statement(LIST_MEMBERSHIPS).all({ tenant: tenantId, member: memberId }) as {
      value: string;
      display: string | null;
      direct: number;
    }[];
    return rows.map((row) => ({ value: row.value, display: row.display ?? undefined, type: row.direct === 1 ? 'direct' : 'indirect' }));
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
