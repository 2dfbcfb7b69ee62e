import { describe, expect, it } from 'vitest';
import { loadServerSecret } from '../auth/server-secret.js';
import { describeDatabase } from '../app/open-store.js';
import { ConfigError, loadConfig } from './config.js';

describe('DATABASE_URL', () => {
  it('mysql:// names a MySQL or MariaDB database, with the pool settings PostgreSQL has', () => {
    const { database } = loadConfig({ DATABASE_URL: 'mysql://scimitar:s%40cret@db.internal:3306/scim', SCIMITAR_DB_POOL_SIZE: '4', SCIMITAR_DB_STATEMENT_TIMEOUT_MS: '5000' });
    expect(database).toEqual({ kind: 'mysql', url: 'mysql://scimitar:s%40cret@db.internal:3306/scim', poolSize: 4, statementTimeoutMs: 5000 });
    // Described without the password.
    expect(describeDatabase(database)).toBe('MySQL at db.internal:3306/scim');
  });

  it('refuses a mysql:// URL without a database, without echoing the URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@127.0.0.1:3306' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@127.0.0.1:3306' })).toThrow(/names no database/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@127.0.0.1:3306' })).not.toThrow(/secret/);
  });

  it('names all three databases when the scheme is unknown', () => {
    expect(() => loadConfig({ DATABASE_URL: 'oracle://x/y' })).toThrow(/sqlite:.*postgres:\/\/.*mysql:\/\//);
  });

  it('requires SCIMITAR_SECRET with MySQL, as with PostgreSQL: every instance must hash tokens with the same key', () => {
    const { database } = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/test' });
    expect(() => loadServerSecret(undefined, database)).toThrow(/SCIMITAR_SECRET.*MySQL/);
    expect(loadServerSecret('x'.repeat(40), database).source).toBe('environment');
  });
});
