/**
 * Keyset paging for RFC 9865 cursors: the page after (or before) a row is
 * the rows whose (sort key, id) come strictly after (before) that row's in
 * the ORDER BY, read with `LIMIT count + 1` and no OFFSET. The condition
 * is a prefix of the order, so the database walks its index from the
 * position instead of skipping rows, and a row created or deleted elsewhere
 * never shifts which rows the next page holds.
 *
 * The order is the list order of sort-compiler.ts: the sort key ASC NULLS
 * LAST (or DESC NULLS FIRST), then id ascending. Reading backwards reverses
 * every column, and the page is put back in order in memory.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { KeysetBoundary, KeysetPage, KeysetPosition, SortKeyValue, SortSpec } from '../store.js';
import { ROW_ALIAS, type CompileContext } from './context.js';
import type { SqlDialect, SqlScalarType } from './dialect.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import { compileKeysetSortKey, type KeysetSortKey } from './sort-compiler.js';

/** The column of the page statement that carries each row's sort key. */
export const SORT_KEY_COLUMN = 'sort_key';

/** One column of the order, with the value of the position being compared against. */
interface OrderedColumn {
  readonly expression: SqlFragment;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  readonly nullable: boolean;
  readonly value: SortKeyValue;
}

/** The keyset parts of a page statement. */
export interface CompiledKeyset {
  /** `AND …` after the WHERE clause, or undefined on the first page. */
  readonly condition: SqlFragment | undefined;
  readonly orderBy: SqlFragment;
  /** The sort key to select as SORT_KEY_COLUMN, or undefined without sortBy. */
  readonly sortKey: SqlFragment | undefined;
  /** True when the rows come in reverse order (a page before the position). */
  readonly reversed: boolean;
  /** The sort key's JSON type, for reading it back from a row. */
  readonly valueType: SqlScalarType | undefined;
}

function invalidCursor(reason: string) {
  return scimErrors.invalidCursor(`${reason} (RFC 9865 §2)`);
}

/**
 * The position's values, checked against what the sort key can hold: a
 * cursor is client input, and a value of the wrong type would otherwise
 * reach the database as a parameter it cannot compare (a PostgreSQL error).
 */
