/**
 * The filter compiler pinned by exact SQL and parameters: one entry per
 * filter, with the condition each dialect compiles it to (MySQL joins with
 * a column of its own). What these statements return on real rows is
 * checked by the store contract suite and the differential tests against
 * the in-memory evaluator.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import type { SqlDialect } from './dialect.js';
import { mariadbDialect } from './dialects/mysql.js';
import { createPostgresDialect, postgresDialect, postgresTextPath } from './dialects/postgres.js';
import { sqliteDialect } from './dialects/sqlite.js';
import type { RenderedSql } from './fragment.js';
import { compileFilterSql } from './list-query.js';

const registry = createDefaultRegistry();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const DIALECTS = { sqlite: sqliteDialect, postgres: postgresDialect, mysql: mariadbDialect } as const;
type DialectName = keyof typeof DIALECTS;

function where(filter: string, resourceType: ResourceTypeName, dialect: SqlDialect): RenderedSql {
  return compileFilterSql({ dialect, schemas: registry.forResourceType(resourceType), tenantId: 'acme', resourceType, filter: parseFilter(filter) });
}

interface FilterCase extends Readonly<Record<DialectName, RenderedSql>> {
  /** `<section> > <what it pins>`: cases with the same text are one test. */
  readonly it: string;
  readonly filter: string;
  /** User unless given. */
  readonly resourceType?: ResourceTypeName;
}

/*
 * Notes on the entries:
 * - SQLite binds booleans as 1 and 0, PostgreSQL as booleans against boolean columns.
 * - co, sw and ew never go through LIKE (ASCII-case-insensitive in SQLite, wildcards in both):
 *   instr() / BLOB suffixes in SQLite, strpos / starts_with / right in PostgreSQL.
 * - PostgreSQL folds case through ICU's root locale (JavaScript's toLowerCase()); SQLite
 *   through the scim_lower function the store registers.
 * - PostgreSQL text cannot hold U+0000: comparisons with such a value are decided without
 *   binding it (nothing stored equals it; orderings compare with the text before it).
 * - MySQL (MariaDB's collations here) binds booleans as 1 and 0, reads JSON with
 *   JSON_EXTRACT / JSON_UNQUOTE behind a JSON_TYPE guard and JSON_TABLE for elements,
 *   compares text under utf8mb4_nopad_bin and folds with LOWER() under
 *   utf8mb4_unicode_520_ci (see src/store/sql/dialects/mysql.ts for where that differs
 *   from JavaScript); co, sw and ew are LOCATE / LEFT / RIGHT.
 */
