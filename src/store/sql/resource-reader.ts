/**
 * The resource reads of every SQL database, written once over a session:
 * outside a transaction on committed data, inside one (as the writer) on
 * the transaction's connection, with its row locks.
 */
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { GroupMembership, KeysetPage, ListQuery, ListResult, MemberType, ResourceWithMemberships, StoredMember, StoredResource, StoreReader } from '../store.js';
import { ROW_ALIAS } from './context.js';
import type { SqlDialect } from './dialect.js';
import { joinSql, parameter, parameterList, quoteSqlString, rawSql, sql, type SqlFragment, type SqlParameterValue } from './fragment.js';
import { keysetPage, SORT_KEY_COLUMN } from './keyset.js';
import { compileListQuery, totalFromPage, type CompiledListQuery } from './list-query.js';
import { RESOURCE_SELECT, resourceFromRow, ROW_RESOURCE_SELECT, unstorableKey, type ResourceRow } from './resource-rows.js';
import { EXISTENCE_SOURCES, MEMBER_STORAGES, MEMBERSHIPS, rowKey, storageOf } from './resource-storage.js';
import type { SqlRow, SqlSession } from './session.js';

/** The most values one statement binds in an IN list or a multi-row VALUES (well under every database's parameter limit). */
export const MAX_ROWS_PER_STATEMENT = 500;

/** `values` in slices of at most MAX_ROWS_PER_STATEMENT. */
export function chunks<T>(values: readonly T[]): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < values.length; start += MAX_ROWS_PER_STATEMENT) slices.push(values.slice(start, start + MAX_ROWS_PER_STATEMENT));
  return slices;
}

/** `(?, ?, …)`: bound values as an IN list or one row of VALUES (see parameterList). */
export function inList(values: readonly SqlParameterValue[]): SqlFragment {
  return parameterList(values);
}

/**
 * How each database shows the plan of a statement: the prefix that asks
 * for it, and the text of each row of the answer.
 */
const EXPLAIN: Readonly<Record<SqlDialect['name'], { readonly prefix: string; readonly line: (row: SqlRow) => string }>> = {
  sqlite: { prefix: 'EXPLAIN QUERY PLAN ', line: (row) => String(row['detail']) },
  postgres: { prefix: 'EXPLAIN (COSTS OFF) ', line: (row) => String(row['QUERY PLAN']) },
  // MySQL and MariaDB answer with one row per table read: the table, the access type and the index used.
  mysql: { prefix: 'EXPLAIN ', line: (row) => `${String(row['table'])} ${String(row['type'])} ${String(row['key'])}` },
};

const EMPTY_KEYSET_PAGE: KeysetPage = Object.freeze({ first: undefined, last: undefined, hasNext: false, hasPrevious: false });

const NO_LOCK = rawSql('');

/** A page row of a keyset statement: the resource and its sort key. */
type KeysetRow = ResourceRow & { readonly [SORT_KEY_COLUMN]?: unknown };

interface MemberRow {
  readonly value: string;
  readonly type: MemberType;
  readonly display: string | null;
}

interface DirectMembershipRow {
  readonly member?: string;
  readonly value: string;
  readonly display: string | null;
  readonly nested: unknown;
}

/**
 * The members of a group with each one's `display`, read from the member's
 * own row: one LEFT JOIN per type a member can be, chosen by member_type.
 */
const MEMBER_LISTING_HEAD = rawSql(`
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type ${MEMBER_STORAGES.map((storage) => `WHEN ${quoteSqlString(storage.resourceType)} THEN ${storage.member.display}`).join(' ')} END AS display
FROM ${MEMBERSHIPS.table} AS m
${MEMBER_STORAGES.map(
  ({ member: { alias }, map, resourceType }) =>
    `LEFT JOIN ${map.table} AS ${alias} ON m.member_type = ${quoteSqlString(resourceType)} AND ${alias}.tenant_id = m.tenant_id AND ${alias}.id = m.member_id`,
).join('\n')}
WHERE `);

function memberListing(where: SqlFragment): SqlFragment {
  return sql`${MEMBER_LISTING_HEAD}${where}${rawSql('\nORDER BY m.member_id')}`;
}

