/**
 * What differs between SQL databases, and nothing else: the filter and sort
 * compilers build every database-specific expression through these hooks,
 * so adding PostgreSQL means writing one more SqlDialect, not touching the
 * compilers (the shape follows kysely's default/sqlite query compilers).
 */
import { rawSql, sql, type SqlFragment, type SqlParameterValue } from './fragment.js';
import { checkedTablePrefix } from './table-names.js';

/** The SQL type a JSON value is read as. */
export type SqlScalarType = 'string' | 'number' | 'boolean';

/**
 * A value read from JSON. `guard` holds exactly when the value is there and
 * of the JSON type asked for: a number stored in a string attribute never
 * matches a string comparison, as in the in-memory evaluator. Neither
 * expression may raise an error whatever the document holds, so the
 * database is free to evaluate them in any order.
 */
export interface TypedValue {
  readonly value: SqlFragment;
  readonly guard: SqlFragment;
}

/** Builds the assignments of an upsert from references to the existing row's and the proposed row's columns. */
export type DuplicateAssignments = (existing: (column: string) => SqlFragment, proposed: (column: string) => SqlFragment) => SqlFragment;

export interface RowLockOptions {
  /** Leave out rows another transaction holds instead of waiting for them. */
  readonly skipLocked?: boolean;
}

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  /**
   * Whether INSERT, UPDATE and DELETE take a RETURNING clause (SQLite and
   * PostgreSQL; not MySQL, and MariaDB not on UPDATE). Store logic without
   * it changes rows, then reads them back in the same transaction.
   */
  readonly returning: boolean;
  /**
   * Whether text values (and text parameters) may contain U+0000. PostgreSQL
   * text and jsonb cannot, so no stored string holds one there and the
   * compiler decides comparisons with such a value without binding it.
   */
  readonly textCanHoldNul: boolean;
  /**
   * Put before every name Scimitar owns when a statement is rendered
   * ('' for none): see table-names.ts for why there, and the rule.
   */
  readonly tablePrefix: string;
  /** The placeholder of the index-th (1-based) parameter: `?` or `$1`. */
  placeholder(index: number): string;
  /** Converts a compiler value for the driver (SQLite has no boolean type). */
  bindValue(value: SqlParameterValue): unknown;
  /**
   * The row count of a page's LIMIT clause: a whole number the server has
   * already clamped, never client text.
   */
  rowLimit(count: number): SqlFragment;
  /**
   * One term of an ORDER BY with NULLs placed explicitly
   * (`e ASC NULLS LAST`; MySQL has no NULLS FIRST/LAST and writes it with an
   * `e IS NULL` term before).
   */
  orderTerm(expression: SqlFragment, descending: boolean, nullsFirst: boolean): SqlFragment;
  /**
   * The tail of an INSERT that, when a row with the same key exists,
   * updates that row instead: `set` builds the assignments from references
   * to the existing row's and the proposed row's columns
   * (`ON CONFLICT (…) DO UPDATE SET …` / `ON DUPLICATE KEY UPDATE …`).
   */
  onDuplicateUpdate(table: string, conflictColumns: readonly string[], set: DuplicateAssignments): SqlFragment;
  /** The tail of an INSERT that skips rows whose key exists (and only those: other errors still fail). */
  onDuplicateIgnore(conflictColumns: readonly string[]): SqlFragment;
  /**
   * The row lock a SELECT inside a transaction takes, appended to it:
   * `update` the lock an UPDATE of non-key columns takes, `keyShare` the
   * lock a foreign key check takes (PostgreSQL FOR NO KEY UPDATE / FOR KEY
   * SHARE; MySQL FOR UPDATE / LOCK IN SHARE MODE; SQLite nothing, its
   * writer holds the whole database). With `skipLocked`, rows another
   * transaction holds are left out of the result instead of waited for
   * (SKIP LOCKED on PostgreSQL, MySQL 8 and MariaDB 10.6+), so instances
   * sharing a queue each take different rows. Only the rows of the tables
   * in the SELECT's FROM are locked, never those its subqueries read, so
   * a statement that must lock one table reads the others in subqueries.
   */
  rowLock(mode: 'update' | 'keyShare', options?: RowLockOptions): SqlFragment;
  /** A JSON column as the driver returns it (text or already parsed), parsed. */
  decodeJson(value: unknown): unknown;
  /**
   * An aggregate over the rows of a (sub)query: one JSON array holding, per
   * row, the array of `values`, in no particular order; NULL or [] when there
   * are no rows. Read back with decodeJson. It lets one statement bring a
   * row and the rows it owns (one round trip instead of two).
   */
  jsonArrayOfRows(values: readonly SqlFragment[]): SqlFragment;
  /** A boolean column as the driver returns it (1/0 or true/false). */
  decodeBoolean(value: unknown): boolean | null;
  /** A constant condition, for predicates decided at compile time. */
  booleanLiteral(value: boolean): SqlFragment;
  /** The scalar at `keys` inside the JSON document `source`, read as `type`. */
  jsonScalar(source: SqlFragment, keys: readonly string[], type: SqlScalarType): TypedValue;
  /**
   * Whether the JSON value at `keys` is present in the sense of the `pr`
   * operator: it holds, at some depth, a scalar that is neither null nor "".
   * (So "", [], {} and objects of such values are absent.)
   */
  jsonPresent(source: SqlFragment, keys: readonly string[]): SqlFragment;
  /** A FROM item yielding one row per element of the JSON array at `keys` of `source` (no rows when it is absent). */
  jsonArrayElements(source: SqlFragment, keys: readonly string[], alias: string): SqlFragment;
  /** Whether the element is a JSON object: only objects are elements of multi-valued complex attributes. */
  elementIsObject(alias: string): SqlFragment;
  /** The element itself, for arrays of scalars. */
  elementScalar(alias: string, type: SqlScalarType): TypedValue;
  /** Whether a scalar element is present (neither null nor ""). */
  elementScalarPresent(alias: string): SqlFragment;
  /**
   * Whether the element (of the array in `source`) is present as
   * `jsonPresent` defines it, whatever its JSON type: an object element is
   * present when some member is.
   */
  elementPresent(source: SqlFragment, alias: string): SqlFragment;
  /** Member `key` of the element (from the array in `source`); absent when the element is not an object. */
  elementField(source: SqlFragment, alias: string, key: string, type: SqlScalarType): TypedValue;
  /** Whether member `key` of the element is present, as `jsonPresent` defines it. */
  elementFieldPresent(source: SqlFragment, alias: string, key: string): SqlFragment;
  /** The element's position in its array, ascending from the first element (only ever used for ordering). */
  elementPosition(alias: string): SqlFragment;
  /** Case folding that agrees with JavaScript's `toLowerCase()` (the in-memory evaluator's). */
  caseFold(expression: SqlFragment): SqlFragment;
  /**
   * Substring, prefix and suffix tests (`co`, `sw`, `ew`). Both sides are
   * already case-folded when the attribute is case-insensitive, so these are
   * exact tests and the client's text is literal: no wildcard in it may
   * count (PostgreSQL: strpos / starts_with / right; SQLite: see its dialect
   * for why not LIKE).
   */
  contains(expression: SqlFragment, needle: SqlFragment): SqlFragment;
  startsWith(expression: SqlFragment, prefix: SqlFragment): SqlFragment;
  endsWith(expression: SqlFragment, suffix: SqlFragment): SqlFragment;
}

const prefixedDialects = new WeakMap<SqlDialect, Map<string, SqlDialect>>();

/**
 * `dialect` naming Scimitar's tables under `prefix`. One object per dialect
 * and prefix, however many stores open: rendered statements are kept per
 * dialect object (fragment.ts), so each store opened must not start a new set.
 */
export function withTablePrefix(dialect: SqlDialect, prefix: string): SqlDialect {
  checkedTablePrefix(prefix);
  if (prefix === dialect.tablePrefix) return dialect;
  let byPrefix = prefixedDialects.get(dialect);
  if (byPrefix === undefined) {
    byPrefix = new Map();
    prefixedDialects.set(dialect, byPrefix);
  }
  let prefixed = byPrefix.get(prefix);
  if (prefixed === undefined) {
    prefixed = Object.freeze({ ...dialect, tablePrefix: prefix });
    byPrefix.set(prefix, prefixed);
  }
  return prefixed;
}

/** `e ASC NULLS LAST`: both SQLite (3.30+) and PostgreSQL write NULL placement in the term itself. */
export function standardOrderTerm(expression: SqlFragment, descending: boolean, nullsFirst: boolean): SqlFragment {
  return sql`${expression} ${rawSql(`${descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}`)}`;
}
