/**
 * PostgreSQL behind the sessions store logic is written against: committed
 * reads through the pool, each transaction on one pooled connection between
 * BEGIN and COMMIT (READ COMMITTED), with the retry, failure rule and commit
 * check of src/store/sql/transactions.ts. Correctness between instances
 * rests on the database alone (unique indexes, conditional UPDATEs, row
 * locks taken through `dialect.rowLock`).
 */
import { DatabaseError, type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { SqlDialect } from '../sql/dialect.js';
import { renderSql, sql, type SqlFragment } from '../sql/fragment.js';
import { StatementErrorTally, type PoolUsage, type ReadSnapshot } from '../sql/read-access.js';
import type { SqlDriver, SqlFailure, SqlRow, SqlSession, WriteOptions } from '../sql/session.js';
import { unprefixedName } from '../sql/table-names.js';
import { TransactionRunner, type OpenTransaction } from '../sql/transactions.js';
import { WorkInFlight } from '../sql/work-in-flight.js';
import { CREDENTIALS_NOTICE } from './credential-watch.js';
import { isRetryableTransactionError, isStalePreparedStatement, postgresErrorKind, SQLSTATE, translateConnectionError } from './postgres-errors.js';
import { PreparedStatementNames } from './prepared-statements.js';
import type { Queryable } from './pool.js';
import { openPostgresSnapshot } from './postgres-read-access.js';

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** A statement as node-postgres sends it: named when it is one of the prepared ones. */
type StatementConfig = { readonly text: string; readonly values: unknown[]; readonly name?: string };

/** Statements through `query`: the pool (any free connection) or the one connection of a transaction. */
class PostgresSession implements SqlSession {
  constructor(
    readonly dialect: SqlDialect,
    /** Undefined when prepared statements are off (SCIMITAR_DB_PREPARED_STATEMENTS=false). */
    private readonly names: PreparedStatementNames | undefined,
    private readonly query: (statement: StatementConfig) => Promise<QueryResult>,
  ) {}

  async all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    return (await this.execute(statement)).rows as Row[];
  }

  async first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    return (await this.execute(statement)).rows[0] as Row | undefined;
  }

  async run(statement: SqlFragment): Promise<number> {
    return (await this.execute(statement)).rowCount ?? 0;
  }

  private execute(statement: SqlFragment): Promise<QueryResult> {
    const { text, parameters } = renderSql(statement, this.dialect);
    const name = this.names?.nameOf(statement, text);
    return this.query(name === undefined ? { text, values: parameters as unknown[] } : { text, values: parameters as unknown[], name });
  }
}

/** A transaction on one pooled connection. */
interface PostgresTransaction extends OpenTransaction {
  readonly client: PoolClient;
}

export interface PostgresSessionsSettings {
  readonly pool: Pool;
  readonly dialect: SqlDialect;
  /** Where failed statements are counted; a fresh tally when not given. */
  readonly errors?: StatementErrorTally;
  /**
   * Whether store statements run as named prepared statements (default
   * true). Off for a pooler that cannot keep them across transactions
   * (PgBouncer in transaction mode before 1.21, or with max_prepared_statements = 0).
   */
  readonly preparedStatements?: boolean;
}

/**
 * The PostgreSQL driver: SqlSessions over a node-postgres pool. It is also
 * a Queryable of committed reads, and hands out the connection of the
 * running transaction, for the store parts still written against
 * node-postgres directly.
 */
export class PostgresSessions implements SqlDriver, Queryable {
  readonly dialect: SqlDialect;
  readonly afterCredentialChange = CREDENTIALS_NOTICE;
  private readonly pool: Pool;
  private readonly errors: StatementErrorTally;
  private readonly pooled: PostgresSession;
  private readonly names: PreparedStatementNames | undefined;
  private readonly transactions: TransactionRunner<PostgresTransaction>;
  /** Transactions, statements and snapshots under way, which `close` waits for (pg-pool never serves requests queued after `end`). */
  private readonly work = new WorkInFlight();

  constructor(settings: PostgresSessionsSettings) {
    this.pool = settings.pool;
    this.dialect = settings.dialect;
    this.errors = settings.errors ?? new StatementErrorTally();
    this.names = settings.preparedStatements === false ? undefined : new PreparedStatementNames();
    this.pooled = new PostgresSession(this.dialect, this.names, (statement) => this.pooledStatement(statement));
    this.transactions = new TransactionRunner({
      dialect: this.dialect,
      begin: () => this.begin(),
      isRetryable: isRetryableTransactionError,
    });
  }

  committed(): SqlSession {
    return this.pooled;
  }

  current(): SqlSession {
    return this.transactions.current() ?? this.pooled;
  }

