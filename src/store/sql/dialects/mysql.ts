/**
 * MySQL (8.0.20+) and MariaDB (10.11+) for the filter and sort compilers,
 * over the schema of src/store/mysql/migrations. The driver
 * (src/store/mysql) runs every connection with ANSI_QUOTES ("groups" is an
 * identifier; GROUPS is reserved in MySQL 8) and NO_BACKSLASH_ESCAPES (the
 * JSON paths written here are plain SQL strings), and binds every value as
 * a parameter of a prepared statement.
 *
 * Ordering and equality. Every text column, the connection and the JSON
 * text read here carry the engine's binary collation WITHOUT pad
 * (`utf8mb4_nopad_bin` on MariaDB, `utf8mb4_0900_bin` on MySQL): code-point
 * order, as SQLite's BINARY and PostgreSQL's "C", and 'a' <> 'a ' (the older
 * `utf8mb4_bin` pads, so it would call a userName equal to itself plus a
 * trailing space). The engines name that collation differently, hence
 * `createMysqlDialect(collations, engine)`.
 *
 * Case folding. The in-memory evaluator folds with JavaScript's
 * `toLowerCase()` (full Unicode mapping). LOWER() maps one character at a
 * time with the tables of the collation of its argument: MySQL's
 * utf8mb4_0900_ai_ci knows Unicode 9, MariaDB's utf8mb4_unicode_520_ci
 * Unicode 5.2 (the bin collations only the BMP of an older table). So they
 * differ from JavaScript on İ (JavaScript: i̇, two characters), a final Σ
 * (always σ here, ς in JavaScript), and letters whose case pair is newer than
 * the table (Cherokee, Georgian Mtavruli, Osage, …). Only JSON attributes
 * fold here: the indexed `*_ci` columns and every bound value are folded in
 * JavaScript. The differential test (test/store/mysql/differential.test.ts)
 * pins these differences.
 *
 * NUL. Text and JSON hold U+0000 (as \u0000 in JSON text), so
 * `textCanHoldNul` is true.
 *
 * JSON. MariaDB's JSON is LONGTEXT checked by JSON_VALID, MySQL's a binary
 * type; JSON_EXTRACT, JSON_UNQUOTE, JSON_TYPE and JSON_TABLE behave alike
 * on both for what is used here. JSON_TYPE names numbers INTEGER or DOUBLE
 * (MariaDB) and also DECIMAL or UNSIGNED INTEGER (MySQL).
 */
import type { DuplicateAssignments, RowLockOptions, SqlDialect, SqlScalarType, TypedValue } from '../dialect.js';
import { joinSql, quoteSqlString, rawSql, sql, type SqlFragment, type SqlParameterValue } from '../fragment.js';

/** The collations the dialect names: which differ between MySQL and MariaDB. */
export interface MysqlCollations {
  /** Code-point order without pad: the collation of every text column and of the connection. */
  readonly text: string;
  /** The collation whose LOWER() is closest to JavaScript's `toLowerCase()`. */
  readonly caseFold: string;
}

export const MARIADB_COLLATIONS: MysqlCollations = Object.freeze({ text: 'utf8mb4_nopad_bin', caseFold: 'utf8mb4_unicode_520_ci' });
export const MYSQL_COLLATIONS: MysqlCollations = Object.freeze({ text: 'utf8mb4_0900_bin', caseFold: 'utf8mb4_0900_ai_ci' });

/** The collations of the server whose `SELECT VERSION()` is `version` (MariaDB says so in it). */
export function mysqlCollationsFor(version: string): MysqlCollations {
  return /mariadb/i.test(version) ? MARIADB_COLLATIONS : MYSQL_COLLATIONS;
}

