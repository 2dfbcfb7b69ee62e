/**
 * The SQLite store's connections as SqlSessions, for the store logic
 * written once over them (tenants, events, request log): committed reads on
 * the reader connection, writes on the writer connection in a transaction
 * ordered by the store's mutex, or in the store's running transaction.
 */
import Database from 'better-sqlite3';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import type { SqlFailure, SqlRow, SqlSession, SqlSessions, WriteOptions } from '../sql/session.js';
import type { SqliteConnection } from './connection.js';
import type { AsyncMutex } from './mutex.js';

class SqliteSession implements SqlSession {
  readonly dialect = sqliteDialect;

  constructor(private readonly connection: () => SqliteConnection) {}

  async all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    const { text, parameters } = renderSql(statement, sqliteDialect);
    return this.connection().listingStatement(text).all(...parameters) as Row[];
  }

  async first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    const { text, parameters } = renderSql(statement, sqliteDialect);
    return this.connection().listingStatement(text).get(...parameters) as Row | undefined;
  }

  async run(statement: SqlFragment): Promise<number> {
    const { text, parameters } = renderSql(statement, sqliteDialect);
    return this.connection().listingStatement(text).run(...parameters).changes;
  }
}

export interface SqliteSessionSource {
  /** The reader connection; throws once the store is closed. */
  readonly reader: () => SqliteConnection;
  /** The writer connection; throws once the store is closed. */
  readonly writer: () => SqliteConnection;
  readonly mutex: AsyncMutex;
  /** Whether a transaction of the store runs in this async context (its writes join it). */
  readonly inTransaction: () => boolean;
  /** Whether every commit waits for the disk (synchronous=FULL). */
  readonly syncsEveryCommit: boolean;
}

export function sqliteSessions(source: SqliteSessionSource): SqlSessions {
  const committed = new SqliteSession(source.reader);
  const writing = new SqliteSession(source.writer);
  return {
    dialect: sqliteDialect,
    committed: () => committed,
    current: () => (source.inTransaction() ? writing : committed),
    write: async <T>(work: (session: SqlSession) => Promise<T>, { sync = true }: WriteOptions = {}): Promise<T> => {
      if (source.inTransaction()) return work(writing);
      return source.mutex.run(async () => {
        const db = source.writer().db;
        // A commit that need not wait for the disk (the request log's) still reaches it with the next synced commit or checkpoint.
        const relaxed = !sync && source.syncsEveryCommit;
        if (relaxed) db.pragma('synchronous = NORMAL');
        try {
          // IMMEDIATE takes the write lock now, so the transaction cannot fail later with SQLITE_BUSY.
          db.exec('BEGIN IMMEDIATE');
          try {
            const result = await work(writing);
            db.exec('COMMIT');
            return result;
          } catch (error) {
            // SQLite may already have rolled back (e.g. on SQLITE_FULL).
            if (db.inTransaction) db.exec('ROLLBACK');
            throw error;
          }
        } finally {
          if (relaxed) db.pragma('synchronous = FULL');
        }
      });
    },
    failure: sqliteFailure,
  };
}

function sqliteFailure(error: unknown): SqlFailure {
  if (!(error instanceof Database.SqliteError)) return { kind: 'other' };
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
      return { kind: 'unique', constraint: undefined };
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { kind: 'foreignKey', constraint: undefined };
    default:
      return { kind: 'other' };
  }
}
