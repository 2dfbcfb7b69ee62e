/**
 * The MySQL/MariaDB driver: sessions over a mysql2 pool, for the store
 * logic written once over SqlSessions (src/store/sql/session.ts), with the
 * retry, failure rule and commit check of src/store/sql/transactions.ts.
 *
 * Every statement is a prepared statement (mysql2 `execute`): values travel
 * apart from the text, byte for byte, so U+0000 and 4-byte UTF-8 arrive as
 * sent whatever the connection's escaping rules.
 *
 * Transactions run on one connection between START TRANSACTION and COMMIT
 * under READ COMMITTED, the isolation the PostgreSQL store runs in.
 * Correctness between instances rests on the database alone, as there:
 * unique indexes, conditional UPDATEs, and the row locks the dialect names
 * (FOR UPDATE / LOCK IN SHARE MODE).
 *
 * MySQL differs from PostgreSQL in what a failed statement does to its
 * transaction: only a deadlock rolls the whole transaction back, and
 * statements after it would run outside any transaction (autocommitted).
 * The transaction runner's rule (the first failure ends the transaction)
 * is what keeps that from happening here.
 */
import type { ExecuteValues, Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { createMysqlDialect, mysqlCollationsFor, type MysqlCollations } from '../sql/dialects/mysql.js';
import { withTablePrefix, type SqlDialect } from '../sql/dialect.js';
import { unprefixedName } from '../sql/table-names.js';
import { renderSql, sql, type SqlFragment } from '../sql/fragment.js';
import { StatementErrorTally, type PoolUsage, type ReadSnapshot, type SqlRow as ReadRow } from '../sql/read-access.js';
import type { SqlDriver, SqlFailure, SqlRow, SqlSession, WriteOptions } from '../sql/session.js';
import { TransactionRunner, type OpenTransaction } from '../sql/transactions.js';
import { WorkInFlight } from '../sql/work-in-flight.js';
import { isConnectionLoss, isRetryableTransactionError, mysqlErrorKind, mysqlFailure, translateConnectionError } from './mysql-errors.js';
import { sessionSettings } from './pool.js';

export type MysqlEngine = 'mariadb' | 'mysql';

/** Which engine answers, from `SELECT VERSION()` (MariaDB says so in it). */
export function mysqlEngineFor(version: string): MysqlEngine {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/**
 * What a statement changed, as PostgreSQL counts it: an UPDATE counts the
 * rows it matched (MySQL's own count leaves out rows already holding the
 * new values), an INSERT … ON DUPLICATE KEY UPDATE the rows it inserted or
 * changed (MySQL counts a changed row twice), anything else the rows it
 * affected. The server's info text says "Rows matched: M  Changed: C
 * Warnings: W" after an UPDATE and "Records: R  Duplicates: D  Warnings: W"
 * after a multi-row INSERT, D being the rows the upsert changed. A key
 * already present whose row the upsert leaves as it was counts 0 here (1 in
 * PostgreSQL's ON CONFLICT DO UPDATE; DO NOTHING counts it 0 as here).
 */
export function changedRowCount(header: Pick<ResultSetHeader, 'affectedRows' | 'info'>, statement: string): number {
  const info = header.info ?? '';
  const matched = /Rows matched: (\d+)/.exec(info);
  if (matched?.[1] !== undefined) return Number(matched[1]);
  if (!UPSERT.test(statement)) return header.affectedRows;
  const duplicates = /Duplicates: (\d+)/.exec(info);
  if (duplicates?.[1] !== undefined) return header.affectedRows - Number(duplicates[1]);
  // A single-row upsert that changed the row says 2.
  return header.affectedRows === 2 ? 1 : header.affectedRows;
}

const UPSERT = /\bON DUPLICATE KEY UPDATE\b/;

function asRows<Row>(result: unknown): Row[] {
  if (!Array.isArray(result)) throw new TypeError('The statement returned no rows: use run() for statements that change rows');
  return result as Row[];
}

function asHeader(result: unknown): ResultSetHeader {
  if (Array.isArray(result)) throw new TypeError('The statement returned rows: use all() or first() for queries');
  return result as ResultSetHeader;
}

/** Statements on one connection, or on a connection taken from the pool for each statement. */
class MysqlSession implements SqlSession {
  constructor(
    readonly dialect: SqlDialect,
    private readonly execute: (text: string, parameters: ExecuteValues[]) => Promise<unknown>,
  ) {}

  async all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    return asRows<Row>(await this.send(statement));
  }

  async first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    return asRows<Row>(await this.send(statement))[0];
  }

  async run(statement: SqlFragment): Promise<number> {
    const { text, parameters } = renderSql(statement, this.dialect);
    return changedRowCount(asHeader(await this.execute(text, parameters as ExecuteValues[])), text);
  }

  private send(statement: SqlFragment): Promise<unknown> {
    const { text, parameters } = renderSql(statement, this.dialect);
    return this.execute(text, parameters as ExecuteValues[]);
  }
}

