import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const POSTGRES_URL = 'postgres://scimitar@db.internal:5432/app';

describe('SCIMITAR_DB_PREPARED_STATEMENTS', () => {
  it('is on by default on PostgreSQL: statements are parsed once per connection', () => {
    expect(loadConfig({ DATABASE_URL: POSTGRES_URL }).database).toMatchObject({ kind: 'postgres', preparedStatements: true });
  });

  it('turns them off for a pooler that cannot keep prepared statements across transactions', () => {
    expect(loadConfig({ DATABASE_URL: POSTGRES_URL, SCIMITAR_DB_PREPARED_STATEMENTS: 'false' }).database).toMatchObject({ preparedStatements: false });
  });

  it('refuses a value that is not a boolean, naming the setting', () => {
    expect(() => loadConfig({ DATABASE_URL: POSTGRES_URL, SCIMITAR_DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: POSTGRES_URL, SCIMITAR_DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/SCIMITAR_DB_PREPARED_STATEMENTS/);
  });

  it('has no meaning on SQLite or MySQL, whose configuration does not carry it', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://root@db.internal:3306/app' }).database).not.toHaveProperty('preparedStatements');
    expect(loadConfig({ DATABASE_URL: 'sqlite:./data/x.db' }).database).not.toHaveProperty('preparedStatements');
  });
});
