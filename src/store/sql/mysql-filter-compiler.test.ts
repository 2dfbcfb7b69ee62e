/**
 * The filter and sort compilers pinned by exact SQL and parameters (MySQL
 * dialect, MariaDB's collations). What these statements return on real rows
 * is checked on MariaDB by src/store/mysql/differential.test.ts against the
 * in-memory evaluator and SQLite.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../core/filter/parser.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { createMysqlDialect, MARIADB_COLLATIONS, mariadbDialect, mysqlCollationsFor, MYSQL_COLLATIONS, mysqlJsonPath } from './dialects/mysql.js';
import { parameter, renderSql, sql } from './fragment.js';
import { compileFilterSql, compileListQuery } from './list-query.js';

const schemas = createDefaultRegistry().forResourceType('User');

function pin(filter: string, text: string, parameters: readonly unknown[]): void {
  expect(compileFilterSql({ dialect: mariadbDialect, schemas, tenantId: 'acme', resourceType: 'User', filter: parseFilter(filter) })).toEqual({ text, parameters });
}

/** The guard and the folded text of a JSON string at `path` (a JSON path's SQL text). */
function jsonText(path: string): { guard: string; folded: string } {
  const json = `JSON_EXTRACT(r.attributes, '${path}')`;
  return {
    guard: `COALESCE(JSON_TYPE(${json}), 'NULL') IN ('STRING')`,
    folded: `LOWER(JSON_UNQUOTE(${json}) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin`,
  };
}

describe('filter compiler (MySQL dialect)', () => {
  it('eq on userName uses the folded, indexed column, with the value folded in JavaScript', () => {
    pin('userName eq "İSTANBUL"', 'r.user_name_ci = ?', ['i̇stanbul']);
  });

  it('co, sw and ew compare with LOCATE, LEFT and RIGHT under the binary collation: wildcards stay literal', () => {
    pin('displayName co "50%_off"', '(r.display_name IS NOT NULL AND LOCATE(?, LOWER(r.display_name COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin) > 0)', ['50%_off']);
    pin('externalId sw "AB"', '(r.external_id IS NOT NULL AND LEFT(r.external_id, CHAR_LENGTH(?)) = ?)', ['AB', 'AB']);
    pin('externalId ew "AB"', '(r.external_id IS NOT NULL AND RIGHT(r.external_id, CHAR_LENGTH(?)) = ?)', ['AB', 'AB']);
  });

  it('booleans bind as 1 and 0 (BOOLEAN is TINYINT(1))', () => {
    pin('active eq true', '(r.active IS NOT NULL AND r.active = ?)', [1]);
  });

  it('JSON strings are read with JSON_EXTRACT and JSON_UNQUOTE behind a JSON_TYPE guard, and folded by LOWER under the folding collation', () => {
    const { guard, folded } = jsonText('$."name"."familyName"');
    pin('name.familyName eq "O\'Malley"', `(${guard} AND ${folded} = ?)`, ["o'malley"]);
  });

  it('a value filter tests one JSON_TABLE element at a time', () => {
    const type = `JSON_EXTRACT(e1.value, '$."type"')`;
    pin(
      'emails[type eq "work" and display co "x"]',
      `EXISTS (SELECT 1 FROM JSON_TABLE(r.attributes, '$."emails"[*]' COLUMNS (position FOR ORDINALITY, value JSON PATH '$')) AS e1 WHERE JSON_TYPE(e1.value) = 'OBJECT' AND ((COALESCE(JSON_TYPE(${type}), 'NULL') IN ('STRING') AND LOWER(JSON_UNQUOTE(${type}) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin = ?) AND (COALESCE(JSON_TYPE(JSON_EXTRACT(e1.value, '$."display"')), 'NULL') IN ('STRING') AND LOCATE(?, LOWER(JSON_UNQUOTE(JSON_EXTRACT(e1.value, '$."display"')) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin) > 0)))`,
      ['work', 'x'],
    );
  });

  it('pr walks the value, every member and every element below it for a scalar other than null and ""', () => {
    pin(
      'name pr',
      `EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(r.attributes, '$."name"', '$."name"**.*', '$."name"**[*]'), '$[*]' COLUMNS (leaf JSON PATH '$')) AS p WHERE JSON_TYPE(p.leaf) IN ('STRING', 'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN') AND (JSON_TYPE(p.leaf) <> 'STRING' OR CHAR_LENGTH(JSON_UNQUOTE(p.leaf)) > 0))`,
      [],
    );
  });

  it('sorts with NULLs placed by an IS NULL term (MySQL has no NULLS LAST) and writes LIMIT into the text', () => {
    const title = schemas.resolvePath('title');
    if (title === undefined) throw new TypeError('title');
    const { page } = compileListQuery({ dialect: mariadbDialect, tenantId: 'acme', resourceType: 'User', query: { schemas, filter: undefined, sort: { attribute: title, order: 'ascending' }, startIndex: 3, count: 10 } });
    const { guard, folded } = jsonText('$."title"');
    const key = `CASE WHEN ${guard} THEN ${folded} END`;
    expect(page === undefined ? undefined : renderSql(page, mariadbDialect)).toEqual({
      text: `SELECT r.id, r.attributes, r.created, r.last_modified, r.version FROM users AS r WHERE r.tenant_id = ? ORDER BY (${key} IS NULL) ASC, ${key} ASC, r.id LIMIT 10 OFFSET ?`,
      parameters: ['acme', 2],
    });
  });
});