const CASES: readonly FilterCase[] = [
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > eq on userName uses the folded, indexed column',
    filter: 'userName eq "Bjensen"',
    sqlite: { text: 'r.user_name_ci = ?', parameters: ['bjensen'] },
    postgres: { text: 'r.user_name_ci = $1', parameters: ['bjensen'] },
    mysql: { text: "r.user_name_ci = ?", parameters: ["bjensen"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > eq on userName uses the folded, indexed column, with the value folded in JavaScript',
    filter: 'userName eq "İSTANBUL"',
    sqlite: { text: 'r.user_name_ci = ?', parameters: ['i̇stanbul'] },
    postgres: { text: 'r.user_name_ci = $1', parameters: ['i̇stanbul'] },
    mysql: { text: "r.user_name_ci = ?", parameters: ["i̇stanbul"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > ne is the negation of eq',
    filter: 'userName ne "Bjensen"',
    sqlite: { text: 'NOT (r.user_name_ci = ?)', parameters: ['bjensen'] },
    postgres: { text: 'NOT (r.user_name_ci = $1)', parameters: ['bjensen'] },
    mysql: { text: "NOT (r.user_name_ci = ?)", parameters: ["bjensen"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > co, sw and ew on a case-insensitive attribute compare folded text; wildcards stay literal',
    filter: "displayName co \"50%_off\\\\\"",
    sqlite: { text: '(r.display_name IS NOT NULL AND instr(scim_lower(r.display_name), ?) > 0)', parameters: ["50%_off\\"] },
    postgres: { text: '(r.display_name IS NOT NULL AND strpos(lower(r.display_name COLLATE "und-x-icu") COLLATE "C", $1) > 0)', parameters: ["50%_off\\"] },
    mysql: { text: "(r.display_name IS NOT NULL AND LOCATE(?, LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin) > 0)", parameters: ["50%_off\\"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > co, sw and ew on a case-insensitive attribute compare folded text; wildcards stay literal',
    filter: 'displayName sw "Ba"',
    sqlite: { text: '(r.display_name IS NOT NULL AND instr(scim_lower(r.display_name), ?) = 1)', parameters: ['ba'] },
    postgres: { text: '(r.display_name IS NOT NULL AND starts_with(lower(r.display_name COLLATE "und-x-icu") COLLATE "C", $1))', parameters: ['ba'] },
    mysql: { text: "(r.display_name IS NOT NULL AND LEFT(LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin, CHAR_LENGTH(?)) = ?)", parameters: ["ba","ba"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > co, sw and ew on a case-insensitive attribute compare folded text; wildcards stay literal',
    filter: 'displayName ew "S"',
    sqlite: { text: "(r.display_name IS NOT NULL AND COALESCE(substr(CAST(scim_lower(r.display_name) AS BLOB), length(CAST(scim_lower(r.display_name) AS BLOB)) - length(CAST(? AS BLOB)) + 1), X'') = CAST(? AS BLOB))", parameters: ['s', 's'] },
    postgres: { text: '(r.display_name IS NOT NULL AND right(lower(r.display_name COLLATE "und-x-icu") COLLATE "C", length($1)) = $2)', parameters: ['s', 's'] },
    mysql: { text: "(r.display_name IS NOT NULL AND RIGHT(LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin, CHAR_LENGTH(?)) = ?)", parameters: ["s","s"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > co, sw and ew on a caseExact attribute compare exact text, never through LIKE (ASCII-case-insensitive in SQLite)',
    filter: 'externalId co "AB"',
    sqlite: { text: '(r.external_id IS NOT NULL AND instr(r.external_id, ?) > 0)', parameters: ['AB'] },
    postgres: { text: '(r.external_id IS NOT NULL AND strpos(r.external_id, $1) > 0)', parameters: ['AB'] },
    mysql: { text: "(r.external_id IS NOT NULL AND LOCATE(?, r.external_id) > 0)", parameters: ["AB"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > co, sw and ew on a caseExact attribute compare exact text, never through LIKE (ASCII-case-insensitive in SQLite)',
    filter: 'externalId sw "AB"',
    sqlite: { text: '(r.external_id IS NOT NULL AND instr(r.external_id, ?) = 1)', parameters: ['AB'] },
    postgres: { text: '(r.external_id IS NOT NULL AND starts_with(r.external_id, $1))', parameters: ['AB'] },
    mysql: { text: "(r.external_id IS NOT NULL AND LEFT(r.external_id, CHAR_LENGTH(?)) = ?)", parameters: ["AB","AB"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > co, sw and ew on a caseExact attribute compare exact text, never through LIKE (ASCII-case-insensitive in SQLite)',
    filter: 'externalId ew "AB"',
    sqlite: { text: "(r.external_id IS NOT NULL AND COALESCE(substr(CAST(r.external_id AS BLOB), length(CAST(r.external_id AS BLOB)) - length(CAST(? AS BLOB)) + 1), X'') = CAST(? AS BLOB))", parameters: ['AB', 'AB'] },
    postgres: { text: '(r.external_id IS NOT NULL AND right(r.external_id, length($1)) = $2)', parameters: ['AB', 'AB'] },
    mysql: { text: "(r.external_id IS NOT NULL AND RIGHT(r.external_id, CHAR_LENGTH(?)) = ?)", parameters: ["AB","AB"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > gt, ge, lt and le compare folded text',
    filter: 'userName gt "M"',
    sqlite: { text: 'r.user_name_ci > ?', parameters: ['m'] },
    postgres: { text: 'r.user_name_ci > $1', parameters: ['m'] },
    mysql: { text: "r.user_name_ci > ?", parameters: ["m"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > gt, ge, lt and le compare folded text',
    filter: 'userName ge "M"',
    sqlite: { text: 'r.user_name_ci >= ?', parameters: ['m'] },
    postgres: { text: 'r.user_name_ci >= $1', parameters: ['m'] },
    mysql: { text: "r.user_name_ci >= ?", parameters: ["m"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > gt, ge, lt and le compare folded text',
    filter: 'userName lt "M"',
    sqlite: { text: 'r.user_name_ci < ?', parameters: ['m'] },
    postgres: { text: 'r.user_name_ci < $1', parameters: ['m'] },
    mysql: { text: "r.user_name_ci < ?", parameters: ["m"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > gt, ge, lt and le compare folded text',
    filter: 'userName le "M"',
    sqlite: { text: 'r.user_name_ci <= ?', parameters: ['m'] },
    postgres: { text: 'r.user_name_ci <= $1', parameters: ['m'] },
    mysql: { text: "r.user_name_ci <= ?", parameters: ["m"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > gt, ge, lt and le compare folded text (the column is COLLATE "C": code-point order)',
    filter: 'displayName gt "é"',
    sqlite: { text: '(r.display_name IS NOT NULL AND scim_lower(r.display_name) > ?)', parameters: ['é'] },
    postgres: { text: '(r.display_name IS NOT NULL AND lower(r.display_name COLLATE "und-x-icu") COLLATE "C" > $1)', parameters: ['é'] },
    mysql: { text: "(r.display_name IS NOT NULL AND LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin > ?)", parameters: ["é"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > pr, eq null and ne null treat "" as absent',
    filter: 'displayName pr',
    sqlite: { text: "(r.display_name IS NOT NULL AND r.display_name <> '')", parameters: [] },
    postgres: { text: "(r.display_name IS NOT NULL AND r.display_name <> '')", parameters: [] },
    mysql: { text: "(r.display_name IS NOT NULL AND r.display_name <> '')", parameters: [] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > pr, eq null and ne null treat "" as absent',
    filter: 'externalId eq null',
    sqlite: { text: "NOT ((r.external_id IS NOT NULL AND r.external_id <> ''))", parameters: [] },
    postgres: { text: "NOT ((r.external_id IS NOT NULL AND r.external_id <> ''))", parameters: [] },
    mysql: { text: "NOT ((r.external_id IS NOT NULL AND r.external_id <> ''))", parameters: [] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > pr, eq null and ne null treat "" as absent',
    filter: 'externalId ne null',
    sqlite: { text: "(r.external_id IS NOT NULL AND r.external_id <> '')", parameters: [] },
    postgres: { text: "(r.external_id IS NOT NULL AND r.external_id <> '')", parameters: [] },
    mysql: { text: "(r.external_id IS NOT NULL AND r.external_id <> '')", parameters: [] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > booleans bind as 1 and 0',
    filter: 'active eq true',
    sqlite: { text: '(r.active IS NOT NULL AND r.active = ?)', parameters: [1] },
    postgres: { text: '(r.active IS NOT NULL AND r.active = $1)', parameters: [true] },
    mysql: { text: "(r.active IS NOT NULL AND r.active = ?)", parameters: [1] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > booleans bind as 1 and 0',
    filter: 'active ne false',
    sqlite: { text: 'NOT ((r.active IS NOT NULL AND r.active = ?))', parameters: [0] },
    postgres: { text: 'NOT ((r.active IS NOT NULL AND r.active = $1))', parameters: [false] },
    mysql: { text: "NOT ((r.active IS NOT NULL AND r.active = ?))", parameters: [0] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > id eq uses the primary key',
    filter: 'id eq "2819c223-7f76-453a-919d-413861904646"',
    sqlite: { text: 'r.id = ?', parameters: ['2819c223-7f76-453a-919d-413861904646'] },
    postgres: { text: 'r.id = $1', parameters: ['2819c223-7f76-453a-919d-413861904646'] },
    mysql: { text: "r.id = ?", parameters: ["2819c223-7f76-453a-919d-413861904646"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > meta.lastModified gt "2011-05-13T04:42:34Z" compares the stored toISOString() text',
    filter: 'meta.lastModified gt "2011-05-13T04:42:34Z"',
    sqlite: { text: 'r.last_modified > ?', parameters: ['2011-05-13T04:42:34.000Z'] },
    postgres: { text: 'r.last_modified > $1', parameters: ['2011-05-13T04:42:34.000Z'] },
    mysql: { text: "r.last_modified > ?", parameters: ["2011-05-13T04:42:34.000Z"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > meta.lastModified gt "2011-05-13T04:42:34Z" compares the stored toISOString() text',
    filter: 'meta.created le "2011-05-13T06:42:34+02:00"',
    sqlite: { text: 'r.created <= ?', parameters: ['2011-05-13T04:42:34.000Z'] },
    postgres: { text: 'r.created <= $1', parameters: ['2011-05-13T04:42:34.000Z'] },
    mysql: { text: "r.created <= ?", parameters: ["2011-05-13T04:42:34.000Z"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > a dateTime beyond year 9999 is after every stored value',
    filter: 'meta.created lt "10000-01-01T00:00:00Z"',
    sqlite: { text: '1', parameters: [] },
    postgres: { text: 'true', parameters: [] },
    mysql: { text: "TRUE", parameters: [] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > a dateTime beyond year 9999 is after every stored value',
    filter: 'meta.created gt "10000-01-01T00:00:00Z"',
    sqlite: { text: '0', parameters: [] },
    postgres: { text: 'false', parameters: [] },
    mysql: { text: "FALSE", parameters: [] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > derives meta.resourceType and meta.version from the row',
    filter: 'meta.resourceType eq "User"',
    sqlite: { text: "'User' = ?", parameters: ['User'] },
    postgres: { text: "'User' = $1", parameters: ['User'] },
    mysql: { text: "'User' = ?", parameters: ["User"] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > derives meta.resourceType and meta.version from the row',
    filter: "meta.version eq \"W/\\\"3\\\"\"",
    sqlite: { text: "('W/\"' || r.version || '\"') = ?", parameters: ['W/"3"'] },
    postgres: { text: "('W/\"' || r.version || '\"') = $1", parameters: ['W/"3"'] },
    mysql: { text: "('W/\"' || r.version || '\"') = ?", parameters: ["W/\"3\""] },
  },
  {
    it: 'RFC 7644 §3.4.2.2 operators on mapped columns > Group displayName eq uses the folded, indexed column',
    filter: 'displayName eq "Tour Guides"',
    resourceType: 'Group',
    sqlite: { text: '(r.display_name IS NOT NULL AND r.display_name_ci = ?)', parameters: ['tour guides'] },
    postgres: { text: '(r.display_name IS NOT NULL AND r.display_name_ci = $1)', parameters: ['tour guides'] },
    mysql: { text: "(r.display_name IS NOT NULL AND r.display_name_ci = ?)", parameters: ["tour guides"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > nothing stored equals, contains, starts or ends with such a value',
    filter: "displayName eq \"a\\u0000b\"",
    sqlite: { text: '(r.display_name IS NOT NULL AND scim_lower(r.display_name) = ?)', parameters: ["a\u0000b"] },
    postgres: { text: 'false', parameters: [] },
    mysql: { text: "(r.display_name IS NOT NULL AND LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?)", parameters: ["a\u0000b"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > nothing stored equals, contains, starts or ends with such a value',
    filter: "displayName co \"a\\u0000b\"",
    sqlite: { text: '(r.display_name IS NOT NULL AND instr(scim_lower(r.display_name), ?) > 0)', parameters: ["a\u0000b"] },
    postgres: { text: 'false', parameters: [] },
    mysql: { text: "(r.display_name IS NOT NULL AND LOCATE(?, LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin) > 0)", parameters: ["a\u0000b"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > nothing stored equals, contains, starts or ends with such a value',
    filter: "displayName sw \"a\\u0000b\"",
    sqlite: { text: '(r.display_name IS NOT NULL AND instr(scim_lower(r.display_name), ?) = 1)', parameters: ["a\u0000b"] },
    postgres: { text: 'false', parameters: [] },
    mysql: { text: "(r.display_name IS NOT NULL AND LEFT(LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin, CHAR_LENGTH(?)) = ?)", parameters: ["a\u0000b","a\u0000b"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > nothing stored equals, contains, starts or ends with such a value',
    filter: "displayName ew \"a\\u0000b\"",
    sqlite: { text: "(r.display_name IS NOT NULL AND COALESCE(substr(CAST(scim_lower(r.display_name) AS BLOB), length(CAST(scim_lower(r.display_name) AS BLOB)) - length(CAST(? AS BLOB)) + 1), X'') = CAST(? AS BLOB))", parameters: ["a\u0000b", "a\u0000b"] },
    postgres: { text: 'false', parameters: [] },
    mysql: { text: "(r.display_name IS NOT NULL AND RIGHT(LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin, CHAR_LENGTH(?)) = ?)", parameters: ["a\u0000b","a\u0000b"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > nothing stored equals, contains, starts or ends with such a value',
    filter: "userName ne \"a\\u0000b\"",
    sqlite: { text: 'NOT (r.user_name_ci = ?)', parameters: ["a\u0000b"] },
    postgres: { text: 'NOT (false)', parameters: [] },
    mysql: { text: "NOT (r.user_name_ci = ?)", parameters: ["a\u0000b"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > nothing stored equals, contains, starts or ends with such a value',
    filter: "emails.value eq \"a\\u0000b\"",
    sqlite: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND t1.value_ci = ?))', parameters: ['acme', "a\u0000b"] },
    postgres: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND false)', parameters: ['acme'] },
    mysql: { text: "r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND t1.value_ci = ?))", parameters: ["acme","a\u0000b"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > orderings compare with the text before the first NUL',
    filter: "userName gt \"Ab\\u0000c\"",
    sqlite: { text: 'r.user_name_ci > ?', parameters: ["ab\u0000c"] },
    postgres: { text: 'r.user_name_ci > $1', parameters: ['ab'] },
    mysql: { text: "r.user_name_ci > ?", parameters: ["ab\u0000c"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > orderings compare with the text before the first NUL',
    filter: "userName ge \"Ab\\u0000c\"",
    sqlite: { text: 'r.user_name_ci >= ?', parameters: ["ab\u0000c"] },
    postgres: { text: 'r.user_name_ci > $1', parameters: ['ab'] },
    mysql: { text: "r.user_name_ci >= ?", parameters: ["ab\u0000c"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > orderings compare with the text before the first NUL',
    filter: "userName lt \"Ab\\u0000c\"",
    sqlite: { text: 'r.user_name_ci < ?', parameters: ["ab\u0000c"] },
    postgres: { text: 'r.user_name_ci <= $1', parameters: ['ab'] },
    mysql: { text: "r.user_name_ci < ?", parameters: ["ab\u0000c"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > orderings compare with the text before the first NUL',
    filter: "userName le \"\\u0000\"",
    sqlite: { text: 'r.user_name_ci <= ?', parameters: ["\u0000"] },
    postgres: { text: 'r.user_name_ci <= $1', parameters: [''] },
    mysql: { text: "r.user_name_ci <= ?", parameters: ["\u0000"] },
  },
  {
    it: 'values holding U+0000, which PostgreSQL text cannot hold: decided without binding them > orderings compare with the text before the first NUL',
    filter: "externalId gt \"A\\u0000\"",
    sqlite: { text: '(r.external_id IS NOT NULL AND r.external_id > ?)', parameters: ["A\u0000"] },
    postgres: { text: '(r.external_id IS NOT NULL AND r.external_id > $1)', parameters: ['A'] },
    mysql: { text: "(r.external_id IS NOT NULL AND r.external_id > ?)", parameters: ["A\u0000"] },
  },
  {
    it: 'multi-valued attributes > emails.value eq is an indexed IN subquery over user_emails',
    filter: 'emails.value eq "Bjensen@Example.com"',
    sqlite: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND t1.value_ci = ?))', parameters: ['acme', 'bjensen@example.com'] },
    postgres: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND (t1.value_ci IS NOT NULL AND t1.value_ci = $2))', parameters: ['acme', 'bjensen@example.com'] },
    mysql: { text: "r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND t1.value_ci = ?))", parameters: ["acme","bjensen@example.com"] },
  },
  {
    it: 'multi-valued attributes > "emails co" means emails.value (RFC 7644 §3.4.2.2)',
    filter: 'emails co "example.com"',
    sqlite: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND instr(t1.value_ci, ?) > 0))', parameters: ['acme', 'example.com'] },
    postgres: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND (t1.value_ci IS NOT NULL AND strpos(t1.value_ci, $2) > 0))', parameters: ['acme', 'example.com'] },
    mysql: { text: "r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND LOCATE(?, t1.value_ci) > 0))", parameters: ["acme","example.com"] },
  },
  {
    it: 'multi-valued attributes > ne on a multi-valued attribute holds when some element differs (RFC 7644 §3.4.2.2: any value)',
    filter: 'emails.type ne "work"',
    sqlite: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND NOT ((t1.type_ci IS NOT NULL AND t1.type_ci = ?)))', parameters: ['acme', 'work'] },
    postgres: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND NOT ((t1.type_ci IS NOT NULL AND t1.type_ci = $2)))', parameters: ['acme', 'work'] },
    mysql: { text: "r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND NOT ((t1.type_ci IS NOT NULL AND t1.type_ci = ?)))", parameters: ["acme","work"] },
  },
  {
    it: 'multi-valued attributes > emails[type eq "work" and value co "@example.com"] tests one and the same element row',
    filter: 'emails[type eq "work" and value co "@example.com"]',
    sqlite: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND ((t1.type_ci IS NOT NULL AND t1.type_ci = ?) AND (t1.value_ci IS NOT NULL AND instr(t1.value_ci, ?) > 0)))', parameters: ['acme', 'work', '@example.com'] },
    postgres: { text: 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND ((t1.type_ci IS NOT NULL AND t1.type_ci = $2) AND (t1.value_ci IS NOT NULL AND strpos(t1.value_ci, $3) > 0)))', parameters: ['acme', 'work', '@example.com'] },
    mysql: { text: "r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND ((t1.type_ci IS NOT NULL AND t1.type_ci = ?) AND (t1.value_ci IS NOT NULL AND LOCATE(?, t1.value_ci) > 0)))", parameters: ["acme","work","@example.com"] },
  },
  {
    it: 'multi-valued attributes > a sub-attribute without a column reads the JSON elements, still one element at a time',
    filter: 'emails[display co "Babs" and not (type eq "home")]',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"emails\"') AS e1 WHERE e1.type = 'object' AND ((COALESCE(json_type(r.attributes, e1.fullkey || '.\"display\"'), 'null') = 'text' AND instr(scim_lower(json_extract(r.attributes, e1.fullkey || '.\"display\"')), ?) > 0) AND NOT ((COALESCE(json_type(r.attributes, e1.fullkey || '.\"type\"'), 'null') = 'text' AND scim_lower(json_extract(r.attributes, e1.fullkey || '.\"type\"')) = ?))))", parameters: ['babs', 'home'] },
    postgres: { text: "EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$.\"emails\"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND ((COALESCE(jsonb_typeof(e1.value -> 'display'), 'null') = 'string' AND strpos(lower((e1.value ->> 'display') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\", $1) > 0) AND NOT ((COALESCE(jsonb_typeof(e1.value -> 'type'), 'null') = 'string' AND lower((e1.value ->> 'type') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\" = $2))))", parameters: ['babs', 'home'] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$.\"emails\"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE JSON_TYPE(e1.value) = 'OBJECT' AND ((COALESCE(JSON_TYPE(JSON_EXTRACT(e1.value, '$.\"display\"')), 'NULL') IN ('STRING') AND LOCATE(?, LOWER(JSON_UNQUOTE(JSON_EXTRACT(e1.value, '$.\"display\"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin) > 0) AND NOT ((COALESCE(JSON_TYPE(JSON_EXTRACT(e1.value, '$.\"type\"')), 'NULL') IN ('STRING') AND LOWER(JSON_UNQUOTE(JSON_EXTRACT(e1.value, '$.\"type\"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?))))", parameters: ["babs","home"] },
  },
  {
    it: 'multi-valued attributes > a boolean sub-attribute of JSON elements is cast only when it is a JSON boolean',
    filter: 'phoneNumbers[primary eq true]',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"phoneNumbers\"') AS e1 WHERE e1.type = 'object' AND (COALESCE(json_type(r.attributes, e1.fullkey || '.\"primary\"'), 'null') IN ('true', 'false') AND json_extract(r.attributes, e1.fullkey || '.\"primary\"') = ?))", parameters: [1] },
    postgres: { text: "EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$.\"phoneNumbers\"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND (COALESCE(jsonb_typeof(e1.value -> 'primary'), 'null') = 'boolean' AND CASE WHEN jsonb_typeof(e1.value -> 'primary') = 'boolean' THEN (e1.value -> 'primary')::boolean END = $1))", parameters: [true] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$.\"phoneNumbers\"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE JSON_TYPE(e1.value) = 'OBJECT' AND (COALESCE(JSON_TYPE(JSON_EXTRACT(e1.value, '$.\"primary\"')), 'NULL') IN ('BOOLEAN') AND CASE WHEN JSON_TYPE(JSON_EXTRACT(e1.value, '$.\"primary\"')) = 'BOOLEAN' THEN JSON_UNQUOTE(JSON_EXTRACT(e1.value, '$.\"primary\"')) COLLATE utf8mb4_nopad_bin = 'true' END = ?))", parameters: [1] },
  },
  {
    it: 'multi-valued attributes > pr on a sub-attribute of JSON elements looks for a present scalar below it',
    filter: 'x509Certificates pr',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"x509Certificates\"') AS e1 WHERE e1.type = 'object' AND EXISTS (SELECT 1 FROM json_tree(r.attributes, e1.fullkey || '.\"value\"') AS p WHERE p.atom IS NOT NULL AND p.atom <> ''))", parameters: [] },
    postgres: { text: "EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$.\"x509Certificates\"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND e1.value @? '$.\"value\".** ? (@.type() == \"string\" && @ != \"\" || @.type() == \"number\" || @.type() == \"boolean\")')", parameters: [] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$.\"x509Certificates\"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE JSON_TYPE(e1.value) = 'OBJECT' AND EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(e1.value, '$.\"value\"', '$.\"value\"**.*', '$.\"value\"**[*]'), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE JSON_TYPE(p.leaf) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0)))", parameters: [] },
  },
  {
    it: 'multi-valued attributes > an array of scalars (schemas) compares each element',
    filter: 'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"schemas\"') AS e1 WHERE (e1.type = 'text' AND scim_lower(e1.atom) = ?))", parameters: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:user'] },
    postgres: { text: "EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$.\"schemas\"[*]') WITH ORDINALITY AS e1(value, position) WHERE (COALESCE(jsonb_typeof(e1.value), 'null') = 'string' AND lower((e1.value #>> '{}') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\" = $1))", parameters: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:user'] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$.\"schemas\"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE (COALESCE(JSON_TYPE(e1.value), 'NULL') IN ('STRING') AND LOWER(JSON_UNQUOTE(e1.value) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?))", parameters: ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"] },
  },
  {
    it: 'multi-valued attributes > an array of scalars (schemas) compares each element',
    filter: 'schemas pr',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"schemas\"') AS e1 WHERE (e1.atom IS NOT NULL AND e1.atom <> ''))", parameters: [] },
    postgres: { text: "EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$.\"schemas\"[*]') WITH ORDINALITY AS e1(value, position) WHERE (jsonb_typeof(e1.value) IN ('string', 'number', 'boolean') AND e1.value <> '\"\"'))", parameters: [] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$.\"schemas\"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE (JSON_TYPE(e1.value) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(e1.value) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(e1.value)) > 0)))", parameters: [] },
  },
  {
    it: 'multi-valued attributes > members.value eq is an indexed IN subquery over group_members, matched exactly',
    filter: 'members.value eq "2819c223"',
    resourceType: 'Group',
    sqlite: { text: 'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = ? AND t1.member_id = ?)', parameters: ['acme', '2819c223'] },
    postgres: { text: 'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = $1 AND t1.member_id = $2)', parameters: ['acme', '2819c223'] },
    mysql: { text: "r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = ? AND t1.member_id = ?)", parameters: ["acme","2819c223"] },
  },
  {
    it: 'multi-valued attributes > members.value eq is an indexed IN subquery over group_members, matched exactly',
    filter: 'members[type eq "user" and value eq "2819c223"]',
    resourceType: 'Group',
    sqlite: { text: 'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = ? AND (scim_lower(t1.member_type) = ? AND t1.member_id = ?))', parameters: ['acme', 'user', '2819c223'] },
    postgres: { text: 'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = $1 AND (lower(t1.member_type COLLATE "und-x-icu") COLLATE "C" = $2 AND t1.member_id = $3))', parameters: ['acme', 'user', '2819c223'] },
    mysql: { text: "r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = ? AND (LOWER(t1.member_type COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ? AND t1.member_id = ?))", parameters: ["acme","user","2819c223"] },
  },
  {
    it: 'multi-valued attributes > groups.value follows nested groups with a recursive query',
    filter: 'groups.value eq "g1"',
    sqlite: { text: 'r.id IN (WITH RECURSIVE c1(member_id) AS (SELECT m.member_id FROM "groups" AS g2 CROSS JOIN group_members AS m WHERE g2.tenant_id = ? AND g2.id = ? AND m.tenant_id = g2.tenant_id AND m.group_id = g2.id UNION SELECT m.member_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.group_id = c1.member_id) SELECT member_id FROM c1)', parameters: ['acme', 'g1', 'acme'] },
    postgres: { text: 'r.id IN (WITH RECURSIVE c1(member_id) AS (SELECT m.member_id FROM "groups" AS g2 CROSS JOIN group_members AS m WHERE g2.tenant_id = $1 AND g2.id = $2 AND m.tenant_id = g2.tenant_id AND m.group_id = g2.id UNION SELECT m.member_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = $3 AND m.group_id = c1.member_id) SELECT member_id FROM c1)', parameters: ['acme', 'g1', 'acme'] },
    mysql: { text: "r.id IN (WITH RECURSIVE c1(member_id) AS (SELECT m.member_id FROM \"groups\" AS g2 CROSS JOIN group_members AS m WHERE g2.tenant_id = ? AND g2.id = ? AND m.tenant_id = g2.tenant_id AND m.group_id = g2.id UNION SELECT m.member_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.group_id = c1.member_id) SELECT member_id FROM c1)", parameters: ["acme","g1","acme"] },
  },
  {
    it: "JSON attributes and logic > name.familyName co \"O'Malley\" reads the JSON column with a type guard",
    filter: "name.familyName co \"O'Malley\"",
    sqlite: { text: "(COALESCE(json_type(r.attributes, '$.\"name\".\"familyName\"'), 'null') = 'text' AND instr(scim_lower(json_extract(r.attributes, '$.\"name\".\"familyName\"')), ?) > 0)", parameters: ["o'malley"] },
    postgres: { text: "(COALESCE(jsonb_typeof(r.attributes #> '{\"name\",\"familyName\"}'), 'null') = 'string' AND strpos(lower((r.attributes #>> '{\"name\",\"familyName\"}') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\", $1) > 0)", parameters: ["o'malley"] },
    mysql: { text: "(COALESCE(JSON_TYPE(JSON_EXTRACT(r.attributes, '$.\"name\".\"familyName\"')), 'NULL') IN ('STRING') AND LOCATE(?, LOWER(JSON_UNQUOTE(JSON_EXTRACT(r.attributes, '$.\"name\".\"familyName\"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin) > 0)", parameters: ["o'malley"] },
  },
  {
    it: 'JSON attributes and logic > extension attributes are read under their schema URN',
    filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"',
    sqlite: { text: "(COALESCE(json_type(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"'), 'null') = 'text' AND scim_lower(json_extract(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')) = ?)", parameters: ['26118915'] },
    postgres: { text: "(COALESCE(jsonb_typeof(r.attributes #> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"manager\",\"value\"}'), 'null') = 'string' AND lower((r.attributes #>> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"manager\",\"value\"}') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\" = $1)", parameters: ['26118915'] },
    mysql: { text: "(COALESCE(JSON_TYPE(JSON_EXTRACT(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')), 'NULL') IN ('STRING') AND LOWER(JSON_UNQUOTE(JSON_EXTRACT(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?)", parameters: ["26118915"] },
  },
  {
    it: "JSON attributes and logic > a bare \"manager\" (Entra's manager check) compiles to the enterprise manager.value clause",
    filter: 'manager eq "26118915"',
    sqlite: { text: "(COALESCE(json_type(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"'), 'null') = 'text' AND scim_lower(json_extract(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')) = ?)", parameters: ['26118915'] },
    postgres: { text: "(COALESCE(jsonb_typeof(r.attributes #> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"manager\",\"value\"}'), 'null') = 'string' AND lower((r.attributes #>> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"manager\",\"value\"}') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\" = $1)", parameters: ['26118915'] },
    mysql: { text: "(COALESCE(JSON_TYPE(JSON_EXTRACT(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')), 'NULL') IN ('STRING') AND LOWER(JSON_UNQUOTE(JSON_EXTRACT(r.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?)", parameters: ["26118915"] },
  },
  {
    it: 'JSON attributes and logic > pr on JSON looks for a present scalar at any depth',
    filter: 'title pr',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_tree(r.attributes, '$.\"title\"') AS p WHERE p.atom IS NOT NULL AND p.atom <> '')", parameters: [] },
    postgres: { text: "r.attributes @? '$.\"title\".** ? (@.type() == \"string\" && @ != \"\" || @.type() == \"number\" || @.type() == \"boolean\")'", parameters: [] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(r.attributes, '$.\"title\"', '$.\"title\"**.*', '$.\"title\"**[*]'), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE JSON_TYPE(p.leaf) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0))", parameters: [] },
  },
  {
    it: 'JSON attributes and logic > pr on JSON looks for a present scalar at any depth',
    filter: 'name pr',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_tree(r.attributes, '$.\"name\"') AS p WHERE p.atom IS NOT NULL AND p.atom <> '')", parameters: [] },
    postgres: { text: "r.attributes @? '$.\"name\".** ? (@.type() == \"string\" && @ != \"\" || @.type() == \"number\" || @.type() == \"boolean\")'", parameters: [] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(r.attributes, '$.\"name\"', '$.\"name\"**.*', '$.\"name\"**[*]'), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE JSON_TYPE(p.leaf) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0))", parameters: [] },
  },
  {
    it: 'JSON attributes and logic > pr on a multi-valued complex attribute without value walks each object element (RFC 7644 §3.4.2.2 "non-empty node")',
    filter: 'addresses pr',
    sqlite: { text: "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"addresses\"') AS e1 WHERE e1.type = 'object' AND EXISTS (SELECT 1 FROM json_tree(r.attributes, e1.fullkey) AS p WHERE p.atom IS NOT NULL AND p.atom <> ''))", parameters: [] },
    postgres: { text: "EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$.\"addresses\"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND e1.value @? '$.** ? (@.type() == \"string\" && @ != \"\" || @.type() == \"number\" || @.type() == \"boolean\")')", parameters: [] },
    mysql: { text: "EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$.\"addresses\"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE JSON_TYPE(e1.value) = 'OBJECT' AND EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(e1.value, '$', '$**.*', '$**[*]'), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE JSON_TYPE(p.leaf) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0)))", parameters: [] },
  },
  {
    it: 'JSON attributes and logic > "and" binds tighter than "or"; not wraps its operand',
    filter: 'userType eq "Employee" or title pr and not (active eq true)',
    sqlite: { text: "((COALESCE(json_type(r.attributes, '$.\"userType\"'), 'null') = 'text' AND scim_lower(json_extract(r.attributes, '$.\"userType\"')) = ?) OR (EXISTS (SELECT 1 FROM json_tree(r.attributes, '$.\"title\"') AS p WHERE p.atom IS NOT NULL AND p.atom <> '') AND NOT ((r.active IS NOT NULL AND r.active = ?))))", parameters: ['employee', 1] },
    postgres: { text: "((COALESCE(jsonb_typeof(r.attributes #> '{\"userType\"}'), 'null') = 'string' AND lower((r.attributes #>> '{\"userType\"}') COLLATE \"C\" COLLATE \"und-x-icu\") COLLATE \"C\" = $1) OR (r.attributes @? '$.\"title\".** ? (@.type() == \"string\" && @ != \"\" || @.type() == \"number\" || @.type() == \"boolean\")' AND NOT ((r.active IS NOT NULL AND r.active = $2))))", parameters: ['employee', true] },
    mysql: { text: "((COALESCE(JSON_TYPE(JSON_EXTRACT(r.attributes, '$.\"userType\"')), 'NULL') IN ('STRING') AND LOWER(JSON_UNQUOTE(JSON_EXTRACT(r.attributes, '$.\"userType\"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?) OR (EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(r.attributes, '$.\"title\"', '$.\"title\"**.*', '$.\"title\"**[*]'), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE JSON_TYPE(p.leaf) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0)) AND NOT ((r.active IS NOT NULL AND r.active = ?))))", parameters: ["employee",1] },
  },
  {
    it: 'JSON attributes and logic > "and" binds tighter than "or"; not wraps its operand',
    filter: '(userName eq "a" or userName eq "b") and id eq "c"',
    sqlite: { text: '((r.user_name_ci = ? OR r.user_name_ci = ?) AND r.id = ?)', parameters: ['a', 'b', 'c'] },
    postgres: { text: '((r.user_name_ci = $1 OR r.user_name_ci = $2) AND r.id = $3)', parameters: ['a', 'b', 'c'] },
    mysql: { text: "((r.user_name_ci = ? OR r.user_name_ci = ?) AND r.id = ?)", parameters: ["a","b","c"] },
  },
];

describe('filter compiler', () => {
  for (const [dialectName, dialect] of Object.entries(DIALECTS) as [DialectName, SqlDialect][]) {
    describe(dialectName, () => {
      const tests = new Map<string, FilterCase[]>();
      for (const entry of CASES) tests.set(entry.it, [...(tests.get(entry.it) ?? []), entry]);
      for (const [name, entries] of tests) {
        it(name, () => {
          for (const entry of entries) expect(where(entry.filter, entry.resourceType ?? 'User', dialect), entry.filter).toEqual(entry[dialectName]);
        });
      }

      describe('what it cannot express is a 400 invalidFilter naming it', () => {
        const rejected: readonly (readonly [string, ResourceTypeName, string])[] = [
          ['nickName2 eq "x"', 'User', 'nickName2'],
          ['meta.location eq "https://example.com/Users/1"', 'User', 'meta.location'],
          ['members.display eq "Babs"', 'Group', 'members.display'],
          ['groups.type eq "direct"', 'User', 'groups.type'],
          ['emails[value eq "x"]', 'Group', 'emails'],
          ['name eq "Babs"', 'User', 'name'],
          ['active gt false', 'User', 'active'],
          ['meta.created co "2011"', 'User', 'meta.created'],
          ['meta.created eq "2011\\u0000"', 'User', 'meta.created'],
          ['userName eq 42', 'User', 'userName'],
        ];
        for (const [filter, resourceType, named] of rejected) {
          it(filter, () => {
            let caught: unknown;
            try {
              where(filter, resourceType, dialect);
            } catch (error) {
              caught = error;
            }
            expect(caught).toBeInstanceOf(ScimError);
            expect((caught as ScimError).scimType).toBe('invalidFilter');
            expect((caught as ScimError).detail).toContain(named);
          });
        }
      });
    });
  }

  describe('PostgreSQL case folding without ICU', () => {
    it('folds with lower() under the database LC_CTYPE (the "default" collation), the columns being COLLATE "C"', () => {
      expect(where('displayName eq "Émile"', 'User', createPostgresDialect('database'))).toEqual({
        text: '(r.display_name IS NOT NULL AND lower(r.display_name COLLATE "default") COLLATE "C" = $1)',
        parameters: ['émile'],
      });
    });
  });

  describe('PostgreSQL JSON paths', () => {
    it('quotes every key of a text[] path and refuses keys that would need escaping', () => {
      expect(postgresTextPath([ENTERPRISE, 'manager', 'value'])).toBe(`'{"${ENTERPRISE}","manager","value"}'`);
      expect(postgresTextPath(["it's"])).toBe(`'{"it''s"}'`);
      for (const key of ['a"b', 'a\\b', 'a\u0000b', 'a\nb']) expect(() => postgresTextPath([key]), JSON.stringify(key)).toThrow(TypeError);
    });
  });
});
