/**
 * What store logic written once runs on. Each database contributes a driver
 * that hands out sessions (an async executor over one connection, or over a
 * pool for reads of committed data) and runs transactions, with its retry
 * on deadlock or serialization failure, its commit check and its error
 * mapping written once per database. Store logic (resources, tenants,
 * events, webhooks, request log) builds statements with the fragment
 * builder and the dialect's hooks, and never names a database.
 */
import type { SqlDialect } from './dialect.js';
import type { SqlFragment } from './fragment.js';
import type { PoolUsage, ReadSnapshot } from './read-access.js';

/** A row as the driver returns it. JSON columns go through `dialect.decodeJson`, booleans through `dialect.decodeBoolean`, counts through `Number`. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** Statements on one connection (or the pool, for committed reads). */
export interface SqlSession {
  readonly dialect: SqlDialect;
  /** Every row of a statement. */
  all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]>;
  /** The first row of a statement, or undefined. */
  first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined>;
  /** A statement that changes rows; returns how many rows it inserted, updated or deleted. */
  run(statement: SqlFragment): Promise<number>;
}

/** How a database failure matters to store logic; everything else is the driver's to translate (a lost connection is StoreUnavailableError). */
export type SqlFailure =
  /** A unique index or primary key refused the row; `constraint` is its name when the database says it. */
  | { readonly kind: 'unique'; readonly constraint: string | undefined }
  /** A foreign key refused the row. */
  | { readonly kind: 'foreignKey'; readonly constraint: string | undefined }
  | { readonly kind: 'other' };

export interface WriteOptions {
  /**
   * Whether the commit must wait for the disk before it returns (default
   * true). Only SQLite under synchronous=FULL makes a difference: the
   * request log's batches pass false (a diagnostic record nobody was told
   * is durable).
   */
  readonly sync?: boolean;
}

/** How store logic reaches the database. */
export interface SqlSessions {
  readonly dialect: SqlDialect;
  /** Statements outside any transaction: committed data only (the pool, or SQLite's reader connection). */
  committed(): SqlSession;
  /** The session of the transaction running in this async context, if any, else `committed()`: tenant and token reads inside a transaction see its writes. */
  current(): SqlSession;
  /**
   * Runs `work` in a transaction: joins the transaction running in this
   * async context, or begins one of its own that commits when `work`
   * resolves and rolls back when it throws. A transaction of its own is run
   * again (up to the driver's limit) when the database aborts it for a
   * deadlock or serialization failure, so `work` must only touch the
   * database through its session.
   */
  write<T>(work: (session: SqlSession) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** What a failed statement means to store logic (a taken unique key, a missing foreign key). */
  failure(error: unknown): SqlFailure;
}

/**
 * A database as the composition store (src/store/sql/sql-store.ts) uses it:
 * sessions, plus what is not a statement of store logic.
 */
export interface SqlDriver extends SqlSessions {
  /** A trivial statement that fails when the database is unreachable (health checks). */
  ping(): Promise<void>;
  /**
   * A read-only snapshot on a connection of its own, for reports that read
   * many statements of one committed state (PostgreSQL REPEATABLE READ READ
   * ONLY; SQLite one read transaction on its own read-only connection).
   */
  openSnapshot(): Promise<ReadSnapshot>;
  /** Connection pool usage now, when the driver has a pool. */
  poolUsage(): PoolUsage | undefined;
  /** Database errors by kind (SQLSTATE class, SQLite result code), since the driver opened. */
  statementErrors(): ReadonlyMap<string, number>;
  /** Waits for the transactions and statements under way, then closes every connection; later calls wait for the same close. */
  close(): Promise<void>;
}
