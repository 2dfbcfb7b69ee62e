/**
 * Snapshots on PostgreSQL: a REPEATABLE READ READ ONLY transaction on a
 * connection taken from the pool for as long as the snapshot is open.
 */
import type { Pool, PoolClient } from 'pg';
import type { SqlDialect } from '../sql/dialect.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import type { ReadSnapshot, SqlRow, StatementErrorTally } from '../sql/read-access.js';
import { postgresErrorKind, translateConnectionError } from './postgres-errors.js';

class PostgresSnapshot implements ReadSnapshot {
  private open = true;

  constructor(
    private readonly client: PoolClient,
    private readonly dialect: SqlDialect,
    private readonly errors: StatementErrorTally,
    private readonly finished: () => void,
  ) {}

  async rows(statement: SqlFragment): Promise<readonly SqlRow[]> {
    if (!this.open) throw new TypeError('The snapshot is closed');
    const { text, parameters } = renderSql(statement, this.dialect);
    try {
      return (await this.client.query(text, parameters as unknown[])).rows as SqlRow[];
    } catch (error) {
      this.errors.record(postgresErrorKind(error));
      throw translateConnectionError(error);
    }
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    let broken: Error | undefined;
    try {
      // Read only: COMMIT and ROLLBACK are the same; ROLLBACK also ends an aborted transaction.
      await this.client.query('ROLLBACK');
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
    } finally {
      this.client.release(broken);
      this.finished();
    }
  }
}

export interface PostgresSnapshotDependencies {
  readonly pool: Pool;
  readonly dialect: SqlDialect;
  readonly errors: StatementErrorTally;
  /** Keeps the store's close() waiting until the snapshot is closed. */
  readonly track: (whileOpen: Promise<void>) => void;
}

/** A REPEATABLE READ READ ONLY transaction on a connection taken from the pool until the snapshot is closed. */
export async function openPostgresSnapshot(dependencies: PostgresSnapshotDependencies): Promise<ReadSnapshot> {
  const { pool, dialect, errors } = dependencies;
  // A lost connection is the store's StoreUnavailableError here too: a 503, like every other read.
  const client = await pool.connect().catch((error: unknown) => {
    errors.record(postgresErrorKind(error));
    throw translateConnectionError(error);
  });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    errors.record(postgresErrorKind(error));
    client.release(error instanceof Error ? error : undefined);
    throw translateConnectionError(error);
  }
  let finished: () => void = () => undefined;
  dependencies.track(new Promise<void>((resolve) => (finished = resolve)));
  return new PostgresSnapshot(client, dialect, errors, () => finished());
}
