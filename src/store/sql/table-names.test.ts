import { describe, expect, it } from 'vitest';
import { withTablePrefix } from './dialect.js';
import { postgresDialect } from './dialects/postgres.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { asAppStatement, parameter, rawSql, sql, sqlText } from './fragment.js';
import { checkedTablePrefix, isScimitarName, MAX_TABLE_PREFIX_LENGTH, prefixTableNames, tablePrefixProblem, unprefixedName } from './table-names.js';

describe('prefixTableNames', () => {
  it('puts the prefix on tables, bare and quoted, and on the names derived from them', () => {
    expect(prefixTableNames('SELECT u.id FROM users AS u JOIN "groups" g ON g.id = u.id', 'scim_')).toBe('SELECT u.id FROM scim_users AS u JOIN "scim_groups" g ON g.id = u.id');
    expect(prefixTableNames('CREATE UNIQUE INDEX users_user_name ON users (tenant_id, user_name_ci)', 'scim_')).toBe(
      'CREATE UNIQUE INDEX scim_users_user_name ON scim_users (tenant_id, user_name_ci)',
    );
    expect(prefixTableNames('CONSTRAINT tokens_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES `tenants` (id)', 'scim_')).toBe(
      'CONSTRAINT scim_tokens_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES `scim_tenants` (id)',
    );
  });

  it('leaves columns, qualified names, string literals and comments alone', () => {
    const text = `SELECT users.id, r. users, 'users' AS label, user_id, tenant_id FROM t -- users\n/* groups */ WHERE x = 'it''s events'`;
    expect(prefixTableNames(text, 'scim_')).toBe(`SELECT scim_users.id, r. users, 'users' AS label, user_id, tenant_id FROM t -- users\n/* groups */ WHERE x = 'it''s events'`);
  });

  it('leaves identifiers that only contain a table name alone', () => {
    expect(prefixTableNames('SELECT app_users, users2, userss, eventsx FROM app_events', 'scim_')).toBe('SELECT app_users, users2, userss, eventsx FROM app_events');
  });

  it('changes nothing without a prefix', () => {
    const text = 'SELECT * FROM users';
    expect(prefixTableNames(text, '')).toBe(text);
  });
});

describe('table prefix names', () => {
  it('knows tables and the names derived from them', () => {
    expect(isScimitarName('users')).toBe(true);
    expect(isScimitarName('webhook_deliveries_webhook_id_sequence_key')).toBe(true);
    expect(isScimitarName('user_name_ci')).toBe(false);
    expect(isScimitarName('sessions')).toBe(false);
  });

  it('takes the prefix off the names a database reports, table-qualified or not', () => {
    expect(unprefixedName('scim_users_user_name', 'scim_')).toBe('users_user_name');
    expect(unprefixedName('scim_users.scim_users_user_name', 'scim_')).toBe('users.users_user_name');
    expect(unprefixedName('scim_app_thing', 'scim_')).toBe('scim_app_thing');
    expect(unprefixedName('users_user_name', '')).toBe('users_user_name');
  });

  it('accepts lower-case identifiers up to the limit and explains every refusal', () => {
    expect(tablePrefixProblem('scim_')).toBeUndefined();
    expect(tablePrefixProblem('')).toBeUndefined();
    expect(tablePrefixProblem('a'.repeat(MAX_TABLE_PREFIX_LENGTH))).toBeUndefined();
    expect(tablePrefixProblem('a'.repeat(MAX_TABLE_PREFIX_LENGTH + 1))).toMatch(/at most 12 characters.*PostgreSQL 63, MySQL 64/);
    for (const bad of ['Scim_', '1scim_', 'scim-', 'scim_;drop', 'sc"im', ' scim_', 'scïm_']) expect(tablePrefixProblem(bad)).toMatch(/lower-case letters, digits and _/);
    expect(() => checkedTablePrefix('Scim_')).toThrow(TypeError);
  });
});

describe('rendering with a table prefix', () => {
  it('renders store statements with the prefix, once per shape, and the app statements as written', () => {
    const prefixed = withTablePrefix(postgresDialect, 'scim_');
    expect(withTablePrefix(postgresDialect, 'scim_')).toBe(prefixed);
    const statement = (id: string) => sql`SELECT id FROM users WHERE id = ${parameter(id)}`;
    expect(sqlText(statement('a'), prefixed)).toBe('SELECT id FROM scim_users WHERE id = $1');
    // The same string object on the next call: taken from the cache, not rewritten again.
    expect(sqlText(statement('b'), prefixed)).toBe(sqlText(statement('a'), prefixed));
    expect(sqlText(statement('a'), postgresDialect)).toBe('SELECT id FROM users WHERE id = $1');
    expect(sqlText(rawSql('DELETE FROM events'), withTablePrefix(sqliteDialect, 'scim_'))).toBe('DELETE FROM scim_events');
    const appStatement = asAppStatement(sql`UPDATE users SET active = ${parameter(false)}`);
    expect(sqlText(appStatement, prefixed)).toBe('UPDATE users SET active = $1');
  });
});