export interface MysqlSessionsSettings {
  readonly engine: MysqlEngine;
  readonly collations: MysqlCollations;
  readonly statementTimeoutMs: number;
  /** Put before Scimitar's table names (see src/store/sql/table-names.ts); none when not given. */
  readonly tablePrefix?: string;
}

/** mysql2's pool keeps its connections in fields it does not type; read only for poolUsage. */
interface PoolInternals {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
}

/** The MySQL/MariaDB driver: SqlSessions over a mysql2 pool. */
export class MysqlSessions implements SqlDriver {
  readonly dialect: SqlDialect;
  readonly engine: MysqlEngine;
  /** The engine's binary collation and its case-folding one (src/store/sql/dialects/mysql.ts). */
  readonly collations: MysqlCollations;
  private readonly pool: Pool;
  private readonly settings: MysqlSessionsSettings;
  private readonly errors = new StatementErrorTally();
  /** Connections already put into the store's settings (sql_mode, charset, time zone, isolation). */
  private readonly prepared = new WeakSet<object>();
  private readonly pooled: MysqlSession;
  private readonly transactions: TransactionRunner;
  /** Transactions, statements and snapshots under way, which `close` waits for. */
  private readonly work = new WorkInFlight();

  constructor(pool: Pool, settings: MysqlSessionsSettings) {
    this.pool = pool;
    this.settings = settings;
    this.engine = settings.engine;
    this.collations = settings.collations;
    this.dialect = withTablePrefix(createMysqlDialect(settings.collations, settings.engine), settings.tablePrefix ?? '');
    this.pooled = new MysqlSession(this.dialect, (text, parameters) => {
      if (this.work.state === 'closed') throw new TypeError('The MySQL store is closed');
      return this.track(this.executePooled(text, parameters));
    });
    this.transactions = new TransactionRunner({
      dialect: this.dialect,
      begin: () => this.begin(),
      isRetryable: isRetryableTransactionError,
    });
  }

  /** Opens sessions over `pool`, asking the server which engine it is. */
  static async open(pool: Pool, statementTimeoutMs: number, tablePrefix = ''): Promise<MysqlSessions> {
    const connection = await pool.getConnection().catch((error: unknown) => {
      throw translateConnectionError(error);
    });
    try {
      const [rows] = await connection.query('SELECT VERSION() AS version');
      const version = String(asRows<{ version: unknown }>(rows)[0]?.version ?? '');
      return new MysqlSessions(pool, { engine: mysqlEngineFor(version), collations: mysqlCollationsFor(version), statementTimeoutMs, tablePrefix });
    } finally {
      connection.release();
    }
  }

  committed(): SqlSession {
    return this.pooled;
  }

  current(): SqlSession {
    return this.transactions.current() ?? this.pooled;
  }

  write<T>(work: (session: SqlSession) => Promise<T>, options?: WriteOptions): Promise<T> {
    if (this.transactions.current() !== undefined) return this.transactions.write(work, options);
    if (this.work.state !== 'open') return Promise.reject(new TypeError('The MySQL store is closed'));
    return this.track(this.transactions.write(work, options));
  }

  failure(error: unknown): SqlFailure {
    const failure = mysqlFailure(error);
    // Store logic knows constraints by their names without the table prefix.
    if (failure.kind === 'other' || failure.constraint === undefined) return failure;
    return { kind: failure.kind, constraint: unprefixedName(failure.constraint, this.dialect.tablePrefix) };
  }

  async ping(): Promise<void> {
    await this.pooled.first(sql`SELECT 1 AS alive`);
  }

