/**
 * The MySQL/MariaDB driver: sessions over a mysql2 pool, for the store
 * logic written once over SqlSessions (src/store/sql/session.ts).
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
 * So the first failure dooms the transaction here, as every failure does in
 * PostgreSQL: later statements and the commit are refused with it, and a
 * callback that swallowed it cannot pass for committed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExecuteValues, Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { createMysqlDialect, mysqlCollationsFor, type MysqlCollations } from '../sql/dialects/mysql.js';
import type { SqlDialect } from '../sql/dialect.js';
import { rawSql, renderSql, type SqlFragment } from '../sql/fragment.js';
import type { SqlFailure, SqlRow, SqlSession, SqlSessions, WriteOptions } from '../sql/session.js';
import { isConnectionLoss, isRetryableTransactionError, mysqlFailure, translateConnectionError } from './mysql-errors.js';
import { sessionSettings } from './pool.js';

/** How many times `write` runs `work` when InnoDB aborts it for a deadlock or a lock wait timeout. */
export const MAX_TRANSACTION_ATTEMPTS = 4;

/** Random wait before attempt `attempt + 1`: 5–15 ms, doubling, so the transactions that collided do not collide again in step. */
function retryDelayMs(attempt: number): number {
  return 2 ** (attempt - 1) * (5 + Math.random() * 10);
}

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
export function changedRowCount(header: Pick<ResultSetHeader, 'affectedRows' | 'info'>): number {
  const info = header.info ?? '';
  const matched = /Rows matched: (\d+)/.exec(info);
  if (matched?.[1] !== undefined) return Number(matched[1]);
  const duplicates = /Duplicates: (\d+)/.exec(info);
  if (duplicates?.[1] !== undefined) return header.affectedRows - Number(duplicates[1]);
  // A single-row INSERT … ON DUPLICATE KEY UPDATE that changed the row says 2.
  return header.affectedRows === 2 ? 1 : header.affectedRows;
}

function asRows<Row>(result: unknown): Row[] {
  if (!Array.isArray(result)) throw new TypeError('The statement returned no rows: use run() for statements that change rows');
  return result as Row[];
}

function asHeader(result: unknown): ResultSetHeader {
  if (Array.isArray(result)) throw new TypeError('The statement returned rows: use all() or first() for queries');
  return result as ResultSetHeader;
}

/** A transaction's session: its connection, and the first failure, which dooms the transaction. */
class TransactionSession implements SqlSession {
  failure: unknown;
  private ended = false;

  constructor(
    readonly dialect: SqlDialect,
    private readonly connection: PoolConnection,
  ) {}

  async all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    return asRows<Row>(await this.execute(statement));
  }

  async first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    return (await this.all<Row>(statement))[0];
  }

  async run(statement: SqlFragment): Promise<number> {
    return changedRowCount(asHeader(await this.execute(statement)));
  }

  /** After commit or rollback: a statement then would run outside the transaction. */
  end(): void {
    this.ended = true;
  }

  private async execute(statement: SqlFragment): Promise<unknown> {
    if (this.ended) throw new TypeError('The transaction has ended; use the session only inside its callback');
    if (this.failure !== undefined) throw this.failure;
    const { text, parameters } = renderSql(statement, this.dialect);
    try {
      const [result] = await this.connection.execute(text, parameters as ExecuteValues[]);
      return result;
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }
}

export interface MysqlSessionsSettings {
  readonly engine: MysqlEngine;
  readonly collations: MysqlCollations;
  readonly statementTimeoutMs: number;
}

export class MysqlSessions implements SqlSessions {
  readonly dialect: SqlDialect;
  readonly engine: MysqlEngine;
  /** The engine's binary collation and its case-folding one (src/store/sql/dialects/mysql.ts). */
  readonly collations: MysqlCollations;
  private readonly pool: Pool;
  private readonly settings: MysqlSessionsSettings;
  /** Connections already put into the store's settings (sql_mode, charset, time zone, isolation). */
  private readonly prepared = new WeakSet<object>();
  private readonly inTransaction = new AsyncLocalStorage<TransactionSession>();
  private readonly pooledSession: SqlSession;
  /** Transactions and statements under way, which `close` waits for. */
  private readonly pending = new Set<Promise<unknown>>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;

  constructor(pool: Pool, settings: MysqlSessionsSettings) {
    this.pool = pool;
    this.settings = settings;
    this.engine = settings.engine;
    this.collations = settings.collations;
    this.dialect = createMysqlDialect(settings.collations);
    const dialect = this.dialect;
    this.pooledSession = {
      dialect,
      all: async <Row = SqlRow>(statement: SqlFragment) => asRows<Row>(await this.executePooled(statement)),
      first: async <Row = SqlRow>(statement: SqlFragment) => asRows<Row>(await this.executePooled(statement))[0],
      run: async (statement: SqlFragment) => changedRowCount(asHeader(await this.executePooled(statement))),
    };
  }

