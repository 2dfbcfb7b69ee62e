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

/**
 * Statements a driver can run to completion before returning (better-sqlite3:
 * every statement is synchronous underneath). A transaction's session then
 * runs them without wrapping each in further promises; their result still
 * reaches store logic as one resolved (or rejected) promise.
 */
export interface ImmediateStatements {
  allNow<Row = SqlRow>(statement: SqlFragment): Row[];
  firstNow<Row = SqlRow>(statement: SqlFragment): Row | undefined;
  runNow(statement: SqlFragment): number;
}

/** One connection with a transaction begun on it, as a driver hands it over. */
export interface OpenTransaction {
  /** Statements on the connection; failures reach the caller as the driver reports them. */
  readonly statements: SqlSession & Partial<ImmediateStatements>;
  /**
   * Ends the transaction with COMMIT. Resolves false when the database
   * ended it otherwise (PostgreSQL answers ROLLBACK to the COMMIT of a
   * transaction a failed statement aborted). A driver whose COMMIT is
   * synchronous answers at once.
   */
  commit(): Promise<boolean> | boolean;
  /** Rolls back whatever is still open; a connection where that fails is not reused. */
  rollback(): Promise<void> | void;
  /** Gives the connection back, once the transaction has ended either way. */
  release(): void;
}

export interface TransactionDriver<Open extends OpenTransaction = OpenTransaction> {
  readonly dialect: SqlDialect;
  /**
   * Takes a connection and begins a transaction on it (under SQLite's
   * writer lock, say); at once when a connection is free without waiting.
   */
  begin(options: WriteOptions): Promise<Open> | Open;
  /** Whether running the whole transaction again may succeed: a deadlock, a serialization failure, a busy database file. */
  isRetryable(error: unknown): boolean;
}

const ENDED = 'This session belongs to a transaction that has ended; use it only inside its transaction callback';
const FAILED_BEFORE = 'An earlier statement of this transaction failed, which ends the transaction: let that error end the transaction callback';

/**
 * Refuses statements once the transaction has ended or a statement of it
 * has failed. Adds no promise of its own: immediate statements run inside
 * one try block, others get a rejection handler that notes the failure.
 */
class TransactionSession implements SqlSession {
  readonly dialect: SqlDialect;
  /** The first statement failure: PostgreSQL refuses every statement after it but ROLLBACK, and the others follow the same rule so store logic cannot come to rely on going on. */
  failure: unknown = undefined;
  private active = true;
  private readonly immediate: ImmediateStatements | undefined;
  private readonly noteFailure = (error: unknown): never => {
    this.failure ??= error;
    throw error;
  };

  constructor(private readonly statements: SqlSession & Partial<ImmediateStatements>) {
    this.dialect = statements.dialect;
    const { allNow, firstNow, runNow } = statements;
    this.immediate = allNow !== undefined && firstNow !== undefined && runNow !== undefined ? (statements as ImmediateStatements) : undefined;
  }

  end(): void {
    this.active = false;
  }

  all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    const { immediate } = this;
    if (immediate === undefined) return this.statements.all<Row>(statement).then(undefined, this.noteFailure);
    try {
      return Promise.resolve(immediate.allNow<Row>(statement));
    } catch (error) {
      this.failure ??= error;
      return Promise.reject(error);
    }
  }

  first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    const { immediate } = this;
    if (immediate === undefined) return this.statements.first<Row>(statement).then(undefined, this.noteFailure);
    try {
      return Promise.resolve(immediate.firstNow<Row>(statement));
    } catch (error) {
      this.failure ??= error;
      return Promise.reject(error);
    }
  }

  run(statement: SqlFragment): Promise<number> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    const { immediate } = this;
    if (immediate === undefined) return this.statements.run(statement).then(undefined, this.noteFailure);
    try {
      return Promise.resolve(immediate.runNow(statement));
    } catch (error) {
      this.failure ??= error;
      return Promise.reject(error);
    }
  }

  private refusal(): TypeError | undefined {
    if (!this.active) return new TypeError(ENDED);
    if (this.failure !== undefined) return new TypeError(FAILED_BEFORE);
    return undefined;
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

  /** One look at the async context: joins the running transaction, else runs one of its own (see attempts). */
  write<T>(work: (session: SqlSession) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const joined = this.running.getStore()?.session;
    if (joined !== undefined) return work(joined);
    return this.attempts(work, options);
  }

  /**
   * A transaction of its own, run again when the database aborts it for a
   * deadlock or serialization failure. One async function for the whole
   * of it (not one per attempt): each layer is promises on every write.
   */
  private async attempts<T>(work: (session: SqlSession) => Promise<T>, options: WriteOptions): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      let session: TransactionSession | undefined;
      let transaction: Open | undefined;
      try {
        const begun = this.driver.begin(options);
        // Awaited only when the driver had to wait for a connection.
        transaction = begun instanceof Promise ? await begun : begun;
        session = new TransactionSession(transaction.statements);
        let result: T;
        try {
          result = await this.running.run({ session, transaction }, work, session);
        } catch (error) {
          session.end();
          await settled(transaction.rollback());
          // A deadlock the callback caught and went on from (its next statement refused) is still a deadlock: worth another attempt.
          if (session.failure !== undefined && session.failure !== error && this.driver.isRetryable(session.failure)) throw session.failure;
          throw error;
        }
        session.end();
        // A callback that swallowed a failed statement must not pass for committed.
        if (session.failure !== undefined) {
          await settled(transaction.rollback());
          throw session.failure;
        }
        const committed = transaction.commit();
        if (!(typeof committed === 'boolean' ? committed : await committed)) throw new Error('The database rolled the transaction back instead of committing it');
        return result;
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !this.driver.isRetryable(error)) throw error;
      } finally {
        session?.end();
        transaction?.release();
      }
      await delay(retryDelayMs(attempt));
    }
  }
}

/** A driver's step that may have finished already: awaited only when it has not. */
function settled(step: Promise<void> | void): Promise<void> | undefined {
  return step instanceof Promise ? step : undefined;
}
