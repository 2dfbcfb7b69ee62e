import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { SqlDialect } from '../sql/dialect.js';
import { keysetPage, SORT_KEY_COLUMN } from '../sql/keyset.js';
import { compileListQuery, totalFromPage, type CompiledListQuery } from '../sql/list-query.js';
import type { GroupMembership, KeysetPage, ListQuery, ListResult, MemberType, StoredMember, StoredResource, StoreReader } from '../store.js';
import type { Queryable } from './pool.js';
import { checkResourceType, hasNul, RESOURCE_ROW_COLUMNS, resourceFromRow, type ResourceRow } from './resource-rows.js';

const LIST_MEMBERS = `
SELECT m.member_id AS value, m.member_type AS type,
       CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) ELSE g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN groups AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = $1 AND m.group_id = $2
ORDER BY m.member_id`;

/** LIST_MEMBERS one keyset page at a time: the primary key (tenant_id, group_id, member_id) serves both the range and the order. */
const LIST_MEMBERS_PAGE = LIST_MEMBERS.replace('WHERE m.tenant_id = $1 AND m.group_id = $2', 'WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.member_id > $3') + '\nLIMIT $4';

/**
 * Every group reachable upwards from the member ($2). UNION (not UNION ALL)
 * keeps each group once, which is also what ends the recursion on a cycle
 * of nested groups. The member itself is left out: a group is not its own
 * member even when a cycle leads back to it. Each step is a lookup in the
 * (tenant_id, member_id) index.
 *
 * Each reached group carries whether it was reached in the first step
 * (a direct membership); a group reached both ways appears twice in
 * `reached` and MAX keeps "direct". Carrying the flag costs one extra row
 * per such group, where asking "is it direct?" per group afterwards was an
 * index probe per group (half the statement's time on SQLite).
 */
const LIST_MEMBERSHIPS = `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = $1 AND m.member_id = $2
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = $1 AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN groups AS g
WHERE g.tenant_id = $1 AND g.id = reached.group_id AND g.id <> $2
GROUP BY g.id, g.display_name
ORDER BY g.id`;

/**
 * The direct groups of many members (one text[] parameter), each flagged
 * when it is itself a member of a group: those members are then read with
 * LIST_MEMBERSHIPS, the others are complete.
 */
const LIST_DIRECT_MEMBERSHIPS_OF_MANY = `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       EXISTS (SELECT 1 FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id) AS nested
FROM group_members AS m CROSS JOIN groups AS g
WHERE m.tenant_id = $1 AND m.member_id = ANY ($2::text[]) AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`;

/**
 * One statement whatever the number of ids: they travel as one text[]
 * parameter. `lock` is the writer's row lock (locking clauses are not
 * allowed under UNION, hence the CTEs).
 */
function findTypesStatement(lock: string): string {
  return `
WITH found_users AS (SELECT id FROM users WHERE tenant_id = $1 AND id = ANY ($2::text[])${lock}),
     found_groups AS (SELECT id FROM groups WHERE tenant_id = $1 AND id = ANY ($2::text[])${lock})
SELECT id, 'User' AS type FROM found_users
UNION ALL
SELECT id, 'Group' AS type FROM found_groups`;
}

/** The locks a reader takes: none for plain reads; see PostgresWriter for those of a transaction. */
export interface ReadLocks {
  /** On the row getResource reads. */
  readonly resource: string;
  /** On the rows findResourceTypes finds. */
  readonly existence: string;
}

/** A page row of a keyset statement: the resource and its sort key. */
type KeysetRow = ResourceRow & { readonly [SORT_KEY_COLUMN]?: unknown };

const EMPTY_KEYSET_PAGE: KeysetPage = Object.freeze({ first: undefined, last: undefined, hasNext: false, hasPrevious: false });

const NO_LOCKS: ReadLocks = Object.freeze({ resource: '', existence: '' });

/** Reads through the pool, or through the connection of a transaction (the writer). */
export class PostgresReader implements StoreReader {
  constructor(
    private readonly target: () => Queryable,
    protected readonly registry: SchemaRegistry,
    protected readonly dialect: SqlDialect,
  ) {}

  /** Where statements go; the writer overrides it to refuse use after its transaction ended. */
  protected queryable(): Queryable {
    return this.target();
  }

  protected locks(): ReadLocks {
    return NO_LOCKS;
  }

  async getResource(tenantId: string, resourceType: ResourceTypeName, id: string): Promise<StoredResource | undefined> {
    const table = checkResourceType(resourceType);
    const queryable = this.queryable();
    if (hasNul(tenantId, id)) return undefined;
    const { rows } = await queryable.query<ResourceRow>(`SELECT ${RESOURCE_ROW_COLUMNS} FROM ${table} WHERE tenant_id = $1 AND id = $2${this.locks().resource}`, [tenantId, id]);
    const row = rows[0];
    return row === undefined ? undefined : resourceFromRow(tenantId, resourceType, row);
  }

