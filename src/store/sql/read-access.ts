/**
 * Reads written once over the SQL fragment builder, for features that are
 * not resource reads (reports, metrics probes): each database supplies
 * only how to run a statement and how to hold one consistent snapshot.
 */
import type { SqlDialect } from './dialect.js';
import type { SqlFragment } from './fragment.js';
import type { SqlDriver } from './session.js';

/** A row as the driver returns it: column names to values (JSON columns are decoded with `decodeJson`). */
export type SqlRow = Readonly<Record<string, unknown>>;

/** Runs read statements; every statement of one snapshot sees the same committed state. */
export interface SqlReader {
  rows(statement: SqlFragment): Promise<readonly SqlRow[]>;
}

/** A read-only transaction over one connection, held until `close`. */
export interface ReadSnapshot extends SqlReader {
  /** Ends the transaction and gives the connection back; safe to call twice. */
  close(): Promise<void>;
}

/** How the database pool is used (PostgreSQL); the embedded store has no pool. */
export interface PoolUsage {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface SqlReadAccess {
  readonly dialect: SqlDialect;
  /** One statement outside any transaction (committed data). */
  readonly committed: SqlReader;
  /**
   * Opens a read-only snapshot: PostgreSQL REPEATABLE READ READ ONLY on a
   * connection of its own, SQLite one read transaction on a connection of
   * its own (WAL lets writers go on meanwhile). Close it promptly: while it
   * is open, PostgreSQL keeps the row versions it may read and SQLite cannot
   * checkpoint past it.
   */
  openSnapshot(): Promise<ReadSnapshot>;
  /** JSON columns: text on SQLite, already parsed (jsonb) on PostgreSQL. */
  decodeJson(value: unknown): unknown;
  /** Connection pool usage now, when the store has a pool. */
  poolUsage(): PoolUsage | undefined;
  /** Database errors by kind (SQLSTATE class on PostgreSQL, result code on SQLite), since the store opened. */
  statementErrors(): ReadonlyMap<string, number>;
}

/** Counts database errors by kind, for `statementErrors`. */
export class StatementErrorTally {
  private readonly counts = new Map<string, number>();

  record(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  snapshot(): ReadonlyMap<string, number> {
    return new Map(this.counts);
  }
}

/** SqlReadAccess over a driver: committed reads through its sessions, JSON decoded by its dialect, snapshots and health as the driver keeps them. */
export function driverReadAccess(driver: SqlDriver): SqlReadAccess {
  const committed: SqlReader = { rows: (statement) => driver.committed().all(statement) };
  return {
    dialect: driver.dialect,
    committed,
    openSnapshot: () => driver.openSnapshot(),
    decodeJson: (value) => driver.dialect.decodeJson(value),
    poolUsage: () => driver.poolUsage(),
    statementErrors: () => driver.statementErrors(),
  };
}
