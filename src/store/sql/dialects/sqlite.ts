import { standardOrderTerm, type DuplicateAssignments, type SqlDialect, type SqlScalarType, type TypedValue } from '../dialect.js';
import { joinSql, quoteSqlString, rawSql, sql, type SqlFragment, type SqlParameterValue } from '../fragment.js';

function checkedRowLimit(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new TypeError(`Invalid row limit ${String(count)}`);
  return count;
}

/** The SQL function the SQLite adapter registers: JavaScript `toLowerCase()`, deterministic. */
export const SQLITE_CASE_FOLD_FUNCTION = 'scim_lower';

function pathLabels(keys: readonly string[]): string {
  return keys
    .map((key) => {
      // SQLite path labels have no escape for '"'; schema names never contain one
      // (RFC 7643 §2.1 ATTRNAME is ALPHA / DIGIT / "-" / "_" / "$", URNs exclude '"').
      if (key.includes('"') || /[\u0000-\u001f]/.test(key)) throw new TypeError(`Attribute name ${JSON.stringify(key)} cannot be used in a JSON path`);
      return `."${key}"`;
    })
    .join('');
}

/** `'$."name"."givenName"'`: a JSON path as a SQL string literal. */
export function sqliteJsonPath(keys: readonly string[]): string {
  return quoteSqlString(`$${pathLabels(keys)}`);
}

function checkedAlias(alias: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(alias)) throw new TypeError(`Invalid SQL alias ${JSON.stringify(alias)}`);
  return alias;
}

/** The json_type() values of a JSON value read as `type`. */
function jsonTypes(type: SqlScalarType): string {
  switch (type) {
    case 'string':
      return `= 'text'`;
    case 'number':
      return `IN ('integer', 'real')`;
    case 'boolean':
      return `IN ('true', 'false')`;
  }
}

/** json_type() is NULL for an absent path; the guard must still be false, not NULL, or NOT (…) would drop the row. */
function typeGuard(jsonType: SqlFragment, type: SqlScalarType): SqlFragment {
  return sql`COALESCE(${jsonType}, 'null') ${rawSql(jsonTypes(type))}`;
}

/** A json_tree() row that is a scalar other than null and "". */
const PRESENT_LEAF = `p.atom IS NOT NULL AND p.atom <> ''`;

/**
 * The path of member `key` of the element, as SQL text: json_each's
 * `fullkey` locates the element in the document, so the member is read from
 * the document itself. Unlike json_extract(element.value, …), this never
 * fails on an element that is not an object (its member is simply absent).
 */
function elementMemberPath(alias: string, key: string): string {
  return `${checkedAlias(alias)}.fullkey || ${quoteSqlString(pathLabels([key]))}`;
}

