import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { RequestLogStore } from '../../request-log/entry.js';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import type { SqlExecutor } from '../sql/executor.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import { SqlEventHistoryStore, SqlRequestLogStore } from '../sql/request-log-store.js';
import type { EventHistoryStore, EventStore, ListQuery, Store, StoreWriter, TenantStore } from '../store.js';
import type { WebhookStore } from '../webhook-store.js';
import { openReaderDatabase, openWriterDatabase, SqliteConnection, type SqliteSynchronous } from './connection.js';
import { migrateSqlite } from './migrate.js';
import { sqliteMigrations } from './migrations/index.js';
import { AsyncMutex } from './mutex.js';
import { StatementErrorTally, type SqlReadAccess } from '../sql/read-access.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { sqliteErrorKind, sqliteReadAccess } from './sqlite-read-access.js';
import { SqliteTenantStore } from './sqlite-tenant-store.js';
import { SqliteWebhookStore } from './sqlite-webhook-store.js';
import { SqlResourceReader } from '../sql/resource-reader.js';
import { SqlResourceWriter } from '../sql/resource-writer.js';
import type { SqlFailure, SqlSession } from '../sql/session.js';
import Database from 'better-sqlite3';

/** Statements on one connection, as the resource reader and writer run them. */
function connectionSession(connection: () => SqliteConnection): SqlSession {
  const prepared = (statement: SqlFragment) => {
    const { text, parameters } = renderSql(statement, sqliteDialect);
    return { prepared: connection().listingStatement(text), parameters };
  };
  return {
    dialect: sqliteDialect,
    all: async <Row>(statement: SqlFragment) => {
      const { prepared: ready, parameters } = prepared(statement);
      return ready.all(...parameters) as Row[];
    },
    first: async <Row>(statement: SqlFragment) => {
      const { prepared: ready, parameters } = prepared(statement);
      return ready.get(...parameters) as Row | undefined;
    },
    run: async (statement: SqlFragment) => {
      const { prepared: ready, parameters } = prepared(statement);
      return ready.run(...parameters).changes;
    },
  };
}

