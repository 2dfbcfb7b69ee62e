/**
 * The two statements of a list request: the page of rows and the total
 * count, sharing one compiled WHERE clause so `totalResults` always counts
 * exactly what the pages hold (RFC 7644 §3.4.2).
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { FilterNode } from '../../core/filter/ast.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceSchemas } from '../../core/schema/registry.js';
import type { ListQuery } from '../store.js';
import { aliasCounter, ROW_ALIAS, type CompileContext } from './context.js';
import type { SqlDialect } from './dialect.js';
import { compileFilterCondition } from './filter-compiler.js';
import { parameter, rawSql, renderSql, sql, type RenderedSql, type SqlFragment } from './fragment.js';
import { compileKeyset, SORT_KEY_COLUMN, type CompiledKeyset } from './keyset.js';
import { ROW_RESOURCE_SELECT } from './resource-rows.js';
import { compileOrderBy } from './sort-compiler.js';
import { tableFor } from './tables.js';

export interface CompiledListQuery {
  /** `SELECT COUNT(*) AS total …` */
  readonly count: SqlFragment;
  /** The page, or undefined when `count` is 0 (RFC 7644 §3.4.2.4: only the total is asked for). */
  readonly page: SqlFragment | undefined;
  /**
   * With keyset paging: how to read the page's rows (up to count + 1, each
   * with its SORT_KEY_COLUMN; see keysetPage in keyset.ts).
   */
  readonly keyset: CompiledKeyset | undefined;
}

export interface ListQueryInput {
  readonly dialect: SqlDialect;
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  /** The query, with the schemas its attributes were resolved against. */
  readonly query: ListQuery;
}

interface ScopeInput {
  readonly dialect: SqlDialect;
  readonly schemas: ResourceSchemas;
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
}

function createContext(input: ScopeInput, unsupported: CompileContext['unsupported'], nextAlias: CompileContext['nextAlias']): CompileContext {
  return { dialect: input.dialect, schemas: input.schemas, table: tableFor(input.resourceType), tenantId: input.tenantId, unsupported, nextAlias };
}

/**
 * `r.tenant_id = ? AND <filter>`: the tenant scope comes first so every
 * plan starts from the tenant's rows; in a table several types share, the
 * type follows it (both lead that table's indexes).
 */
function compileWhere(input: ListQueryInput, context: CompileContext): SqlFragment {
  const { typeColumn } = context.table;
  const tenant = sql`${rawSql(`${ROW_ALIAS}.tenant_id = `)}${parameter(input.tenantId)}`;
  const scope = typeColumn === undefined ? tenant : sql`${tenant}${rawSql(` AND ${ROW_ALIAS}.${typeColumn} = `)}${parameter(input.resourceType)}`;
  if (input.query.filter === undefined) return scope;
  return sql`${scope} AND ${compileFilterCondition(input.query.filter, context)}`;
}

/**
 * The total of a list: without a filter, the tenant's kept count of the
 * type (migration 0005-resource-counts: one row, whatever the tenant's
 * size); with one, a count of what matches.
 */
function countStatement(input: ListQueryInput, from: SqlFragment, where: SqlFragment): SqlFragment {
  if (input.query.filter !== undefined) return sql`SELECT COUNT(*) AS total ${from}${where}`;
  return sql`SELECT COALESCE((SELECT c.count FROM resource_counts AS c WHERE c.tenant_id = ${parameter(input.tenantId)} AND c.resource_type = ${parameter(input.resourceType)}), 0) AS total`;
}

/**
 * The condition a filter alone compiles to (without the tenant scope),
 * rendered for the dialect: for adapters that assemble their own statements
 * and for inspecting what a filter becomes.
 */
export function compileFilterSql(input: ScopeInput & { readonly filter: FilterNode }): RenderedSql {
  const context = createContext(input, scimErrors.invalidFilter, aliasCounter());
  return renderSql(compileFilterCondition(input.filter, context), input.dialect);
}

export function compileListQuery(input: ListQueryInput): CompiledListQuery {
  const { dialect, query } = input;
  const scope: ScopeInput = { dialect, schemas: query.schemas, tenantId: input.tenantId, resourceType: input.resourceType };
  if (query.schemas.resourceType.name !== input.resourceType) {
    throw new TypeError(`Schemas of ${query.schemas.resourceType.name} given for a ${input.resourceType} query`);
  }
  const nextAlias = aliasCounter();
  const where = compileWhere(input, createContext(scope, scimErrors.invalidFilter, nextAlias));
  if (query.keyset !== undefined) return compileKeysetListQuery(input, where, createContext(scope, scimErrors.invalidValue, nextAlias));
  // RFC 7644 §3.4.2.3 names no error for sortBy; invalidValue as in src/core/list/sort.ts.
  // Compiled even when only the count is asked for, so a bad sortBy fails the same way.
  const orderBy = compileOrderBy(query.sort, createContext(scope, scimErrors.invalidValue, nextAlias));
  const from = rawSql(`FROM ${tableFor(input.resourceType).table} AS ${ROW_ALIAS} WHERE `);
  const count = countStatement(input, from, where);
  if (query.count <= 0) return { count, page: undefined, keyset: undefined };
  const page = sql`SELECT ${ROW_RESOURCE_SELECT} ${from}${where} ORDER BY ${orderBy} LIMIT ${dialect.rowLimit(query.count)} OFFSET ${parameter(Math.max(query.startIndex, 1) - 1)}`;
  return { count, page, keyset: undefined };
}

/**
 * A cursor page (RFC 9865): the same WHERE, narrowed to the rows past the
 * position, in keyset order, one row more than asked so the response knows
 * whether a next page exists. The count keeps the whole filter, so
 * totalResults is the same on every page.
 */
function compileKeysetListQuery(input: ListQueryInput, where: SqlFragment, context: CompileContext): CompiledListQuery {
  const { dialect, query } = input;
  const keyset = compileKeyset(query.sort, query.keyset?.position, context);
  const from = rawSql(`FROM ${tableFor(input.resourceType).table} AS ${ROW_ALIAS} WHERE `);
  const count = countStatement(input, from, where);
  if (query.count <= 0) return { count, page: undefined, keyset };
  const sortKey = keyset.sortKey === undefined ? rawSql('') : sql`, ${keyset.sortKey} AS ${rawSql(SORT_KEY_COLUMN)}`;
  const condition = keyset.condition === undefined ? rawSql('') : sql` AND ${keyset.condition}`;
  const page = sql`SELECT ${ROW_RESOURCE_SELECT}${sortKey} ${from}${where}${condition} ORDER BY ${keyset.orderBy} LIMIT ${dialect.rowLimit(query.count + 1)}`;
  return { count, page, keyset };
}

/**
 * `totalResults` when the page itself shows it, so the count statement can
 * be skipped: a page that came back short holds the last matching row, so
 * the total is the rows before it plus the rows on it. A lookup by a unique
 * attribute (Okta's `userName eq …` before every create) then costs one
 * statement instead of two. `rowsRead` is what the page statement returned
 * (for keyset paging up to count + 1). Undefined when only the count can tell:
 * a full page, an empty page past the start, or a keyset page after a position.
 */
export function totalFromPage(query: ListQuery, rowsRead: number): number | undefined {
  if (query.count <= 0) return undefined;
  if (query.keyset !== undefined) return query.keyset.position === undefined && rowsRead <= query.count ? rowsRead : undefined;
  if (rowsRead >= query.count) return undefined;
  const offset = Math.max(query.startIndex, 1) - 1;
  return rowsRead > 0 || offset === 0 ? offset + rowsRead : undefined;
}