describe('MySQL dialect hooks', () => {
  it('upserts with ON DUPLICATE KEY UPDATE and VALUES(), and skips duplicates with an assignment that changes nothing (never INSERT IGNORE)', () => {
    const upsert = mariadbDialect.onDuplicateUpdate('resource_counts', ['tenant_id', 'resource_type'], (existing, proposed) => sql`count = ${existing('count')} + ${proposed('count')}`);
    expect(renderSql(upsert, mariadbDialect).text).toBe(' ON DUPLICATE KEY UPDATE count = resource_counts.count + VALUES(count)');
    expect(renderSql(mariadbDialect.onDuplicateIgnore(['tenant_id', 'group_id', 'member_id']), mariadbDialect).text).toBe(' ON DUPLICATE KEY UPDATE tenant_id = tenant_id');
  });

  it('locks rows with FOR UPDATE and LOCK IN SHARE MODE, and has no RETURNING', () => {
    expect(renderSql(mariadbDialect.rowLock('update'), mariadbDialect).text).toBe(' FOR UPDATE');
    expect(renderSql(mariadbDialect.rowLock('keyShare'), mariadbDialect).text).toBe(' LOCK IN SHARE MODE');
    expect(renderSql(mariadbDialect.rowLock('update', { skipLocked: true }), mariadbDialect).text).toBe(' FOR UPDATE SKIP LOCKED');
    expect(mariadbDialect.returning).toBe(false);
    expect(mariadbDialect.textCanHoldNul).toBe(true);
  });

  it('binds ? placeholders, booleans as 1/0, and decodes JSON text and TINYINT booleans', () => {
    expect(renderSql(sql`a = ${parameter(true)} AND b = ${parameter('x')}`, mariadbDialect)).toEqual({ text: 'a = ? AND b = ?', parameters: [1, 'x'] });
    expect(mariadbDialect.decodeJson('{"a":[1]}')).toEqual({ a: [1] });
    expect([mariadbDialect.decodeBoolean(1), mariadbDialect.decodeBoolean(0), mariadbDialect.decodeBoolean(null)]).toEqual([true, false, null]);
  });

  it('names the collations of the engine the server says it is', () => {
    expect(mysqlCollationsFor('10.11.19-MariaDB-0+deb12u1')).toBe(MARIADB_COLLATIONS);
    expect(mysqlCollationsFor('8.0.36')).toBe(MYSQL_COLLATIONS);
    const mysql8 = createMysqlDialect(MYSQL_COLLATIONS);
    expect(renderSql(mysql8.caseFold(sql`x`), mysql8).text).toBe('LOWER(x COLLATE utf8mb4_0900_ai_ci) COLLATE utf8mb4_0900_bin');
  });

  it('refuses JSON path keys that would need escaping', () => {
    expect(mysqlJsonPath(['name', 'familyName'])).toBe(`'$."name"."familyName"'`);
    expect(() => mysqlJsonPath(['a"b'])).toThrow(TypeError);
    expect(() => mysqlJsonPath(['a\\b'])).toThrow(TypeError);
  });
});