  /** Opens sessions over `pool`, asking the server which engine it is. */
  static async open(pool: Pool, statementTimeoutMs: number): Promise<MysqlSessions> {
    const connection = await pool.getConnection().catch((error: unknown) => {
      throw translateConnectionError(error);
    });
    try {
      const [rows] = await connection.query('SELECT VERSION() AS version');
      const version = String(asRows<{ version: unknown }>(rows)[0]?.version ?? '');
      return new MysqlSessions(pool, { engine: mysqlEngineFor(version), collations: mysqlCollationsFor(version), statementTimeoutMs });
    } finally {
      connection.release();
    }
  }

  committed(): SqlSession {
    return this.pooledSession;
  }

  current(): SqlSession {
    return this.inTransaction.getStore() ?? this.pooledSession;
  }

  failure(error: unknown): SqlFailure {
    return mysqlFailure(error);
  }

  async write<T>(work: (session: SqlSession) => Promise<T>, _options?: WriteOptions): Promise<T> {
    const joined = this.inTransaction.getStore();
    if (joined !== undefined) return work(joined);
    if (this.state !== 'open') throw new TypeError('The MySQL store is closed');
    return this.track(
      this.runWithRetries(work).catch((error: unknown) => {
        // A connection lost mid-transaction took the transaction with it: nothing was committed, unless COMMIT itself was cut off.
        throw translateConnectionError(error);
      }),
    );
  }

  /**
   * A connection of the pool in the store's settings, for work that needs
   * one connection outside the sessions (the migration lock). Release it
   * with `release(connection, broken)`.
   */
  async connection(): Promise<PoolConnection> {
    if (this.state === 'closed') throw new TypeError('The MySQL store is closed');
    let connection: PoolConnection;
    try {
      connection = await this.pool.getConnection();
    } catch (error) {
      throw translateConnectionError(error);
    }
    if (this.prepared.has(connection.connection)) return connection;
    try {
      for (const statement of sessionSettings(this.settings.collations, this.settings.statementTimeoutMs, this.settings.engine)) await connection.query(statement);
    } catch (error) {
      connection.destroy();
      throw translateConnectionError(error);
    }
    this.prepared.add(connection.connection);
    return connection;
  }

  /** Returns a connection to the pool, or closes it when it can no longer be trusted (a failed BEGIN or ROLLBACK, a lost connection). */
  release(connection: PoolConnection, broken: boolean): void {
    if (broken) connection.destroy();
    else connection.release();
  }

  async ping(): Promise<void> {
    await this.pooledSession.first(rawSql('SELECT 1 AS alive'));
  }

  /** Waits for the transactions and statements under way, then closes every connection. Calling it again waits for the same close. */
  close(): Promise<void> {
    this.closing ??= this.drainAndEnd();
    return this.closing;
  }

  private async drainAndEnd(): Promise<void> {
    this.state = 'closing';
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.state = 'closed';
    await this.pool.end();
  }

  private async executePooled(statement: SqlFragment): Promise<unknown> {
    if (this.state === 'closed') throw new TypeError('The MySQL store is closed');
    return this.track(
      (async () => {
        const connection = await this.connection();
        const { text, parameters } = renderSql(statement, this.dialect);
        let broken = false;
        try {
          const [result] = await connection.execute(text, parameters as ExecuteValues[]);
          return result;
        } catch (error) {
          broken = isConnectionLoss(error);
          throw translateConnectionError(error);
        } finally {
          this.release(connection, broken);
        }
      })(),
    );
  }

  private async runWithRetries<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.runOnce(work);
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        await delay(retryDelayMs(attempt));
      }
    }
  }

  /** One attempt. Throws the failure that doomed the transaction when there was one (so a swallowed deadlock is retried). */
  private async runOnce<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const connection = await this.connection();
    const session = new TransactionSession(this.dialect, connection);
    let broken = false;
    try {
      try {
        await connection.query('START TRANSACTION');
      } catch (error) {
        broken = true;
        throw error;
      }
      try {
        const result = await this.inTransaction.run(session, () => work(session));
        if (session.failure !== undefined) throw session.failure;
        session.end();
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        session.end();
        try {
          await connection.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (isConnectionLoss(error) || isConnectionLoss(session.failure)) broken = true;
        // The failure that doomed the transaction decides whether it is retried, whatever the callback made of it.
        throw isRetryableTransactionError(session.failure) ? session.failure : error;
      }
    } finally {
      session.end();
      this.release(connection, broken);
    }
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    this.pending.add(operation);
    const forget = () => this.pending.delete(operation);
    operation.then(forget, forget);
    return operation;
  }
}