const GROUPS_TABLE = MEMBERSHIPS.groups.map.table;

/**
 * The member's direct groups (of many members at once, with `member`),
 * each flagged when it is itself a member of a group. Nested groups are
 * rare in practice (identity providers push flat groups): when no row is
 * flagged, these are all the memberships and the recursive statement,
 * about a third dearer, is not run. The index on (tenant_id, member_id)
 * ends in the table's key, group_id, so the rows come out in group order
 * without a sort.
 *
 * The flag is a scalar subquery with LIMIT 1 (TRUE or NULL), not EXISTS:
 * PostgreSQL may run an EXISTS in the select list as a "hashed SubPlan",
 * hashing the whole membership table (every tenant's) once per statement,
 * which it chose for a page of 100 users (7.4 ms, a sequential scan of
 * 30,000 rows, against 1.2 ms with an index probe per row). A subquery with
 * LIMIT cannot be hashed, so each row is one probe of the member index, on
 * every database.
 */
const DIRECT_MEMBERSHIPS = {
  head: rawSql(`
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM ${MEMBERSHIPS.table} AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM ${MEMBERSHIPS.table} AS m CROSS JOIN ${GROUPS_TABLE} AS g
WHERE m.tenant_id = `),
  tail: rawSql(` AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`),
};

function directMemberships(tenantId: string, members: SqlFragment): SqlFragment {
  return sql`${DIRECT_MEMBERSHIPS.head}${parameter(tenantId)} AND m.member_id ${members}${DIRECT_MEMBERSHIPS.tail}`;
}

/**
 * DIRECT_MEMBERSHIPS of the row ROW_ALIAS (`r`) as one JSON column of that row: the
 * resource and its groups in one statement, so a GET is one round trip to
 * the database (two on PostgreSQL and MySQL were a third of its time on
 * the wire). Each element is [group id, display name, nested flag].
 */
function directMembershipsColumn(dialect: SqlDialect, tenantId: string): SqlFragment {
  const nested = rawSql(`(SELECT TRUE FROM ${MEMBERSHIPS.table} AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1)`);
  return sql`(SELECT ${dialect.jsonArrayOfRows([rawSql('m.group_id'), rawSql('g.display_name'), nested])}${rawSql(`
FROM ${MEMBERSHIPS.table} AS m CROSS JOIN ${GROUPS_TABLE} AS g
WHERE m.tenant_id = `)}${parameter(tenantId)}${rawSql(` AND m.member_id = ${ROW_ALIAS}.id AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id) AS memberships`)}`;
}

/**
 * A list page in the default order (by id) with each row's direct groups,
 * one statement: the page as it is compiled, then the groups of its rows
 * only. Wrapped, so the groups are read for the page's rows alone, never
 * for rows an OFFSET skips or a sort reads before its LIMIT.
 */
function pageWithMemberships(dialect: SqlDialect, tenantId: string, page: SqlFragment): SqlFragment {
  return sql`SELECT ${ROW_RESOURCE_SELECT}, ${directMembershipsColumn(dialect, tenantId)} FROM (${page}) AS ${rawSql(ROW_ALIAS)} ORDER BY ${rawSql(`${ROW_ALIAS}.id`)}`;
}

/** A JSON value of a built array as the drivers give it: true (PostgreSQL, MySQL) or 1 (SQLite, MariaDB) for TRUE. */
function jsonTrue(value: unknown): boolean {
  return value === true || value === 1;
}

/** The elements of directMembershipsColumn, in group id order (the aggregate keeps none), and whether any group is nested. */
function directMembershipsFromColumn(dialect: SqlDialect, value: unknown): { readonly direct: GroupMembership[]; readonly nested: boolean } {
  const elements = (value === null || value === undefined ? [] : dialect.decodeJson(value)) as readonly (readonly [unknown, unknown, unknown])[];
  const direct: GroupMembership[] = [];
  let nested = false;
  for (const [group, display, flag] of elements) {
    if (jsonTrue(flag)) nested = true;
    direct.push({ value: String(group), display: display === null || display === undefined ? undefined : String(display), type: 'direct' });
  }
  direct.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { direct, nested };
}

