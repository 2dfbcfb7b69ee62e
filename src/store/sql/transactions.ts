/**
 * The one transaction implementation every driver uses: joining the
 * transaction already running in this async context, running `work` again
 * when the database aborts it for a deadlock or serialization failure, the
 * rule that the first failed statement ends the transaction, and the check
 * that COMMIT really committed. A driver contributes only how to open a
 * transaction on a connection, end it and give the connection back, and
 * which of its errors are worth another attempt.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { SqlDialect } from './dialect.js';
import type { SqlFragment } from './fragment.js';
import type { SqlRow, SqlSession, WriteOptions } from './session.js';

/** How many times a transaction runs `work` when the database aborts it for a deadlock or serialization failure (or, on SQLite, stays busy). */
export const MAX_TRANSACTION_ATTEMPTS = 4;

/** Random wait before attempt `attempt + 1`: 5–15 ms, doubling, so the transactions that collided do not collide again in step. */
export function retryDelayMs(attempt: number): number {
  return 2 ** (attempt - 1) * (5 + Math.random() * 10);
}

/** One connection with a transaction begun on it, as a driver hands it over. */
export interface OpenTransaction {
  /** Statements on the connection; failures reach the caller as the driver reports them. */
  readonly statements: SqlSession;
  /**
   * Ends the transaction with COMMIT. Resolves false when the database
   * ended it otherwise (PostgreSQL answers ROLLBACK to the COMMIT of a
   * transaction a failed statement aborted).
   */
  commit(): Promise<boolean>;
  /** Rolls back whatever is still open; a connection where that fails is not reused. */
  rollback(): Promise<void>;
  /** Gives the connection back, once the transaction has ended either way. */
  release(): void;
}

export interface TransactionDriver<Open extends OpenTransaction = OpenTransaction> {
  readonly dialect: SqlDialect;
  /** Takes a connection and begins a transaction on it (under SQLite's writer lock, say). */
  begin(options: WriteOptions): Promise<Open>;
  /** Whether running the whole transaction again may succeed: a deadlock, a serialization failure, a busy database file. */
  isRetryable(error: unknown): boolean;
}

/** Refuses statements once the transaction has ended or a statement of it has failed. */
class TransactionSession implements SqlSession {
  readonly dialect: SqlDialect;
  /** The first statement failure: PostgreSQL refuses every statement after it but ROLLBACK, and the others follow the same rule so store logic cannot come to rely on going on. */
  failure: unknown = undefined;
  private active = true;

  constructor(private readonly statements: SqlSession) {
    this.dialect = statements.dialect;
  }

  end(): void {
    this.active = false;
  }

  all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    return this.guarded(() => this.statements.all<Row>(statement));
  }

  first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    return this.guarded(() => this.statements.first<Row>(statement));
  }

  run(statement: SqlFragment): Promise<number> {
    return this.guarded(() => this.statements.run(statement));
  }

  private async guarded<T>(execute: () => Promise<T>): Promise<T> {
    if (!this.active) throw new TypeError('This session belongs to a transaction that has ended; use it only inside its transaction callback');
    if (this.failure !== undefined) {
      throw new TypeError('An earlier statement of this transaction failed, which ends the transaction: let that error end the transaction callback');
    }
    try {
      return await execute();
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }
}

/** Runs transactions for one driver; see SqlSessions.write for the contract. */
export class TransactionRunner<Open extends OpenTransaction = OpenTransaction> {
  private readonly running = new AsyncLocalStorage<{ readonly session: TransactionSession; readonly transaction: Open }>();

  constructor(private readonly driver: TransactionDriver<Open>) {}

  /** The session of the transaction running in this async context, if any. */
  current(): SqlSession | undefined {
    return this.running.getStore()?.session;
  }

  /** The transaction running in this async context as the driver opened it, if any. */
  currentTransaction(): Open | undefined {
    return this.running.getStore()?.transaction;
  }

  async write<T>(work: (session: SqlSession) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const joined = this.running.getStore()?.session;
    if (joined !== undefined) return work(joined);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once(work, options);
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !this.driver.isRetryable(error)) throw error;
        await delay(retryDelayMs(attempt));
      }
    }
  }

  private async once<T>(work: (session: SqlSession) => Promise<T>, options: WriteOptions): Promise<T> {
    const transaction = await this.driver.begin(options);
    const session = new TransactionSession(transaction.statements);
    try {
      let result: T;
      try {
        result = await this.running.run({ session, transaction }, () => work(session));
      } catch (error) {
        session.end();
        await transaction.rollback();
        // A deadlock the callback caught and went on from (its next statement refused) is still a deadlock: worth another attempt.
        if (session.failure !== undefined && session.failure !== error && this.driver.isRetryable(session.failure)) throw session.failure;
        throw error;
      }
      session.end();
      // A callback that swallowed a failed statement must not pass for committed.
      if (session.failure !== undefined) {
        await transaction.rollback();
        throw session.failure;
      }
      if (!(await transaction.commit())) throw new Error('The database rolled the transaction back instead of committing it');
      return result;
    } finally {
      session.end();
      transaction.release();
    }
  }
}
