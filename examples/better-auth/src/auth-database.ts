/**
 * better-auth's own database, from AUTH_DATABASE_URL: an SQLite file
 * (`sqlite:./data/better-auth.db`, the default) or a PostgreSQL database
 * (`postgres://…`). It is not Scimitar's connection: better-auth opens its
 * own, and so cannot write in Scimitar's transaction — which is why changes
 * reach it through a durable consumer.
 *
 * On SQLite it is a file of its own: two connections of one process to the
 * same file would have better-sqlite3's synchronous busy-wait block the
 * event loop while Scimitar's transaction, which awaits in between its
 * statements, holds the write lock.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface AuthDatabase {
  /** What better-auth's `database` option takes: a better-sqlite3 Database or a pg Pool. */
  readonly connection: Database.Database | pg.Pool;
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export const DEFAULT_AUTH_DATABASE_URL = 'sqlite:./data/better-auth.db';

export class AuthDatabaseUrlError extends Error {
  override readonly name = 'AuthDatabaseUrlError';
}

export function openAuthDatabase(url: string = DEFAULT_AUTH_DATABASE_URL): AuthDatabase {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length);
    if (filename === '') throw new AuthDatabaseUrlError('AUTH_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/better-auth.db');
    mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    const database = new Database(filename, { timeout: 5000 });
    // Readers (session checks) do not wait for the sync's writes.
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    return { connection: database, kind: 'sqlite', close: async () => void database.close() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    return { connection: pool, kind: 'postgres', close: () => pool.end() };
  }
  throw new AuthDatabaseUrlError('AUTH_DATABASE_URL must start with sqlite: or postgres://');
}