/**
 * The statements a read of one resource runs (GET /Users/{id}: the row and
 * the user's groups, together or one after the other), as the reader sends
 * them: exported so that the query plan tests check these very statements,
 * on every database.
 */
export const READ_STATEMENTS = Object.freeze({
  resource: (resourceType: ResourceTypeName, tenantId: string, id: string) =>
    sql`SELECT ${RESOURCE_SELECT} FROM ${rawSql(storageOf(resourceType).map.table)} WHERE ${rowKey(storageOf(resourceType), tenantId, id)}`,
  directMemberships: (tenantId: string, memberId: string) => directMemberships(tenantId, sql`= ${parameter(memberId)}`),
  directMembershipsOfMany: (tenantId: string, memberIds: readonly string[]) => directMemberships(tenantId, sql`IN ${inList(memberIds)}`),
  /** The row and its direct groups in one statement (a GET that shows `groups`). */
  resourceWithMemberships: (dialect: SqlDialect, resourceType: ResourceTypeName, tenantId: string, id: string) =>
    sql`SELECT ${RESOURCE_SELECT}, ${directMembershipsColumn(dialect, tenantId)} FROM ${rawSql(`${storageOf(resourceType).map.table} AS ${ROW_ALIAS}`)} WHERE ${rowKey(storageOf(resourceType), tenantId, id)}`,
});

/**
 * Every group reachable upwards from the member. UNION (not UNION ALL)
 * keeps each group once, which is also what ends the recursion on a cycle
 * of nested groups (MySQL 8 and MariaDB 10.2+ run WITH RECURSIVE too). The
 * member itself is left out: a group is not its own member even when a
 * cycle leads back to it. CROSS JOIN keeps the groups reached so far as
 * the outer loop, so each step is an index lookup per group rather than a
 * pass over the tenant's memberships.
 *
 * Each reached group carries whether it was reached in the first step
 * (a direct membership); a group reached both ways appears twice in
 * `reached` and MAX keeps "direct". Carrying the flag costs one extra row
 * per such group, where asking "is it direct?" per group afterwards was an
 * index probe per group (half the statement's time on SQLite).
 */
const ALL_MEMBERSHIPS = {
  first: rawSql(`
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM ${MEMBERSHIPS.table} AS m WHERE m.tenant_id = `),
  next: rawSql(`
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN ${MEMBERSHIPS.table} AS m WHERE m.tenant_id = `),
  groups: rawSql(` AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN ${GROUPS_TABLE} AS g
WHERE g.tenant_id = `),
  order: rawSql(`
GROUP BY g.id, g.display_name
ORDER BY g.id`),
};

function allMemberships(tenantId: string, memberId: string): SqlFragment {
  const tenant = parameter(tenantId);
  const member = parameter(memberId);
  const { first, next, groups, order } = ALL_MEMBERSHIPS;
  return sql`${first}${tenant} AND m.member_id = ${member}${next}${tenant}${groups}${tenant} AND g.id = reached.group_id AND g.id <> ${member}${order}`;
}

/**
 * Which of the ids exist, and as what: one statement over every table a
 * resource can be in. `lock` is the writer's (PostgreSQL allows no locking
 * clause under UNION, hence the CTEs).
 */
