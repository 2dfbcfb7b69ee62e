/**
 * SQLite behind the sessions store logic is written against: committed
 * reads on the read-only reader connection, transactions on the one writer
 * connection, one at a time (an async mutex orders them, since their
 * callbacks await between statements), with the retry, failure rule and
 * commit check of src/store/sql/transactions.ts.
 */
import Database from 'better-sqlite3';
import { withTablePrefix, type SqlDialect } from '../sql/dialect.js';
import { sqliteDialect } from '../sql/dialects/sqlite.js';
import { sql, sqlParameters, sqlText, type SqlFragment } from '../sql/fragment.js';
import { StatementErrorTally, type PoolUsage, type ReadSnapshot } from '../sql/read-access.js';
import type { SqlDriver, SqlFailure, SqlRow, SqlSession, WriteOptions } from '../sql/session.js';
import { unprefixedName } from '../sql/table-names.js';
import { TransactionRunner, type ImmediateStatements, type OpenTransaction } from '../sql/transactions.js';
import type { SqliteConnection } from './connection.js';
import { AsyncMutex } from './mutex.js';
import { openSqliteSnapshot, sqliteErrorKind } from './sqlite-read-access.js';

const CLOSED = 'The SQLite store is closed';

/** PRAGMA synchronous answers 2 for FULL (see connection.ts). */
const SYNCHRONOUS_FULL = 2;

/** The values as SQLite binds them: copied only when a boolean needs converting (rare; every statement comes through here). */
function bound(statement: SqlFragment): readonly unknown[] {
  // Binding does not depend on the table prefix, so the base dialect serves every store.
  for (const value of statement.values) if (typeof value === 'boolean') return sqlParameters(statement, sqliteDialect);
  return statement.values;
}

/**
 * Statements on one connection, through its cache of prepared statements
 * (keyed by text: the fragment builder renders the same statement to the
 * same text every time). better-sqlite3 runs a statement to completion
 * before it returns, so each runs at once: `allNow`/`firstNow`/`runNow` for
 * a transaction's session, and one settled promise for a committed read.
 */
class SqliteSession implements SqlSession, ImmediateStatements {
  constructor(
    readonly dialect: SqlDialect,
    private readonly connection: () => SqliteConnection,
    private readonly errors: StatementErrorTally,
  ) {}