  async listResources(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<ListResult> {
    const compiled = this.compile(tenantId, resourceType, query);
    const queryable = this.queryable();
    if (hasNul(tenantId)) return { totalResults: 0, resources: [], ...(compiled.keyset !== undefined ? { keyset: EMPTY_KEYSET_PAGE } : {}) };
    // The page first: when it shows the total, the count's round trip is saved.
    const total = async (rowsRead: number): Promise<number> => {
      const known = totalFromPage(query, rowsRead);
      if (known !== undefined) return known;
      const counted = await queryable.query<{ total: string }>(compiled.count.text, compiled.count.parameters);
      // COUNT(*) is bigint, which node-postgres returns as a string (it may exceed 2^53).
      return Number(counted.rows[0]?.total ?? 0);
    };
    if (compiled.keyset !== undefined) {
      const fetched = compiled.page === undefined ? [] : (await queryable.query<KeysetRow>(compiled.page.text, compiled.page.parameters)).rows;
      const { rows, page } = keysetPage(fetched, query.count, query.keyset?.position, compiled.keyset, (row) => row[SORT_KEY_COLUMN]);
      return { totalResults: await total(fetched.length), resources: rows.map((row) => resourceFromRow(tenantId, resourceType, row)), keyset: page };
    }
    if (compiled.page === undefined) return { totalResults: await total(0), resources: [] };
    const { rows } = await queryable.query<ResourceRow>(compiled.page.text, compiled.page.parameters);
    return { totalResults: await total(rows.length), resources: rows.map((row) => resourceFromRow(tenantId, resourceType, row)) };
  }

  /** The PostgreSQL plans (EXPLAIN text, one line per row) of the count and page statements of a list request. */
  async explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<{ count: string[]; page: string[] }> {
    const compiled = this.compile(tenantId, resourceType, query);
    const queryable = this.queryable();
    const plan = async (text: string, parameters: readonly unknown[]) =>
      (await queryable.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, parameters)).rows.map((row) => row['QUERY PLAN']);
    return {
      count: await plan(compiled.count.text, compiled.count.parameters),
      page: compiled.page === undefined ? [] : await plan(compiled.page.text, compiled.page.parameters),
    };
  }

  async listMembers(tenantId: string, groupId: string): Promise<readonly StoredMember[]> {
    const queryable = this.queryable();
    if (hasNul(tenantId, groupId)) return [];
    const { rows } = await queryable.query<{ value: string; type: MemberType; display: string | null }>(LIST_MEMBERS, [tenantId, groupId]);
    return rows.map((row) => ({ value: row.value, type: row.type, display: row.display ?? undefined }));
  }

  async listMembersPage(tenantId: string, groupId: string, afterMemberId: string, limit: number): Promise<readonly StoredMember[]> {
    const queryable = this.queryable();
    if (hasNul(tenantId, groupId, afterMemberId)) return [];
    const { rows } = await queryable.query<{ value: string; type: MemberType; display: string | null }>(LIST_MEMBERS_PAGE, [tenantId, groupId, afterMemberId, limit]);
    return rows.map((row) => ({ value: row.value, type: row.type, display: row.display ?? undefined }));
  }

  async listMemberships(tenantId: string, memberId: string): Promise<readonly GroupMembership[]> {
    const queryable = this.queryable();
    if (hasNul(tenantId, memberId)) return [];
    const { rows } = await queryable.query<{ value: string; display: string | null; direct: number }>(LIST_MEMBERSHIPS, [tenantId, memberId]);
    return rows.map((row) => ({ value: row.value, display: row.display ?? undefined, type: row.direct === 1 ? 'direct' : 'indirect' }));
  }

  /**
   * listMemberships of every member given, keyed by member id (each id
   * present, with [] when it is in no group): one round trip for a page of
   * Users instead of one per User, plus one per member whose groups are nested.
   */
  async listMembershipsOfMany(tenantId: string, memberIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupMembership[]>> {
    const byMember = new Map<string, GroupMembership[]>(memberIds.map((id) => [id, []]));
    const storable = memberIds.filter((id) => !hasNul(id));
    if (storable.length === 0 || hasNul(tenantId)) return byMember;
    const queryable = this.queryable();
    const { rows } = await queryable.query<{ member: string; value: string; display: string | null; nested: boolean }>(LIST_DIRECT_MEMBERSHIPS_OF_MANY, [
      tenantId,
      storable,
    ]);
    const nested = new Set<string>();
    for (const row of rows) {
      if (row.nested) nested.add(row.member);
      byMember.get(row.member)?.push({ value: row.value, display: row.display ?? undefined, type: 'direct' });
    }
    for (const memberId of nested) byMember.set(memberId, [...(await this.listMemberships(tenantId, memberId))]);
    return byMember;
  }

  async findResourceTypes(tenantId: string, ids: readonly string[]): Promise<ReadonlyMap<string, ResourceTypeName>> {
    const queryable = this.queryable();
    const found = new Map<string, ResourceTypeName>();
    const storable = ids.filter((id) => !hasNul(id));
    if (storable.length === 0 || hasNul(tenantId)) return found;
    const { rows } = await queryable.query<{ id: string; type: ResourceTypeName }>(findTypesStatement(this.locks().existence), [tenantId, storable]);
    for (const row of rows) found.set(row.id, row.type);
    return found;
  }

  private compile(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): CompiledListQuery {
    checkResourceType(resourceType);
    return compileListQuery({ dialect: this.dialect, schemas: this.registry.forResourceType(resourceType), tenantId, resourceType, query });
  }
}