/** What a failed SQLite statement means to store logic; SQLite names the columns of a unique index, not the index. */
function sqliteFailure(error: unknown): SqlFailure {
  if (!(error instanceof Database.SqliteError)) return { kind: 'other' };
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return { kind: 'unique', constraint: error.message };
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { kind: 'foreignKey', constraint: undefined };
    default:
      return { kind: 'other' };
  }
}

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
 * runs transactions one at a time (an async mutex orders them, since their
 * callbacks await between statements).
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly reader: SqlResourceReader;
  readonly tenants: TenantStore;
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
  readonly requestLog: RequestLogStore;
  readonly eventHistory: EventHistoryStore;
  /** None: another process on the same file (the CLI, a second instance) sends no signal, so tokens are read on every request (an indexed read of microseconds here). */
  readonly credentialChanges = undefined;
  readonly migrations: { readonly applied: readonly number[]; readonly version: number };
  readonly sql: SqlReadAccess;
  private readonly statementErrors = new StatementErrorTally();
  private readonly writerConnection: SqliteConnection;
  private readonly syncsEveryCommit: boolean;
  private readonly readerConnection: SqliteConnection;
  private readonly registry: SchemaRegistry;
  private readonly mutex = new AsyncMutex();
  /** Marks the async context of a running transaction, to refuse a nested one instead of deadlocking. */
  private readonly inTransaction = new AsyncLocalStorage<SqlResourceWriter>();
  private closed = false;

  constructor(
    writer: SqliteConnection,
    reader: SqliteConnection,
    registry: SchemaRegistry,
    migrations: { readonly applied: readonly number[]; readonly version: number },
  ) {
    this.migrations = migrations;
    this.writerConnection = writer;
    // PRAGMA synchronous: 2 is FULL (see connection.ts).
    this.syncsEveryCommit = writer.db.pragma('synchronous', { simple: true }) === 2;
    this.readerConnection = reader;
    this.registry = registry;
    const readerSession = connectionSession(() => this.openConnection(this.readerConnection));
    this.reader = new SqlResourceReader(() => readerSession);
    this.tenants = new SqliteTenantStore(() => this.openConnection(this.readerConnection), (write) => this.serialisedWrite(write));
    this.events = new SqliteEventStore(() => this.openConnection(this.readerConnection), (write) => this.serialisedWrite(write));
    this.webhooks = new SqliteWebhookStore(() => this.openConnection(this.readerConnection), (write) => this.serialisedWrite(write));
    const executor: SqlExecutor = {
      dialect: sqliteDialect,
      select: async <Row>(statement: SqlFragment) => {
        const { text, parameters } = renderSql(statement, sqliteDialect);
        return this.openConnection(this.readerConnection).listingStatement(text).all(...parameters) as Row[];
      },
      // The writer's cache of fixed statements: the callers' texts are few (see SqlExecutor.change).
      // Only the request log writes through here: a diagnostic record, not a change anyone was
      // told is done, so its batches do not wait for the disk (see serialisedWrite's `sync`).
      change: (statement: SqlFragment) => executor.changeEach([statement]),
      changeEach: (statements: readonly SqlFragment[]) =>
        this.serialisedWrite(
          (writer) =>
            statements.reduce((changed, statement) => {
              const { text, parameters } = renderSql(statement, sqliteDialect);
              return changed + writer.statement(text).run(...parameters).changes;
            }, 0),
          { sync: false },
        ),
    };
    this.requestLog = new SqlRequestLogStore(executor);
    this.eventHistory = new SqlEventHistoryStore(executor);
    this.sql = sqliteReadAccess(() => this.openConnection(this.readerConnection), this.statementErrors);
  }

  async transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    this.assertOpen();
    if (this.inTransaction.getStore() !== undefined) {
      throw new TypeError('store.transaction was called inside a transaction; use the writer passed to the outer callback');
    }
    return this.mutex.run(async () => {
      this.assertOpen();
      const db = this.writerConnection.db;
      // IMMEDIATE takes the write lock now, so the transaction cannot fail
      // later with SQLITE_BUSY when it first writes.
      db.exec('BEGIN IMMEDIATE');
      const writer = new SqlResourceWriter(connectionSession(() => this.writerConnection), sqliteFailure);
      try {
        const result = await this.inTransaction.run(writer, () => work(writer));
        await writer.flushCounts();
        writer.end();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        writer.end();
        if (sqliteErrorKind(error) !== 'other') this.statementErrors.record(sqliteErrorKind(error));
        // SQLite may already have rolled back (e.g. on SQLITE_FULL).
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** See SqlResourceReader.explainList: the query plans of a list request, for index checks. */
  async explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<{ count: string[]; page: string[] }> {
    this.assertOpen();
    return this.reader.explainList(tenantId, resourceType, query);
  }

  async ping(): Promise<void> {
    this.openConnection(this.readerConnection).statement('SELECT 1').get();
  }

  /** Waits for the running and queued transactions, then closes both connections (the writer last, so it checkpoints the WAL). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.mutex.run(() => {
      this.closed = true;
      this.readerConnection.close();
      // SQLite's advice for long-lived connections: refresh the planner's
      // statistics where they are missing or stale, just before closing.
      if (this.writerConnection.db.open) this.writerConnection.db.pragma('optimize');
      this.writerConnection.close();
    });
  }

  /**
   * Every write outside `transaction` (tenants, tokens) takes the same lock, or joins the caller's transaction.
   * `sync: false` commits without waiting for the disk even when every commit is synced
   * (synchronous=FULL): under FULL each request log batch would block the event loop on an
   * fsync. In WAL mode such a commit reaches the disk with the next synced commit or
   * checkpoint; a power cut may lose it, and nothing else.
   */
  private async serialisedWrite<T>(write: (writer: SqliteConnection) => T, { sync = true }: { readonly sync?: boolean } = {}): Promise<T> {
    this.assertOpen();
    if (this.inTransaction.getStore() !== undefined) return write(this.writerConnection);
    return this.mutex.run(() => {
      this.assertOpen();
      const db = this.writerConnection.db;
      const commit = () => db.transaction(() => write(this.writerConnection)).immediate();
      if (sync || !this.syncsEveryCommit) return commit();
      db.pragma('synchronous = NORMAL');
      try {
        return commit();
      } finally {
        db.pragma('synchronous = FULL');
      }
    });
  }

  private openConnection(connection: SqliteConnection): SqliteConnection {
    this.assertOpen();
    return connection;
  }

  private assertOpen(): void {
    if (this.closed) throw new TypeError('The SQLite store is closed');
  }
}

/**
 * Opens (creating if needed) the database file, applies pending migrations
 * on the writer connection, then opens the reader on the migrated file.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const { filename, registry } = options;
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
  return new SqliteStore(new SqliteConnection(writerDb, cacheSize), new SqliteConnection(readerDb, cacheSize), registry, { applied, version });
}