  all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    try {
      return Promise.resolve(this.allNow<Row>(statement));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    try {
      return Promise.resolve(this.firstNow<Row>(statement));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  run(statement: SqlFragment): Promise<number> {
    try {
      return Promise.resolve(this.runNow(statement));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  allNow<Row = SqlRow>(statement: SqlFragment): Row[] {
    const prepared = this.prepared(statement);
    try {
      return prepared.all(...bound(statement)) as Row[];
    } catch (error) {
      throw this.counted(error);
    }
  }

  firstNow<Row = SqlRow>(statement: SqlFragment): Row | undefined {
    const prepared = this.prepared(statement);
    try {
      return prepared.get(...bound(statement)) as Row | undefined;
    } catch (error) {
      throw this.counted(error);
    }
  }

  runNow(statement: SqlFragment): number {
    const prepared = this.prepared(statement);
    try {
      return prepared.run(...bound(statement)).changes;
    } catch (error) {
      throw this.counted(error);
    }
  }

  private prepared(statement: SqlFragment): Database.Statement {
    const connection = this.connection();
    try {
      return connection.listingStatement(sqlText(statement, this.dialect));
    } catch (error) {
      throw this.counted(error);
    }
  }

  /** Counted as the database said it (metrics), whatever store logic makes of it. */
  private counted(error: unknown): unknown {
    if (error instanceof Database.SqliteError) this.errors.record(sqliteErrorKind(error));
    return error;
  }
}

/**
 * Whether another connection to the file (another process: the CLI, a
 * second instance) holds the lock longer than the busy timeout: the
 * transaction has done nothing that stays, and running it again may pass.
 */
function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'));
}

/** `users.tenant_id, users.user_name_ci` or `index 'users_user_name'`: what SQLite says a unique constraint failed on. */
const UNIQUE_FAILURE = /constraint failed: (?:index '([^']+)'|(.+))$/;

/**
 * The name of the unique index a SQLite constraint message points at,
 * spelled as PostgreSQL names it (so store logic tests one name on every
 * database): a named index by its name, a primary key `<table>_pkey`, a
 * UNIQUE column constraint `<table>_<columns>_key`. SQLite's message names
 * only the columns, so the index is found by them.
 */
function uniqueConstraintName(db: Database.Database, message: string): string | undefined {
  const match = UNIQUE_FAILURE.exec(message);
  if (match === null) return undefined;
  if (match[1] !== undefined) return match[1];
  const qualified = (match[2] ?? '').split(', ').map((column) => column.split('.'));
  const table = qualified[0]?.[0];
  if (table === undefined || qualified.some((parts) => parts.length !== 2 || parts[0] !== table)) return undefined;
  const columns = qualified.map((parts) => parts[1] ?? '');
  try {
    const indexes = db.pragma(`index_list(${JSON.stringify(table)})`) as { name: string; unique: number; origin: string }[];
    for (const index of indexes) {
      if (index.unique !== 1) continue;
      const indexColumns = (db.pragma(`index_info(${JSON.stringify(index.name)})`) as { name: string | null }[]).map((column) => column.name);
      if (indexColumns.length !== columns.length || indexColumns.some((name, position) => name !== columns[position])) continue;
      if (index.origin === 'pk') return `${table}_pkey`;
      if (index.origin === 'u') return `${table}_${columns.join('_')}_key`;
      return index.name;
    }
  } catch {
    // The connection is closing: the columns are all there is to say.
  }
  return match[2];
}

export interface SqliteSessionsSettings {
  readonly writer: SqliteConnection;
  readonly reader: SqliteConnection;
  /** Put before Scimitar's table names (see src/store/sql/table-names.ts); none when not given. */
  readonly tablePrefix?: string;
  /** Where failed statements are counted; a fresh tally when not given. */
  readonly errors?: StatementErrorTally;
}

/** The SQLite driver: SqlSessions over a writer and a reader connection to one database file in WAL mode. */
export class SqliteSessions implements SqlDriver {
  readonly dialect: SqlDialect;
  private readonly writer: SqliteConnection;
  private readonly reader: SqliteConnection;
  private readonly errors: StatementErrorTally;
  private readonly readerSession: SqliteSession;
  private readonly writerSession: SqliteSession;
  /** Whether every commit waits for the disk (synchronous=FULL), so a `sync: false` write has something to relax. */
  private readonly syncsEveryCommit: boolean;
  private readonly mutex = new AsyncMutex();
  private readonly transactions: TransactionRunner;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(settings: SqliteSessionsSettings) {
    this.dialect = withTablePrefix(sqliteDialect, settings.tablePrefix ?? '');
    this.writer = settings.writer;
    this.reader = settings.reader;
    this.errors = settings.errors ?? new StatementErrorTally();
    this.syncsEveryCommit = this.writer.db.pragma('synchronous', { simple: true }) === SYNCHRONOUS_FULL;
    this.readerSession = new SqliteSession(this.dialect, () => this.open(this.reader), this.errors);
    this.writerSession = new SqliteSession(this.dialect, () => this.open(this.writer), this.errors);
    this.transactions = new TransactionRunner({
      dialect: this.dialect,
      begin: (options) => this.begin(options),
      isRetryable: isBusy,
    });
  }

  committed(): SqlSession {
    return this.readerSession;
  }

  /** The writer connection, whose settings (PRAGMA synchronous) its tests read. */
  writerConnection(): SqliteConnection {
    return this.open(this.writer);
  }

  current(): SqlSession {
    return this.transactions.current() ?? this.readerSession;
  }

  write<T>(work: (session: SqlSession) => Promise<T>, options?: WriteOptions): Promise<T> {
    // Checked before queueing too, so a write after close() fails at once instead of behind the close.
    if (this.closed && this.transactions.current() === undefined) return Promise.reject(new TypeError(CLOSED));
    return this.transactions.write(work, options);
  }

  failure(error: unknown): SqlFailure {
    if (!(error instanceof Database.SqliteError)) return { kind: 'other' };
    switch (error.code) {
      case 'SQLITE_CONSTRAINT_UNIQUE':
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
        return { kind: 'unique', constraint: this.constraintName(uniqueConstraintName(this.writer.db, error.message)) };
      case 'SQLITE_CONSTRAINT_FOREIGNKEY':
        // SQLite does not say which foreign key.
        return { kind: 'foreignKey', constraint: undefined };
      default:
        return { kind: 'other' };
    }
  }

  /** The name store logic knows a constraint by, without the table prefix. */
  private constraintName(name: string | undefined): string | undefined {
    return name === undefined ? undefined : unprefixedName(name, this.dialect.tablePrefix);
  }

  async ping(): Promise<void> {
    await this.readerSession.first(sql`SELECT 1`);
  }

  /** A read transaction on a read-only connection of its own: a long export neither holds the shared reader in the past nor blocks the writer (WAL). */
  async openSnapshot(): Promise<ReadSnapshot> {
    return openSqliteSnapshot(this.open(this.reader).db.name, this.dialect, this.errors);
  }

  poolUsage(): PoolUsage | undefined {
    return undefined;
  }

  statementErrors(): ReadonlyMap<string, number> {
    return this.errors.snapshot();
  }

  /** Waits for the running and queued transactions, then closes both connections (the writer last, so it checkpoints the WAL). */
  close(): Promise<void> {
    this.closing ??= this.mutex.run(() => {
      this.closed = true;
      this.reader.close();
      // SQLite's advice for long-lived connections: refresh the planner's
      // statistics where they are missing or stale, just before closing.
      if (this.writer.db.open) this.writer.db.pragma('optimize');
      this.writer.close();
    });
    return this.closing;
  }

  /** The writer lock at once when it is free (the common case: no promise), else in turn. */
  private begin(options: WriteOptions): OpenTransaction | Promise<OpenTransaction> {
    const release = this.mutex.tryAcquire();
    if (release !== undefined) return this.beginLocked(options, release);
    return this.mutex.acquire().then((queued) => this.beginLocked(options, queued));
  }

  private beginLocked({ sync = true }: WriteOptions, release: () => void): OpenTransaction {
    const db = this.writer.db;
    // `sync: false` commits without waiting for the disk even under
    // synchronous=FULL, where each request log batch would otherwise block
    // the event loop on an fsync. In WAL mode such a commit reaches the disk
    // with the next synced commit or checkpoint; a power cut may lose it,
    // and nothing else.
    const relaxed = !sync && this.syncsEveryCommit && !this.closed;
    const finish = () => {
      if (relaxed && db.open) db.pragma('synchronous = FULL');
      release();
    };
    try {
      this.assertOpen();
      if (relaxed) db.pragma('synchronous = NORMAL');
      // IMMEDIATE takes the write lock now, so the transaction cannot fail
      // later with SQLITE_BUSY when it first writes.
      this.writer.statement('BEGIN IMMEDIATE').run();
    } catch (error) {
      if (error instanceof Database.SqliteError) this.errors.record(sqliteErrorKind(error));
      finish();
      throw error;
    }
    return {
      statements: this.writerSession,
      commit: () => {
        try {
          this.writer.statement('COMMIT').run();
        } catch (error) {
          if (error instanceof Database.SqliteError) this.errors.record(sqliteErrorKind(error));
          // A COMMIT that fails with SQLITE_BUSY leaves the transaction open.
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
        return true;
      },
      rollback: () => {
        // SQLite may already have rolled back (on SQLITE_FULL, say).
        if (db.inTransaction) db.exec('ROLLBACK');
      },
      release: finish,
    };
  }

  private open(connection: SqliteConnection): SqliteConnection {
    this.assertOpen();
    return connection;
  }

  private assertOpen(): void {
    if (this.closed) throw new TypeError(CLOSED);
  }
}
