/**
 * PostgreSQL (15+) for the filter and sort compilers, over the schema of
 * src/store/postgres/migrations: `attributes` is jsonb, text columns are
 * declared COLLATE "C", booleans are boolean.
 *
 * Ordering. SQLite compares text with BINARY, i.e. UTF-8 byte order, which
 * is code-point order, the evaluator's (compareCodePoints). The "C"
 * collation is byte order, so every text value the compilers compare or
 * sort carries it: columns by their declaration, JSON text and folded text
 * by an explicit COLLATE "C" here (an explicit collation wins over the
 * implicit one of a column or a parameter).
 *
 * Case folding. The in-memory evaluator folds with JavaScript's
 * `toLowerCase()`, the full Unicode lower-case mapping (İ → i̇, a final Σ →
 * ς). PostgreSQL's lower() uses the collation of its argument: with "C" it
 * folds ASCII only, with a libc locale it maps one character at a time
 * (İ → i, Σ → σ always). With an ICU collation it calls ICU's u_strToLower,
 * the same full mapping V8 uses, so `icu` mode folds through "und-x-icu"
 * (the root locale, present whenever PostgreSQL is built with ICU) and
 * agrees with JavaScript except for characters whose case mapping is newer
 * than the server's ICU. The indexed `*_ci` columns and the bound values
 * are folded in JavaScript and never go through here. Without ICU,
 * `database` mode falls back to lower() under the database's LC_CTYPE,
 * with the differences above (and ASCII-only folding under a C ctype).
 *
 * NUL. PostgreSQL text and jsonb cannot hold U+0000, so `textCanHoldNul`
 * is false: the compiler decides comparisons with such a value itself.
 */
import { standardOrderTerm, type DuplicateAssignments, type RowLockOptions, type SqlDialect, type SqlScalarType, type TypedValue } from '../dialect.js';
import { joinSql, parameter, quoteSqlString, rawSql, sql, type SqlFragment, type SqlParameterValue } from '../fragment.js';

/** How `caseFold` folds: through ICU's root locale (agrees with JavaScript), or lower() under the database's LC_CTYPE. */
export type PostgresCaseFolding = 'icu' | 'database';

/** The ICU collation of the root locale, created by initdb on every PostgreSQL built with ICU. */
export const POSTGRES_ICU_ROOT_COLLATION = 'und-x-icu';