function existing(tenantId: string, ids: SqlFragment, lock: SqlFragment): SqlFragment {
  const found = EXISTENCE_SOURCES.map(
    (source, index) => sql`${rawSql(`found_${index} AS (SELECT id, ${source.type} AS type FROM ${source.table} WHERE tenant_id = `)}${parameter(tenantId)} AND id IN ${ids}${lock})`,
  );
  const union = EXISTENCE_SOURCES.map((_, index) => `SELECT id, type FROM found_${index}`).join(' UNION ALL ');
  return sql`WITH ${joinSql(found, ', ')} ${rawSql(union)}`;
}

function memberFromRow(row: MemberRow): StoredMember {
  return { value: row.value, type: row.type, display: row.display ?? undefined };
}

/** Reads through one session: committed data (store.reader), or a transaction's (the writer, which adds row locks). */
export class SqlResourceReader implements StoreReader {
  constructor(private readonly target: () => SqlSession) {}

  /** Where statements go; the writer overrides it to refuse use after its transaction ended. */
  protected session(): SqlSession {
    return this.target();
  }

  /** The row lock a read takes; none outside a transaction (see SqlResourceWriter). */
  protected lock(_mode: 'update' | 'keyShare'): SqlFragment {
    return NO_LOCK;
  }

  async getResource(tenantId: string, resourceType: ResourceTypeName, id: string): Promise<StoredResource | undefined> {
    storageOf(resourceType);
    const session = this.session();
    if (unstorableKey(session.dialect, tenantId, id)) return undefined;
    const row = await session.first<ResourceRow>(sql`${READ_STATEMENTS.resource(resourceType, tenantId, id)}${this.lock('update')}`);
    return row === undefined ? undefined : resourceFromRow(session.dialect, tenantId, resourceType, row);
  }

  async getResourceWithMemberships(tenantId: string, resourceType: ResourceTypeName, id: string): Promise<ResourceWithMemberships | undefined> {
    const session = this.session();
    const { dialect } = session;
    if (unstorableKey(dialect, tenantId, id)) return undefined;
    const row = await session.first<ResourceRow & { memberships: unknown }>(sql`${READ_STATEMENTS.resourceWithMemberships(dialect, resourceType, tenantId, id)}${this.lock('update')}`);
    if (row === undefined) return undefined;
    const resource = resourceFromRow(dialect, tenantId, resourceType, row);
    const { direct, nested } = directMembershipsFromColumn(dialect, row.memberships);
    // Nested groups are rare: only then a second statement, the recursive one.
    return { resource, memberships: nested ? await this.listMemberships(tenantId, id) : direct };
  }

  async listResources(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<ListResult> {
    const session = this.session();
    const { dialect } = session;
    const compiled = this.compile(dialect, tenantId, resourceType, query);
    if (unstorableKey(dialect, tenantId)) return { totalResults: 0, resources: [], ...(compiled.keyset !== undefined ? { keyset: EMPTY_KEYSET_PAGE } : {}) };
    // The page first: when it shows the total, the count's statement is saved.
    const total = async (rowsRead: number): Promise<number> => {
      const known = totalFromPage(query, rowsRead);
      if (known !== undefined) return known;
      // COUNT(*) may arrive as a bigint's text (PostgreSQL).
      return Number((await session.first<{ total: unknown }>(compiled.count))?.total ?? 0);
    };
    const resource = (row: ResourceRow) => resourceFromRow(dialect, tenantId, resourceType, row);
    if (compiled.keyset !== undefined) {
      const fetched = compiled.page === undefined ? [] : await session.all<KeysetRow>(compiled.page);
      const { rows, page } = keysetPage(fetched as (KeysetRow & { id: string })[], query.count, query.keyset?.position, compiled.keyset, (row) => row[SORT_KEY_COLUMN]);
      return { totalResults: await total(fetched.length), resources: rows.map(resource), keyset: page };
    }
    if (compiled.page === undefined) return { totalResults: await total(0), resources: [] };
    if (query.withMemberships === true && query.sort === undefined) {
      const rows = await session.all<ResourceRow & { memberships: unknown }>(pageWithMemberships(dialect, tenantId, compiled.page));
      const memberships = new Map<string, readonly GroupMembership[]>();
      for (const row of rows) {
        const { direct, nested } = directMembershipsFromColumn(dialect, row.memberships);
        // Nested groups are rare: only then the recursive statement, for that member.
        memberships.set(String(row.id), nested ? await this.listMemberships(tenantId, String(row.id)) : direct);
      }
      return { totalResults: await total(rows.length), resources: rows.map(resource), memberships };
    }
    const rows = await session.all<ResourceRow>(compiled.page);
    return { totalResults: await total(rows.length), resources: rows.map(resource) };
  }

  /** The database's plans of the count and page statements of a list request, one line per row of its answer (for index checks). */
  async explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<{ count: string[]; page: string[] }> {
    const session = this.session();
    const compiled = this.compile(session.dialect, tenantId, resourceType, query);
    const explain = EXPLAIN[session.dialect.name];
    const plan = async (statement: SqlFragment) => (await session.all(sql`${rawSql(explain.prefix)}${statement}`)).map(explain.line);
    return { count: await plan(compiled.count), page: compiled.page === undefined ? [] : await plan(compiled.page) };
  }

  async listMembers(tenantId: string, groupId: string): Promise<readonly StoredMember[]> {
    const session = this.session();
    if (unstorableKey(session.dialect, tenantId, groupId)) return [];
    const rows = await session.all<MemberRow>(memberListing(sql`m.tenant_id = ${parameter(tenantId)} AND m.group_id = ${parameter(groupId)}`));
    return rows.map(memberFromRow);
  }

  /** listMembers one keyset page at a time: the primary key (tenant_id, group_id, member_id) serves both the range and the order. */
  async listMembersPage(tenantId: string, groupId: string, afterMemberId: string, limit: number): Promise<readonly StoredMember[]> {
    const session = this.session();
    if (unstorableKey(session.dialect, tenantId, groupId, afterMemberId)) return [];
    const where = sql`m.tenant_id = ${parameter(tenantId)} AND m.group_id = ${parameter(groupId)} AND m.member_id > ${parameter(afterMemberId)}`;
    const rows = await session.all<MemberRow>(sql`${memberListing(where)}${rawSql('\nLIMIT ')}${session.dialect.rowLimit(limit)}`);
    return rows.map(memberFromRow);
  }

  async listMemberships(tenantId: string, memberId: string): Promise<readonly GroupMembership[]> {
    const session = this.session();
    const { dialect } = session;
    if (unstorableKey(dialect, tenantId, memberId)) return [];
    const direct = await session.all<DirectMembershipRow>(READ_STATEMENTS.directMemberships(tenantId, memberId));
    if (!direct.some((row) => dialect.decodeBoolean(row.nested) === true)) {
      return direct.map((row) => ({ value: row.value, display: row.display ?? undefined, type: 'direct' }));
    }
    const rows = await session.all<{ value: string; display: string | null; direct: unknown }>(allMemberships(tenantId, memberId));
    return rows.map((row) => ({ value: row.value, display: row.display ?? undefined, type: Number(row.direct) === 1 ? 'direct' : 'indirect' }));
  }

  /**
   * listMemberships of every member given, keyed by member id (each id
   * present, with [] when it is in no group): one statement for a page of
   * Users instead of one per User. A member whose groups are nested is
   * read alone with the recursive statement.
   */
  async listMembershipsOfMany(tenantId: string, memberIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupMembership[]>> {
    const byMember = new Map<string, GroupMembership[]>(memberIds.map((id) => [id, []]));
    const session = this.session();
    const { dialect } = session;
    const storable = memberIds.filter((id) => !unstorableKey(dialect, id));
    if (storable.length === 0 || unstorableKey(dialect, tenantId)) return byMember;
    const nested = new Set<string>();
    for (const slice of chunks(storable)) {
      for (const row of await session.all<DirectMembershipRow & { member: string }>(READ_STATEMENTS.directMembershipsOfMany(tenantId, slice))) {
        if (dialect.decodeBoolean(row.nested) === true) nested.add(row.member);
        byMember.get(row.member)?.push({ value: row.value, display: row.display ?? undefined, type: 'direct' });
      }
    }
    for (const memberId of nested) byMember.set(memberId, [...(await this.listMemberships(tenantId, memberId))]);
    return byMember;
  }

  async findResourceTypes(tenantId: string, ids: readonly string[]): Promise<ReadonlyMap<string, ResourceTypeName>> {
    const found = new Map<string, ResourceTypeName>();
    const session = this.session();
    const storable = [...new Set(ids)].filter((id) => !unstorableKey(session.dialect, id));
    if (storable.length === 0 || unstorableKey(session.dialect, tenantId)) return found;
    const lock = this.lock('keyShare');
    for (const slice of chunks(storable)) {
      for (const row of await session.all<{ id: string; type: ResourceTypeName }>(existing(tenantId, inList(slice), lock))) found.set(row.id, row.type);
    }
    return found;
  }

  private compile(dialect: SqlDialect, tenantId: string, resourceType: ResourceTypeName, query: ListQuery): CompiledListQuery {
    storageOf(resourceType);
    return compileListQuery({ dialect, tenantId, resourceType, query });
  }
}