function checkedKey(key: string): string {
  // RFC 7643 §2.1 ATTRNAME is ALPHA / DIGIT / "-" / "_" / "$", and URNs exclude '"' and '\'.
  if (/["\\\u0000-\u001f]/.test(key)) throw new TypeError(`Attribute name ${JSON.stringify(key)} cannot be used in a JSON path`);
  return key;
}

/** `'$."name"."familyName"'`: a JSON path as a SQL string literal. */
export function mysqlJsonPath(keys: readonly string[], tail = ''): string {
  return quoteSqlString(`$${keys.map((key) => `."${checkedKey(key)}"`).join('')}${tail}`);
}

function checkedAlias(alias: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(alias)) throw new TypeError(`Invalid SQL alias ${JSON.stringify(alias)}`);
  return alias;
}

function checkedRowLimit(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new TypeError(`Invalid row limit ${String(count)}`);
  return count;
}

/** The JSON_TYPE() names of a JSON value read as `type`, on either engine. */
const JSON_TYPES: Readonly<Record<SqlScalarType, string>> = {
  string: `IN ('STRING')`,
  number: `IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL')`,
  boolean: `IN ('BOOLEAN')`,
};
const SCALAR_TYPES = `IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN')`;

/**
 * A JSON value (`json`, JSON text or MySQL's JSON type) read as `type`.
 * JSON_TYPE() is NULL for an absent path; the guard must then be false, not
 * NULL, or NOT (…) would drop the row. Numbers and booleans are converted
 * inside a CASE, so a value of another type is never converted at all.
 */
function typedJson(json: SqlFragment, type: SqlScalarType, collations: MysqlCollations): TypedValue {
  const guard = sql`COALESCE(JSON_TYPE(${json}), 'NULL') ${rawSql(JSON_TYPES[type])}`;
  switch (type) {
    case 'string':
      return { value: sql`JSON_UNQUOTE(${json}) COLLATE ${rawSql(collations.text)}`, guard };
    case 'number':
      return { value: sql`CASE WHEN JSON_TYPE(${json}) ${rawSql(JSON_TYPES.number)} THEN CAST(JSON_UNQUOTE(${json}) AS DOUBLE) END`, guard };
    case 'boolean':
      return { value: sql`CASE WHEN JSON_TYPE(${json}) = 'BOOLEAN' THEN JSON_UNQUOTE(${json}) COLLATE ${rawSql(collations.text)} = 'true' END`, guard };
  }
}

/**
 * Whether the JSON value at `path` (a SQL string literal) of `json` holds a
 * scalar other than null and "" at any depth: the value itself, every
 * member of every object below it (`**.*`) and every element of every array
 * below it (`**[*]`), gathered by one JSON_EXTRACT into an array and
 * walked by JSON_TABLE. SCIM values nest at most three levels, but the walk
 * does not rely on it.
 */
function presentAt(json: SqlFragment, keys: readonly string[]): SqlFragment {
  const paths = [mysqlJsonPath(keys), mysqlJsonPath(keys, '**.*'), mysqlJsonPath(keys, '**[*]')].join(', ');
  return sql`EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(${json}, ${rawSql(paths)}), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE ${rawSql(PRESENT_LEAF)})`;
}

/** A leaf of presentAt's walk that is a scalar other than null and "". */
const PRESENT_LEAF = `JSON_TYPE(p.leaf) ${SCALAR_TYPES} AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0)`;

/** Builds the ORDER BY term: MySQL has no NULLS FIRST/LAST and sorts NULL first ascending, last descending. */
function orderTerm(expression: SqlFragment, descending: boolean, nullsFirst: boolean): SqlFragment {
  const direction = rawSql(descending ? 'DESC' : 'ASC');
  if (nullsFirst !== descending) return sql`${expression} ${direction}`;
  return sql`(${expression} IS NULL) ${rawSql(nullsFirst ? 'DESC' : 'ASC')}, ${expression} ${direction}`;
}

/**
 * The clause of a shared row lock: MySQL 8 writes it FOR SHARE (which takes
 * SKIP LOCKED; its older LOCK IN SHARE MODE does not), MariaDB only knows
 * LOCK IN SHARE MODE (which takes SKIP LOCKED there).
 */
const SHARE_LOCK: Readonly<Record<'mariadb' | 'mysql', string>> = { mariadb: ' LOCK IN SHARE MODE', mysql: ' FOR SHARE' };

export function createMysqlDialect(collations: MysqlCollations, engine: 'mariadb' | 'mysql'): SqlDialect {
  const element = (alias: string): SqlFragment => rawSql(`${checkedAlias(alias)}.value`);
  return Object.freeze({
    name: 'mysql',
    textCanHoldNul: true,
    tablePrefix: '',
    // MySQL has no RETURNING; MariaDB has it on INSERT and DELETE but not UPDATE.
    returning: false,
    // VALUES(column) names the proposed row on both engines (MySQL 8.0.20+
    // deprecates it in favour of a row alias MariaDB does not know, but keeps it).
    onDuplicateUpdate: (table: string, _conflictColumns: readonly string[], set: DuplicateAssignments) =>
      sql` ON DUPLICATE KEY UPDATE ${set(
        (column: string) => rawSql(`${table}.${column}`),
        (column: string) => rawSql(`VALUES(${column})`),
      )}`,
    // An assignment that changes nothing, not INSERT IGNORE: IGNORE would
    // also turn a missing foreign key, a NULL in a NOT NULL column or an
    // over-long value into a warning. The first key column assigned to
    // itself is enough for MySQL to leave the row as it is.
    onDuplicateIgnore: (conflictColumns: readonly string[]) => {
      const first = conflictColumns[0];
      if (first === undefined) throw new TypeError('onDuplicateIgnore needs the key columns');
      return rawSql(` ON DUPLICATE KEY UPDATE ${first} = ${first}`);
    },
    // SKIP LOCKED: MySQL 8.0.1+, MariaDB 10.6+ (after either lock clause).
    rowLock: (mode: 'update' | 'keyShare', options?: RowLockOptions) =>
      rawSql(`${mode === 'update' ? ' FOR UPDATE' : SHARE_LOCK[engine]}${options?.skipLocked === true ? ' SKIP LOCKED' : ''}`),
    // MariaDB returns JSON as text; mysql2 parses MySQL's JSON type itself.
    decodeJson: (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value),
    decodeBoolean: (value: unknown): boolean | null => (value === null || value === undefined ? null : value === 1 || value === true || value === '1'),
    jsonArrayOfRows: (values: readonly SqlFragment[]) => sql`JSON_ARRAYAGG(JSON_ARRAY(${joinSql(values, ', ')}))`,
    placeholder: () => '?',
    // BOOLEAN is TINYINT(1).
    bindValue(value: SqlParameterValue): unknown {
      if (typeof value === 'boolean') return value ? 1 : 0;
      return value;
    },
    booleanLiteral: (value: boolean) => rawSql(value ? 'TRUE' : 'FALSE'),
    // Written into the text: a bound LIMIT must be an integer-typed
    // parameter, and mysql2 binds JavaScript numbers as DOUBLE.
    rowLimit: (count: number) => rawSql(String(checkedRowLimit(count))),
    orderTerm,
    jsonScalar: (source: SqlFragment, keys: readonly string[], type: SqlScalarType): TypedValue =>
      typedJson(sql`JSON_EXTRACT(${source}, ${rawSql(mysqlJsonPath(keys))})`, type, collations),
    jsonPresent: (source: SqlFragment, keys: readonly string[]) => presentAt(source, keys),
    // One row per element of an array; nothing for an absent value. Stored
    // documents hold arrays at every multi-valued path (the core writes them so).
    jsonArrayElements: (source: SqlFragment, keys: readonly string[], alias: string) =>
      sql`JSON_TABLE(${source}, ${rawSql(mysqlJsonPath(keys, '[*]'))} COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS ${rawSql(checkedAlias(alias))}`,
    elementIsObject: (alias: string) => sql`JSON_TYPE(${element(alias)}) = 'OBJECT'`,
    elementScalar: (alias: string, type: SqlScalarType): TypedValue => typedJson(element(alias), type, collations),
    elementScalarPresent: (alias: string) => {
      const value = element(alias);
      return sql`(JSON_TYPE(${value}) ${rawSql(SCALAR_TYPES)} AND (JSON_TYPE(${value}) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(${value})) > 0))`;
    },
    elementPresent: (_source: SqlFragment, alias: string) => presentAt(element(alias), []),
    // JSON_EXTRACT of a member of a scalar element is NULL, never an error.
    elementField: (_source: SqlFragment, alias: string, key: string, type: SqlScalarType): TypedValue =>
      typedJson(sql`JSON_EXTRACT(${element(alias)}, ${rawSql(mysqlJsonPath([key]))})`, type, collations),
    elementFieldPresent: (_source: SqlFragment, alias: string, key: string) => presentAt(element(alias), [key]),
    elementPosition: (alias: string) => rawSql(`${checkedAlias(alias)}.position`),
    caseFold: (expression: SqlFragment) => sql`LOWER(${expression} COLLATE ${rawSql(collations.caseFold)}) COLLATE ${rawSql(collations.text)}`,
    // LOCATE, LEFT and RIGHT under a binary collation compare characters
    // exactly, with no wildcards, so the client's text is literal. LOCATE of
    // '' is 1 and RIGHT(s, 0) is '', so "co ''", "sw ''" and "ew ''" match
    // every string, as in the evaluator.
    contains: (expression: SqlFragment, needle: SqlFragment) => sql`LOCATE(${needle}, ${expression}) > 0`,
    startsWith: (expression: SqlFragment, prefix: SqlFragment) => sql`LEFT(${expression}, CHAR_LENGTH(${prefix})) = ${prefix}`,
    endsWith: (expression: SqlFragment, suffix: SqlFragment) => sql`RIGHT(${expression}, CHAR_LENGTH(${suffix})) = ${suffix}`,
  });
}

/** The dialect of MariaDB 10.11+. */
export const mariadbDialect: SqlDialect = createMysqlDialect(MARIADB_COLLATIONS, 'mariadb');