export const sqliteDialect: SqlDialect = Object.freeze({
  name: 'sqlite',
  textCanHoldNul: true,
  tablePrefix: '',
  returning: true,
  onDuplicateUpdate: (table: string, conflictColumns: readonly string[], set: DuplicateAssignments) =>
    sql` ON CONFLICT (${rawSql(conflictColumns.join(', '))}) DO UPDATE SET ${set(
      (column: string) => rawSql(`${table}.${column}`),
      (column: string) => rawSql(`excluded.${column}`),
    )}`,
  onDuplicateIgnore: (conflictColumns: readonly string[]) => rawSql(` ON CONFLICT (${conflictColumns.join(', ')}) DO NOTHING`),
  rowLock: () => rawSql(''),
  decodeJson: (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value),
  decodeBoolean: (value: unknown): boolean | null => (value === null || value === undefined ? null : value === 1 || value === true),
  jsonArrayOfRows: (values: readonly SqlFragment[]) => sql`json_group_array(json_array(${joinSql(values, ', ')}))`,
  placeholder: () => '?',
  bindValue(value: SqlParameterValue): unknown {
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
  },
  booleanLiteral: (value: boolean) => rawSql(value ? '1' : '0'),
  // Written into the text, not bound. SQLite compiles a statement again on its
  // next step whenever a parameter that may steer the plan is bound (see
  // sqlite3_prepare_v2), and a LIMIT is one: bound, every page statement was
  // compiled again on every execution, which doubled the cost of a userName
  // lookup. Clients use a few page sizes; the LRU statement cache holds them.
  rowLimit: (count: number) => rawSql(String(checkedRowLimit(count))),
  orderTerm: standardOrderTerm,
  // json_extract returns TEXT for strings, INTEGER/REAL for numbers and 1/0 for booleans.
  jsonScalar: (source: SqlFragment, keys: readonly string[], type: SqlScalarType): TypedValue => {
    const path = rawSql(sqliteJsonPath(keys));
    return { value: sql`json_extract(${source}, ${path})`, guard: typeGuard(sql`json_type(${source}, ${path})`, type) };
  },
  // json_tree walks the value and everything below it, so one EXISTS covers scalars, arrays and objects.
  jsonPresent: (source: SqlFragment, keys: readonly string[]) =>
    sql`EXISTS (SELECT 1 FROM json_tree(${source}, ${rawSql(sqliteJsonPath(keys))}) AS p WHERE ${rawSql(PRESENT_LEAF)})`,
  jsonArrayElements: (source: SqlFragment, keys: readonly string[], alias: string) =>
    sql`json_each(${source}, ${rawSql(sqliteJsonPath(keys))}) AS ${rawSql(checkedAlias(alias))}`,
  elementIsObject: (alias: string) => rawSql(`${checkedAlias(alias)}.type = 'object'`),
  elementScalar: (alias: string, type: SqlScalarType): TypedValue => {
    const name = checkedAlias(alias);
    return { value: rawSql(`${name}.atom`), guard: rawSql(`${name}.type ${jsonTypes(type)}`) };
  },
  elementScalarPresent: (alias: string) => {
    const name = checkedAlias(alias);
    return rawSql(`(${name}.atom IS NOT NULL AND ${name}.atom <> '')`);
  },
  // json_each's atom is NULL for an object or array element, so the element is walked from its place in the document.
  elementPresent: (source: SqlFragment, alias: string) =>
    sql`EXISTS (SELECT 1 FROM json_tree(${source}, ${rawSql(`${checkedAlias(alias)}.fullkey`)}) AS p WHERE ${rawSql(PRESENT_LEAF)})`,
  elementField: (source: SqlFragment, alias: string, key: string, type: SqlScalarType): TypedValue => {
    const path = rawSql(elementMemberPath(alias, key));
    return { value: sql`json_extract(${source}, ${path})`, guard: typeGuard(sql`json_type(${source}, ${path})`, type) };
  },
  elementFieldPresent: (source: SqlFragment, alias: string, key: string) =>
    sql`EXISTS (SELECT 1 FROM json_tree(${source}, ${rawSql(elementMemberPath(alias, key))}) AS p WHERE ${rawSql(PRESENT_LEAF)})`,
  elementPosition: (alias: string) => rawSql(`${checkedAlias(alias)}.key`),
  caseFold: (expression: SqlFragment) => sql`${rawSql(SQLITE_CASE_FOLD_FUNCTION)}(${expression})`,
  // SQLite's LIKE and length() stop at the first NUL character, and LIKE
  // folds ASCII case on its own; instr() and BLOB comparisons use the whole
  // UTF-8 bytes, so these tests are exact for any text. A UTF-8 byte suffix
  // of valid text starts on a character boundary, so byte and character
  // suffixes agree.
  contains: (expression: SqlFragment, needle: SqlFragment) => sql`instr(${expression}, ${needle}) > 0`,
  startsWith: (expression: SqlFragment, prefix: SqlFragment) => sql`instr(${expression}, ${prefix}) = 1`,
  // substr() of an empty BLOB is NULL, hence the COALESCE.
  endsWith: (expression: SqlFragment, suffix: SqlFragment) =>
    sql`COALESCE(substr(CAST(${expression} AS BLOB), length(CAST(${expression} AS BLOB)) - length(CAST(${suffix} AS BLOB)) + 1), X'') = CAST(${suffix} AS BLOB)`,
});
