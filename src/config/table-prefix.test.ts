import { describe, expect, it } from 'vitest';
import { describeDatabase } from '../app/open-store.js';
import { ConfigError, loadConfig } from './config.js';

describe('SCIMITAR_DB_TABLE_PREFIX', () => {
  it('is none by default, so an existing installation keeps its table names', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/scimitar.db' }).database).not.toHaveProperty('tablePrefix');
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/scimitar.db', SCIMITAR_DB_TABLE_PREFIX: '' }).database).not.toHaveProperty('tablePrefix');
  });

  it('applies to SQLite, PostgreSQL and MySQL alike, and is told in the description of the database', () => {
    for (const url of ['sqlite:/tmp/scimitar.db', 'postgres://db.internal/app', 'mysql://db.internal/app']) {
      const { database } = loadConfig({ DATABASE_URL: url, SCIMITAR_DB_TABLE_PREFIX: 'scim_' });
      expect(database.tablePrefix).toBe('scim_');
      expect(describeDatabase(database)).toMatch(/ \(tables prefixed scim_\)$/);
    }
  });

  it('stops the start with a configuration error naming the setting for a prefix that is not a plain lower-case identifier or is too long', () => {
    for (const prefix of ['Scim_', '9scim_', 'scim-', 'scim_; DROP TABLE users', 'x'.repeat(13)]) {
      expect(() => loadConfig({ DATABASE_URL: 'sqlite:/tmp/scimitar.db', SCIMITAR_DB_TABLE_PREFIX: prefix })).toThrow(ConfigError);
      expect(() => loadConfig({ DATABASE_URL: 'mysql://db.internal/app', SCIMITAR_DB_TABLE_PREFIX: prefix })).toThrow(/^Invalid configuration: SCIMITAR_DB_TABLE_PREFIX: must/);
    }
  });
});
