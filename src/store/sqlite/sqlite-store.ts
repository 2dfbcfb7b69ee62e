import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import { SqlStore } from '../sql/sql-store.js';
import { checkedTablePrefix } from '../sql/table-names.js';
import { sqlStoreParts } from '../sql/store-parts.js';
import { openReaderDatabase, openWriterDatabase, SqliteConnection, type SqliteSynchronous } from './connection.js';
import { migrateSqlite } from './migrate.js';
import { sqliteMigrations } from './migrations/index.js';
import { SqliteSessions } from './sqlite-driver.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  readonly filename: string;
  readonly registry: SchemaRegistry;
  /** Bound of the cache of prepared list statements (default 200). */
  readonly listStatementCacheSize?: number;
  /** Whether a commit waits for the disk (default `full`: acknowledged writes survive a power cut; see connection.ts). */
  readonly synchronous?: SqliteSynchronous;
  /** Put before the name of every table (and index) Scimitar owns, so it shares the file with an app's own tables (default none; see src/store/sql/table-names.ts). */
  readonly tablePrefix?: string;
}

/**
 * The embedded store: one SQLite file in WAL mode, with two connections.
 * The reader serves `store.reader` and sees only committed data; the writer
 * runs transactions one at a time (see SqliteSessions).
 */
export type SqliteStore = SqlStore;

/**
 * Opens (creating if needed) the database file, applies pending migrations
 * on the writer connection, then opens the reader on the migrated file.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const { filename } = options;
  const tablePrefix = checkedTablePrefix(options.tablePrefix ?? '');
  if (filename === '' || filename === ':memory:' || filename.startsWith('file:')) {
    // Two connections must reach the same database: an in-memory one would be two databases.
    throw new TypeError('openSqliteStore needs the path of a database file');
  }
  mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const writerDb = openWriterDatabase(filename, options.synchronous);
  let readerDb;
  let applied: number[];
  try {
    applied = migrateSqlite(writerDb, sqliteMigrations, tablePrefix);
    readerDb = openReaderDatabase(filename);
  } catch (error) {
    writerDb.close();
    throw error;
  }
  const cacheSize = options.listStatementCacheSize;
  const version = sqliteMigrations.at(-1)?.version ?? 0;
  const reader = new SqliteConnection(readerDb, cacheSize);
  const sessions = new SqliteSessions({ writer: new SqliteConnection(writerDb, cacheSize), reader, tablePrefix });
  return new SqlStore({
    driver: sessions,
    parts: sqlStoreParts(sessions),
    migrations: { applied, version },
    // None: another process on the same file (the CLI, a second instance) sends no signal, so tokens are read on every request (an indexed read of microseconds here).
    credentialChanges: undefined,
  });
}
