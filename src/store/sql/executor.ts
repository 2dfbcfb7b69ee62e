/**
 * What a database driver contributes to store logic written once over SQL
 * fragments: run a fragment and hand back rows, in the database's own
 * dialect. The request log (src/store/sql/request-log-store.ts) is written
 * against this and nothing else, so both databases run the same statements.
 */
import type { SqlDialect } from './dialect.js';
import type { SqlFragment } from './fragment.js';

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** A statement that returns rows, on a connection that sees committed data. */
  select<Row>(statement: SqlFragment): Promise<Row[]>;
  /**
   * A statement that changes rows, in a transaction of its own (on SQLite,
   * queued behind the running write like every other write). Returns the
   * number of rows it changed. Callers keep the set of distinct texts small: a driver
   * may keep each text's prepared statement.
   */
  change(statement: SqlFragment): Promise<number>;
  /**
   * Statements that change rows, run in order; returns the rows they changed. SQLite runs
   * them in one transaction (one commit for a whole batch: a commit is most of the cost
   * of a small insert there); PostgreSQL may run each in its own.
   */
  changeEach(statements: readonly SqlFragment[]): Promise<number>;
}
