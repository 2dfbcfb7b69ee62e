/**
 * The MySQL dialect's hooks, and the ORDER BY it writes, pinned by exact SQL
 * (the filters are pinned with the other dialects' in filter-compiler.test.ts).
 * What these statements return on real rows is checked on MariaDB by
 * test/store/mysql/differential.test.ts against the in-memory evaluator and SQLite.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { createMysqlDialect, MARIADB_COLLATIONS, mariadbDialect, mysqlCollationsFor, MYSQL_COLLATIONS, mysqlJsonPath } from './dialects/mysql.js';
import { parameter, renderSql, sql } from './fragment.js';
import { compileListQuery } from './list-query.js';

const schemas = createDefaultRegistry().forResourceType('User');

/** The guard and the folded text of a JSON string at `path` (a JSON path's SQL text). */
function jsonText(path: string): { guard: string; folded: string } {
  const json = `JSON_EXTRACT(r.attributes, '${path}')`;
  return {
    guard: `COALESCE(JSON_TYPE(${json}), 'NULL') IN ('STRING')`,
    folded: `LOWER(JSON_UNQUOTE(${json}) COLLATE utf8mb4_nopad_bin COLLATE utf8mb4_unicode_520_ci) COLLATE utf8mb4_nopad_bin`,
  };
}

describe('list statements (MySQL dialect)', () => {
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
    const mysql8 = createMysqlDialect(MYSQL_COLLATIONS, 'mysql');
    expect(renderSql(mysql8.caseFold(sql`x`), mysql8).text).toBe('LOWER(x COLLATE utf8mb4_0900_ai_ci) COLLATE utf8mb4_0900_bin');
    // MySQL 8's shared lock takes SKIP LOCKED only as FOR SHARE.
    expect(renderSql(mysql8.rowLock('keyShare', { skipLocked: true }), mysql8).text).toBe(' FOR SHARE SKIP LOCKED');
    expect(renderSql(mariadbDialect.rowLock('keyShare', { skipLocked: true }), mariadbDialect).text).toBe(' LOCK IN SHARE MODE SKIP LOCKED');
  });

  it('refuses JSON path keys that would need escaping', () => {
    expect(mysqlJsonPath(['name', 'familyName'])).toBe(`'$."name"."familyName"'`);
    expect(() => mysqlJsonPath(['a"b'])).toThrow(TypeError);
    expect(() => mysqlJsonPath(['a\\b'])).toThrow(TypeError);
  });
});
