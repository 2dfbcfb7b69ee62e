import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import { SqlEventHistoryStore, SqlRequestLogStore } from '../sql/request-log-store.js';
import { SqlResourceReader } from '../sql/resource-reader.js';
import { SqlResourceWriter } from '../sql/resource-writer.js';
import { sessionsExecutor, SqlStore, type SqlStoreParts } from '../sql/sql-store.js';
import { openReaderDatabase, openWriterDatabase, SqliteConnection, type SqliteSynchronous } from './connection.js';
import { migrateSqlite } from './migrate.js';
import { sqliteMigrations } from './migrations/index.js';
import { SqliteSessions } from './sqlite-driver.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import type { SerialisedWrite } from './sqlite-tenant-store.js';
import { SqliteTenantStore } from './sqlite-tenant-store.js';
import { SqliteWebhookStore } from './sqlite-webhook-store.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  readonly filename: string;
  readonly registry: SchemaRegistry;
  /** Bound of the cache of prepared list statements (default 200). */
  readonly listStatementCacheSize?: number;
  /** Whether a commit waits for the disk (default `full`: acknowledged writes survive a power cut; see connection.ts). */
  readonly synchronous?: SqliteSynchronous;
}

/**
 * The embedded store: one SQLite file in WAL mode, with two connections.
 * The reader serves `store.reader` and sees only committed data; the writer
 * runs transactions one at a time (see SqliteSessions).
 */
export type SqliteStore = SqlStore;

/** The store parts still written against SQLite connections, wired to the driver's. */
function sqliteParts(sessions: SqliteSessions): SqlStoreParts {
  const readerConnection = () => sessions.readerConnection();
  // Joins the running transaction, or runs one of its own, on the writer connection.
  const write: SerialisedWrite = (change) => sessions.write(async () => change(sessions.writerConnection()));
  const executor = sessionsExecutor(sessions);
  return {
    reader: new SqlResourceReader(() => sessions.committed()),
    tenants: new SqliteTenantStore(readerConnection, write),
    events: new SqliteEventStore(readerConnection, write),
    webhooks: new SqliteWebhookStore(readerConnection, write),
    requestLog: new SqlRequestLogStore(executor),
    eventHistory: new SqlEventHistoryStore(executor),
    writer: (session) => new SqlResourceWriter(session, (error) => sessions.failure(error)),
  };
}

/**
 * Opens (creating if needed) the database file, applies pending migrations
 * on the writer connection, then opens the reader on the migrated file.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const { filename } = options;
  if (filename === '' || filename === ':memory:' || filename.startsWith('file:')) {
    // Two connections must reach the same database: an in-memory one would be two databases.
    throw new TypeError('openSqliteStore needs the path of a database file');
  }
  mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const writerDb = openWriterDatabase(filename, options.synchronous);
  let readerDb;
  let applied: number[];
  try {
    applied = migrateSqlite(writerDb);
    readerDb = openReaderDatabase(filename);
  } catch (error) {
    writerDb.close();
    throw error;
  }
  const cacheSize = options.listStatementCacheSize;
  const version = sqliteMigrations.at(-1)?.version ?? 0;
  const reader = new SqliteConnection(readerDb, cacheSize);
  const sessions = new SqliteSessions({ writer: new SqliteConnection(writerDb, cacheSize), reader });
  return new SqlStore({
    driver: sessions,
    parts: sqliteParts(sessions),
    migrations: { applied, version },
    // None: another process on the same file (the CLI, a second instance) sends no signal, so tokens are read on every request (an indexed read of microseconds here).
    credentialChanges: undefined,
  });
}