function checkedPosition(position: KeysetPosition, key: KeysetSortKey | undefined, dialect: SqlDialect): KeysetPosition {
  if (!dialect.textCanHoldNul && position.id.includes('\u0000')) throw invalidCursor('the cursor names no resource');
  if (key === undefined) {
    if (position.sortValue !== undefined) throw invalidCursor('the cursor was issued for a sorted query');
    return position;
  }
  const value = position.sortValue;
  if (value === undefined) throw invalidCursor('the cursor was issued for an unsorted query');
  if (value === null) return position;
  const fits =
    (key.valueType === 'string' && typeof value === 'string' && (dialect.textCanHoldNul || !value.includes('\u0000'))) ||
    (key.valueType === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (key.valueType === 'boolean' && typeof value === 'boolean');
  if (!fits) throw invalidCursor('the cursor holds a sort value of the wrong type');
  return position;
}

/**
 * Rows strictly after `columns`' values in their lexicographic order.
 * `c >= v AND (c > v OR rest)` rather than `c > v OR (c = v AND rest)`:
 * the leading range is what lets the database start from the index.
 */
function strictlyAfter(columns: readonly OrderedColumn[], index: number, dialect: SqlDialect): SqlFragment {
  const column = columns[index];
  if (column === undefined) return dialect.booleanLiteral(false);
  const isLast = index === columns.length - 1;
  const c = column.expression;
  if (column.value === null) {
    // At a row without a value: the other rows without one follow by the later columns;
    // rows with a value follow only when absent values sort first.
    const sameKey = isLast ? dialect.booleanLiteral(false) : sql`(${c} IS NULL AND ${strictlyAfter(columns, index + 1, dialect)})`;
    return column.nullsFirst ? sql`(${sameKey} OR ${c} IS NOT NULL)` : sameKey;
  }
  const value = parameter(column.value);
  const beyond = rawSql(column.descending ? '<' : '>');
  const atOrBeyond = rawSql(column.descending ? '<=' : '>=');
  const past = isLast ? sql`${c} ${beyond} ${value}` : sql`(${c} ${atOrBeyond} ${value} AND (${c} ${beyond} ${parameter(column.value)} OR ${strictlyAfter(columns, index + 1, dialect)}))`;
  // Rows without a value come after every row with one when they sort last.
  return column.nullable && !column.nullsFirst ? sql`(${past} OR ${c} IS NULL)` : past;
}

function orderByClause(columns: readonly Omit<OrderedColumn, 'value'>[], dialect: SqlDialect): SqlFragment {
  return joinSql(
    columns.map((column) => dialect.orderTerm(column.expression, column.descending, column.nullsFirst)),
    ', ',
  );
}

/**
 * The condition, order and sort key of a keyset page. `context.unsupported`
 * reports a sortBy keyset paging cannot follow (multi-valued attributes).
 */
export function compileKeyset(sort: SortSpec | undefined, position: KeysetPosition | undefined, context: CompileContext): CompiledKeyset {
  const key = sort === undefined ? undefined : compileKeysetSortKey(sort, context);
  const checked = position === undefined ? undefined : checkedPosition(position, key, context.dialect);
  const reversed = checked?.direction === 'before';
  const descending = sort?.order === 'descending';
  const columns: Omit<OrderedColumn, 'value'>[] = [];
  // Ascending: NULLS LAST; descending: NULLS FIRST (RFC 7644 §3.4.2.3); id ascending breaks ties.
  if (key !== undefined) columns.push({ expression: key.expression, descending: descending !== reversed, nullsFirst: descending !== reversed, nullable: key.nullable });
  columns.push({ expression: rawSql(`${ROW_ALIAS}.id`), descending: reversed, nullsFirst: false, nullable: false });
  let condition: SqlFragment | undefined;
  if (checked !== undefined) {
    const values: SortKeyValue[] = key === undefined ? [checked.id] : [checked.sortValue ?? null, checked.id];
    const withValues = columns.map((column, index) => ({ ...column, value: values[index] ?? null }));
    condition = strictlyAfter(withValues, 0, context.dialect);
  }
  return { condition, orderBy: orderByClause(columns, context.dialect), sortKey: key?.expression, reversed, valueType: key?.valueType };
}

/** A sort key as the driver returned it, in the form cursors carry (PostgreSQL numeric arrives as text, SQLite booleans as 0/1). */
function readSortValue(raw: unknown, valueType: SqlScalarType | undefined): SortKeyValue | undefined {
  if (valueType === undefined) return undefined;
  if (raw === null || raw === undefined) return null;
  switch (valueType) {
    case 'number':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : raw === 1 || raw === '1';
    case 'string':
      return String(raw);
  }
}

/**
 * The page from the rows a keyset statement returned (up to count + 1, in
 * statement order): the first `count` in list order, and whether more lie
 * beyond each end.
 */
export function keysetPage<Row extends { readonly id: string }>(
  rows: readonly Row[],
  count: number,
  position: KeysetPosition | undefined,
  keyset: CompiledKeyset,
  sortValueOf: (row: Row) => unknown,
): { readonly rows: readonly Row[]; readonly page: KeysetPage } {
  const more = rows.length > count;
  const inOrder = keyset.reversed ? rows.slice(0, count).reverse() : rows.slice(0, count);
  const boundary = (row: Row | undefined): KeysetBoundary | undefined =>
    row === undefined ? undefined : { sortValue: readSortValue(sortValueOf(row), keyset.valueType), id: row.id };
  return {
    rows: inOrder,
    page: {
      first: boundary(inOrder[0]),
      last: boundary(inOrder[inOrder.length - 1]),
      // A page read after a position has that position's row before it, and one read before has it after.
      hasNext: keyset.reversed ? true : more,
      hasPrevious: keyset.reversed ? more : position !== undefined,
    },
  };
}
