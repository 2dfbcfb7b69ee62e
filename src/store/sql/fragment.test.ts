import { describe, expect, it } from 'vitest';
import type { SqlDialect } from './dialect.js';
import { sqliteDialect, sqliteJsonPath } from './dialects/sqlite.js';
import { joinSql, parameter, quoteSqlString, rawSql, renderSql, sql } from './fragment.js';

/** The SQLite dialect with PostgreSQL's numbered placeholders: what a second dialect changes when rendering. */
const numberedDialect: SqlDialect = { ...sqliteDialect, placeholder: (index: number) => `$${index}` };

describe('SQL fragments', () => {
  const condition = sql`${rawSql('r.tenant_id = ')}${parameter('acme')} AND (${joinSql([sql`a = ${parameter(1)}`, sql`b = ${parameter(true)}`], ' OR ')})`;

  it('keeps values out of the text and numbers placeholders per dialect', () => {
    expect(renderSql(condition, sqliteDialect)).toEqual({ text: 'r.tenant_id = ? AND (a = ? OR b = ?)', parameters: ['acme', 1, 1] });
    expect(renderSql(condition, numberedDialect)).toEqual({ text: 'r.tenant_id = $1 AND (a = $2 OR b = $3)', parameters: ['acme', 1, 1] });
  });

  it('quotes server-written literals and JSON paths, refusing keys a path cannot hold', () => {
    expect(quoteSqlString("O'Malley")).toBe("'O''Malley'");
    expect(sqliteJsonPath(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'manager', 'value'])).toBe(
      `'$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."manager"."value"'`,
    );
    expect(sqliteJsonPath(["it's"])).toBe(`'$."it''s"'`);
    expect(() => sqliteJsonPath(['a"b'])).toThrow(TypeError);
    expect(() => sqliteJsonPath(['a\u0000b'])).toThrow(TypeError);
  });
});