  write<T>(work: (session: SqlSession) => Promise<T>, options?: WriteOptions): Promise<T> {
    if (this.transactions.current() !== undefined) return this.transactions.write(work, options);
    // Once close() has begun no transaction starts (on SQLite it would queue behind the close).
    if (this.work.state !== 'open') return Promise.reject(new TypeError('The PostgreSQL store is closed'));
    return this.track(
      this.transactions.write(work, options).catch((error: unknown) => {
        // A connection lost mid-transaction took the transaction with it: nothing was committed, unless COMMIT itself was cut off.
        throw translateConnectionError(error);
      }),
    );
  }

  /** A statement through the pool (committed data), counted and translated like every other. */
  query<Row extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> {
    // Statements are accepted until the pool has ended; during close() only those of work under way arrive.
    if (this.work.state === 'closed') return Promise.reject(new TypeError('The PostgreSQL store is closed'));
    return this.track(this.pool.query<Row>(text, values as unknown[] | undefined).catch((error: unknown) => this.failed(error)));
  }

  /**
   * A store statement through the pool. A prepared statement gone stale
   * under a schema change is forgotten and run once more, unprepared (see
   * prepared-statements.ts).
   */
  private pooledStatement(statement: StatementConfig): Promise<QueryResult> {
    if (this.work.state === 'closed') return Promise.reject(new TypeError('The PostgreSQL store is closed'));
    return this.track(
      this.pool.query(statement).catch((error: unknown) => {
        if (statement.name === undefined || !isStalePreparedStatement(error)) return this.failed(error);
        this.names?.forget();
        // Unnamed this once; the statement's next run prepares it under its new name.
        return this.pool.query({ text: statement.text, values: statement.values }).catch((again: unknown) => this.failed(again));
      }),
    );
  }


  failure(error: unknown): SqlFailure {
    if (!(error instanceof DatabaseError)) return { kind: 'other' };
    switch (error.code) {
      case SQLSTATE.uniqueViolation:
        return { kind: 'unique', constraint: this.constraintName(error.constraint) };
      case SQLSTATE.foreignKeyViolation:
        return { kind: 'foreignKey', constraint: this.constraintName(error.constraint) };
      default:
        return { kind: 'other' };
    }
  }

  /** The name store logic knows a constraint by, without the table prefix. */
  private constraintName(name: string | undefined): string | undefined {
    return name === undefined ? undefined : unprefixedName(name, this.dialect.tablePrefix);
  }

  async ping(): Promise<void> {
    await this.pooled.first(sql`SELECT 1`);
  }

  async openSnapshot(): Promise<ReadSnapshot> {
    if (this.work.state !== 'open') throw new TypeError('The PostgreSQL store is closed');
    return openPostgresSnapshot({
      pool: this.pool,
      dialect: this.dialect,
      errors: this.errors,
      track: (whileOpen) => void this.track(whileOpen),
    });
  }

  poolUsage(): PoolUsage {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  statementErrors(): ReadonlyMap<string, number> {
    return this.errors.snapshot();
  }

  /** Waits for the transactions, statements and snapshots under way, then closes every connection. Calling it again waits for the same close. */
  close(): Promise<void> {
    return this.work.close(() => this.pool.end());
  }

  /** Counted as the database said it (metrics); answered as the store says it (a lost connection is StoreUnavailableError, a 503). */
  private failed(error: unknown): never {
    // The transaction runner retries it (isRetryableTransactionError) under the new names.
    if (isStalePreparedStatement(error)) this.names?.forget();
    this.errors.record(postgresErrorKind(error));
    throw translateConnectionError(error);
  }

  private async begin(): Promise<PostgresTransaction> {
    const client: PoolClient = await this.pool.connect().catch((error: unknown) => this.failed(error));
    /** Set when the connection cannot be trusted any more: release() then closes it instead of pooling it. */
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(asError(error));
      this.failed(error);
    }
    const statements = new PostgresSession(this.dialect, this.names, (statement) => client.query(statement).catch((error: unknown) => this.failed(error)));
    return {
      client: this.countingFailures(client),
      statements,
      commit: async () => {
        const committed = await client.query('COMMIT').catch((error: unknown) => this.failed(error));
        // COMMIT of a transaction that a failed statement aborted answers ROLLBACK, not an error.
        return committed.command === 'COMMIT';
      },
      rollback: async () => {
        try {
          await client.query('ROLLBACK');
        } catch (error) {
          broken = asError(error);
        }
      },
      release: () => client.release(broken),
    };
  }

  /** The connection, with failed statements counted (metrics); what they throw is left as node-postgres says it. */
  private countingFailures(client: PoolClient): PoolClient {
    const errors = this.errors;
    return new Proxy(client, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          const result: unknown = (value as (...parameters: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) {
            return result.catch((error: unknown) => {
              errors.record(postgresErrorKind(error));
              throw error;
            });
          }
          return result;
        };
      },
    });
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    return this.work.track(operation);
  }
}