  /** REPEATABLE READ READ ONLY with a consistent snapshot taken at once, on a connection of its own. */
  async openSnapshot(): Promise<ReadSnapshot> {
    if (this.work.state !== 'open') throw new TypeError('The MySQL store is closed');
    const connection = await this.connection();
    try {
      // Applies to the next transaction only; the connection keeps READ COMMITTED otherwise.
      await connection.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await connection.query('START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT');
    } catch (error) {
      this.release(connection, true);
      this.failed(error);
    }
    let finished: () => void = () => undefined;
    void this.track(new Promise<void>((resolve) => (finished = resolve)));
    let open = true;
    const session = new MysqlSession(this.dialect, (text, parameters) => this.executeOn(connection, text, parameters));
    return {
      rows: (statement: SqlFragment) => session.all<ReadRow>(statement),
      close: async () => {
        if (!open) return;
        open = false;
        let broken = false;
        await connection.query('COMMIT').catch(() => {
          broken = true;
        });
        this.release(connection, broken);
        finished();
      },
    };
  }

  poolUsage(): PoolUsage {
    const internals = this.pool.pool as unknown as PoolInternals;
    const total = internals._allConnections?.length ?? 0;
    const idle = internals._freeConnections?.length ?? 0;
    return { total, idle, waiting: internals._connectionQueue?.length ?? 0 };
  }

  statementErrors(): ReadonlyMap<string, number> {
    return this.errors.snapshot();
  }

  /**
   * A connection of the pool in the store's settings, for work that needs
   * one connection outside the sessions (the migration lock). Give it back
   * with `release(connection, broken)`.
   */
  async connection(): Promise<PoolConnection> {
    if (this.work.state === 'closed') throw new TypeError('The MySQL store is closed');
    const connection = await this.pool.getConnection().catch((error: unknown) => this.failed(error));
    if (this.prepared.has(connection.connection)) return connection;
    try {
      for (const statement of sessionSettings(this.settings.collations, this.settings.statementTimeoutMs, this.settings.engine)) await connection.query(statement);
    } catch (error) {
      connection.destroy();
      this.failed(error);
    }
    this.prepared.add(connection.connection);
    return connection;
  }

  /** Returns a connection to the pool, or closes it when it can no longer be trusted (a failed BEGIN or ROLLBACK, a lost connection). */
  release(connection: PoolConnection, broken: boolean): void {
    if (broken) connection.destroy();
    else connection.release();
  }

  /** Waits for the transactions, statements and snapshots under way, then closes every connection. Calling it again waits for the same close. */
  close(): Promise<void> {
    return this.work.close(() => this.pool.end());
  }

  /** Counted as the database said it (metrics); answered as the store says it (a lost connection is StoreUnavailableError, a 503). */
  private failed(error: unknown): never {
    this.errors.record(mysqlErrorKind(error));
    throw translateConnectionError(error);
  }

  private async executeOn(connection: PoolConnection, text: string, parameters: ExecuteValues[]): Promise<unknown> {
    try {
      const [result] = await connection.execute(text, parameters);
      return result;
    } catch (error) {
      this.failed(error);
    }
  }

  private async executePooled(text: string, parameters: ExecuteValues[]): Promise<unknown> {
    const connection = await this.connection();
    let broken = false;
    try {
      return await this.executeOn(connection, text, parameters);
    } catch (error) {
      broken = isConnectionLoss(error) || isConnectionLoss((error as { cause?: unknown }).cause);
      throw error;
    } finally {
      this.release(connection, broken);
    }
  }

  private async begin(): Promise<OpenTransaction> {
    const connection = await this.connection();
    try {
      await connection.query('START TRANSACTION');
    } catch (error) {
      this.release(connection, true);
      this.failed(error);
    }
    /** Set when the connection cannot be trusted any more: release() then closes it instead of pooling it. */
    let broken = false;
    const statements = new MysqlSession(this.dialect, async (text, parameters) => {
      try {
        return await this.executeOn(connection, text, parameters);
      } catch (error) {
        if (isConnectionLoss((error as { cause?: unknown }).cause)) broken = true;
        throw error;
      }
    });
    return {
      statements,
      commit: async () => {
        try {
          await connection.query('COMMIT');
        } catch (error) {
          broken = true;
          this.failed(error);
        }
        // MySQL has no COMMIT that rolls back: a statement failure either
        // rolled back the statement or (a deadlock) the whole transaction,
        // and the runner never commits after a failure.
        return true;
      },
      rollback: async () => {
        try {
          await connection.query('ROLLBACK');
        } catch {
          broken = true;
        }
      },
      release: () => this.release(connection, broken),
    };
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    return this.work.track(operation);
  }
}