/** Refuses a key that cannot be written inside a quoted text[] element or jsonpath string as-is. */
function checkedKey(key: string): string {
  // RFC 7643 §2.1 ATTRNAME is ALPHA / DIGIT / "-" / "_" / "$", and URNs exclude '"' and '\'.
  if (/["\\\u0000-\u001f]/.test(key)) throw new TypeError(`Attribute name ${JSON.stringify(key)} cannot be used in a JSON path`);
  return key;
}

/** `'{"name","familyName"}'`: a text[] path for #> and #>>, as a SQL string literal. */
export function postgresTextPath(keys: readonly string[]): string {
  return quoteSqlString(`{${keys.map((key) => `"${checkedKey(key)}"`).join(',')}}`);
}

/** `$."name"."familyName"`: the same path as a jsonpath (lax mode, the default). */
function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((key) => `."${checkedKey(key)}"`).join('')}`;
}

function checkedAlias(alias: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(alias)) throw new TypeError(`Invalid SQL alias ${JSON.stringify(alias)}`);
  return alias;
}

/** The jsonb_typeof() of a JSON value read as `type`. */
const JSON_TYPES: Readonly<Record<SqlScalarType, string>> = { string: 'string', number: 'number', boolean: 'boolean' };

/**
 * A JSON value read as `type`: `json` is the jsonb value, `text` the same
 * value through the text-returning operator (#>>, ->>). jsonb_typeof() is
 * NULL for an absent path, and the guard must then be false, not NULL, or
 * NOT (…) would drop the row. Numbers and booleans are cast inside a CASE:
 * a bare cast of a string raises an error, and PostgreSQL may evaluate the
 * operands of AND in any order, whereas CASE evaluates a branch only when
 * it is chosen.
 */
function typedJson(json: SqlFragment, text: SqlFragment, type: SqlScalarType): TypedValue {
  const guard = sql`COALESCE(jsonb_typeof(${json}), 'null') = ${rawSql(quoteSqlString(JSON_TYPES[type]))}`;
  switch (type) {
    case 'string':
      return { value: sql`(${text}) COLLATE "C"`, guard };
    case 'number':
      return { value: sql`CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric END`, guard };
    case 'boolean':
      return { value: sql`CASE WHEN jsonb_typeof(${json}) = 'boolean' THEN (${json})::boolean END`, guard };
  }
}

/**
 * A scalar other than null and "" at any depth (jsonpath's `.**` includes
 * the item itself). Comparisons of a non-string with "" are unknown in
 * jsonpath, hence the type tests.
 */
const PRESENT_LEAF = `? (@.type() == "string" && @ != "" || @.type() == "number" || @.type() == "boolean")`;

/** `json @? '<path>.** ? (…)'`: never NULL for a non-NULL document (lax mode ignores missing members). */
function presentAt(json: SqlFragment, keys: readonly string[]): SqlFragment {
  return sql`${json} @? ${rawSql(quoteSqlString(`${jsonPath(keys)}.** ${PRESENT_LEAF}`))}`;
}

/** Member `key` of the element; -> and ->> on an element that is not an object are NULL, never an error. */
function elementMember(alias: string, key: string, type: SqlScalarType): TypedValue {
  const member = `${checkedAlias(alias)}.value`;
  const name = quoteSqlString(checkedKey(key));
  return typedJson(rawSql(`${member} -> ${name}`), rawSql(`${member} ->> ${name}`), type);
}

export function createPostgresDialect(caseFolding: PostgresCaseFolding): SqlDialect {
  const foldCollation = caseFolding === 'icu' ? `"${POSTGRES_ICU_ROOT_COLLATION}"` : '"default"';
  return Object.freeze({
    name: 'postgres',
    textCanHoldNul: false,
    tablePrefix: '',
    returning: true,
    onDuplicateUpdate: (table: string, conflictColumns: readonly string[], set: DuplicateAssignments) =>
      sql` ON CONFLICT (${rawSql(conflictColumns.join(', '))}) DO UPDATE SET ${set(
        (column: string) => rawSql(`${table}.${column}`),
        (column: string) => rawSql(`EXCLUDED.${column}`),
      )}`,
    onDuplicateIgnore: (conflictColumns: readonly string[]) => rawSql(` ON CONFLICT (${conflictColumns.join(', ')}) DO NOTHING`),
    rowLock: (mode: 'update' | 'keyShare', options?: RowLockOptions) =>
      rawSql(`${mode === 'update' ? ' FOR NO KEY UPDATE' : ' FOR KEY SHARE'}${options?.skipLocked === true ? ' SKIP LOCKED' : ''}`),
    // jsonb arrives parsed; json text would arrive as a string.
    decodeJson: (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value),
    decodeBoolean: (value: unknown): boolean | null => (value === null || value === undefined ? null : value === true),
    // json, not jsonb: the array is only carried to the client, never searched, and json is built without normalising.
    jsonArrayOfRows: (values: readonly SqlFragment[]) => sql`json_agg(json_build_array(${joinSql(values, ', ')}))`,
    placeholder: (index: number) => `$${index}`,
    // node-postgres sends booleans as true/false and numbers as their decimal text.
    bindValue: (value: SqlParameterValue): unknown => value,
    booleanLiteral: (value: boolean) => rawSql(value ? 'true' : 'false'),
    rowLimit: (count: number) => parameter(count),
    orderTerm: standardOrderTerm,
    jsonScalar: (source: SqlFragment, keys: readonly string[], type: SqlScalarType): TypedValue => {
      const path = rawSql(postgresTextPath(keys));
      return typedJson(sql`${source} #> ${path}`, sql`${source} #>> ${path}`, type);
    },
    jsonPresent: (source: SqlFragment, keys: readonly string[]) => presentAt(source, keys),
    // Lax jsonpath `[*]` yields the elements of an array and a non-array value
    // as its only element, and nothing for an absent one: exactly how the
    // evaluator flattens the values of a path (evaluate.ts, valuesAt).
    jsonArrayElements: (source: SqlFragment, keys: readonly string[], alias: string) =>
      sql`jsonb_path_query(${source}, ${rawSql(quoteSqlString(`${jsonPath(keys)}[*]`))}) WITH ORDINALITY AS ${rawSql(checkedAlias(alias))}(value, position)`,
    elementIsObject: (alias: string) => rawSql(`jsonb_typeof(${checkedAlias(alias)}.value) = 'object'`),
    // #>> '{}' is the text of the element itself (a JSON string without its quotes).
    elementScalar: (alias: string, type: SqlScalarType): TypedValue => {
      const name = checkedAlias(alias);
      return typedJson(rawSql(`${name}.value`), rawSql(`${name}.value #>> '{}'`), type);
    },
    elementScalarPresent: (alias: string) => {
      const name = checkedAlias(alias);
      return rawSql(`(jsonb_typeof(${name}.value) IN ('string', 'number', 'boolean') AND ${name}.value <> '""')`);
    },
    elementPresent: (_source: SqlFragment, alias: string) => presentAt(rawSql(`${checkedAlias(alias)}.value`), []),
    // The member is read from the element itself; `source` (the document) is what SQLite needs.
    elementField: (_source: SqlFragment, alias: string, key: string, type: SqlScalarType): TypedValue => elementMember(alias, key, type),
    elementFieldPresent: (_source: SqlFragment, alias: string, key: string) => presentAt(rawSql(`${checkedAlias(alias)}.value`), [key]),
    elementPosition: (alias: string) => rawSql(`${checkedAlias(alias)}.position`),
    caseFold: (expression: SqlFragment) => sql`lower(${expression} COLLATE ${rawSql(foldCollation)}) COLLATE "C"`,
    // strpos, starts_with and right() compare characters exactly, with no
    // wildcards, so the client's text is literal (no LIKE escaping needed).
    contains: (expression: SqlFragment, needle: SqlFragment) => sql`strpos(${expression}, ${needle}) > 0`,
    startsWith: (expression: SqlFragment, prefix: SqlFragment) => sql`starts_with(${expression}, ${prefix})`,
    // right(s, n) is all of s when n exceeds its length, and '' for n = 0 ("ew ''" matches every string).
    endsWith: (expression: SqlFragment, suffix: SqlFragment) => sql`right(${expression}, length(${suffix})) = ${suffix}`,
  });
}

/** The dialect of a PostgreSQL built with ICU (the official packages and images are). */
export const postgresDialect: SqlDialect = createPostgresDialect('icu');
