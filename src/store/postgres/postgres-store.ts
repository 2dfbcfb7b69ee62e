import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DatabaseError, type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { SqlDialect } from '../sql/dialect.js';
import { StatementErrorTally, type SqlReadAccess } from '../sql/read-access.js';
import { createPostgresDialect, POSTGRES_ICU_ROOT_COLLATION, type PostgresCaseFolding } from '../sql/dialects/postgres.js';
import type { RequestLogStore } from '../../request-log/entry.js';
import type { SqlExecutor } from '../sql/executor.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import { SqlEventHistoryStore, SqlRequestLogStore } from '../sql/request-log-store.js';
import type { CredentialChanges, EventHistoryStore, EventStore, ListQuery, Store, StoreWriter, TenantStore } from '../store.js';
import type { WebhookStore } from '../webhook-store.js';
import { migratePostgres } from './migrate.js';
import { postgresMigrations } from './migrations/index.js';
import { PostgresCredentialWatch } from './credential-watch.js';
import { createListenerClient, createPool, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA, DEFAULT_STATEMENT_TIMEOUT_MS, type PoolSettings, type Queryable } from './pool.js';
import { isRetryableTransactionError, postgresErrorKind, translateConnectionError } from './postgres-errors.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { postgresReadAccess } from './postgres-read-access.js';
import { PostgresTenantStore } from './postgres-tenant-store.js';
import { PostgresWebhookStore } from './postgres-webhook-store.js';
import { SqlResourceReader } from '../sql/resource-reader.js';
import { SqlResourceWriter } from '../sql/resource-writer.js';
import type { SqlFailure, SqlSession } from '../sql/session.js';
import { SQLSTATE } from './postgres-errors.js';

/** Statements through a pool or one connection, as the resource reader and writer run them. */
function queryableSession(queryable: Queryable, dialect: SqlDialect): SqlSession {
  const query = async <Row>(statement: SqlFragment) => {
    const { text, parameters } = renderSql(statement, dialect);
    return queryable.query<Row & QueryResultRow>(text, parameters);
  };
  return {
    dialect,
    all: async <Row>(statement: SqlFragment) => (await query<Row>(statement)).rows,
    first: async <Row>(statement: SqlFragment) => (await query<Row>(statement)).rows[0],
    run: async (statement: SqlFragment) => (await query(statement)).rowCount ?? 0,
  };
}

/** What a failed PostgreSQL statement means to store logic. */
function postgresFailure(error: unknown): SqlFailure {
  if (!(error instanceof DatabaseError)) return { kind: 'other' };
  if (error.code === SQLSTATE.uniqueViolation) return { kind: 'unique', constraint: error.constraint };
  if (error.code === SQLSTATE.foreignKeyViolation) return { kind: 'foreignKey', constraint: error.constraint };
  return { kind: 'other' };
}

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (node-postgres connection string). */
  readonly url: string;
  readonly registry: SchemaRegistry;
  /** Connections of this instance (default 10). A transaction holds one; `store.reader` uses others. */
  readonly poolSize?: number;
  /** PostgreSQL cancels a statement running longer (default 30 000 ms); also bounds the wait for a free connection. */
  readonly statementTimeoutMs?: number;
  /** The PostgreSQL schema holding the tables, created when missing (default `public`). */
  readonly schema?: string;
}

/** How many times `transaction` runs `work` when PostgreSQL aborts it for a deadlock or serialization failure. */
export const MAX_TRANSACTION_ATTEMPTS = 4;

/** Random wait before attempt `attempt + 1`: 5–15 ms, doubling, so the transactions that collided do not collide again in step. */
function retryDelayMs(attempt: number): number {
  return 2 ** (attempt - 1) * (5 + Math.random() * 10);
}

/**
 * The PostgreSQL store, for one or many instances on one database.
 *
 * `store.reader` reads through the pool and sees committed data only.
 * `store.transaction(work)` runs `work` on one connection between BEGIN
 * and COMMIT (READ COMMITTED), rolling back when it throws. Correctness
 * between instances rests on the database alone: userName uniqueness on
 * the unique index, versions on `UPDATE … WHERE version = $n`, PATCH's
 * read-modify-write on the row lock `writer.getResource` takes (SELECT …
 * FOR NO KEY UPDATE), so concurrent changes of one resource queue up and
 * each sees the last one committed, and member existence checks on the
 * lock `writer.findResourceTypes` takes (see TRANSACTION_LOCKS in
 * postgres-writer.ts).
 *
 * When PostgreSQL aborts a transaction to break a deadlock (40P01) or for a
 * serialization failure (40001), `transaction` rolls back and runs `work`
 * again, up to MAX_TRANSACTION_ATTEMPTS times in all. `work` must therefore
 * be re-runnable: it may touch only the database through its writer (the
 * services' callbacks do: they compute from what they read, and anything
 * slow or external, like password hashing, happens before or is pure).
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly reader: SqlResourceReader;
  readonly tenants: TenantStore;
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
  readonly requestLog: RequestLogStore;
  readonly eventHistory: EventHistoryStore;
  readonly credentialChanges: CredentialChanges;
  readonly migrations: { readonly applied: readonly number[]; readonly version: number };
  /** How case-insensitive filters on JSON attributes fold case (see src/store/sql/dialects/postgres.ts). */
  readonly caseFolding: PostgresCaseFolding;
  readonly schema: string;
  readonly sql: SqlReadAccess;
  private readonly statementErrors = new StatementErrorTally();
  private readonly pool: Pool;
  private readonly registry: SchemaRegistry;
  private readonly sqlDialect: SqlDialect;
  /** The writer of the transaction running in this async context: tenants join it; a nested transaction is refused. */
  private readonly inTransaction = new AsyncLocalStorage<{ readonly writer: SqlResourceWriter; readonly statements: Queryable }>();
  /** Transactions and statements under way, which `close` waits for (pg-pool never serves requests queued after `end`). */
  private readonly pending = new Set<Promise<unknown>>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private readonly pooled: Queryable;
  private readonly credentialWatch: PostgresCredentialWatch;

  constructor(
    pool: Pool,
    registry: SchemaRegistry,
    settings: {
      readonly schema: string;
      readonly caseFolding: PostgresCaseFolding;
      readonly migrations: { readonly applied: readonly number[]; readonly version: number };
      readonly credentialWatch: PostgresCredentialWatch;
    },
  ) {
    this.pool = pool;
    this.credentialWatch = settings.credentialWatch;
    this.credentialChanges = settings.credentialWatch;
    this.registry = registry;
    this.schema = settings.schema;
    this.caseFolding = settings.caseFolding;
    this.migrations = settings.migrations;
    this.sqlDialect = createPostgresDialect(settings.caseFolding);
    this.pooled = {
      query: <Row extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> => {
        this.assertUsable();
        return this.track(
          this.pool.query<Row>(text, values as unknown[] | undefined).catch((error: unknown) => {
            // Counted as the database said it (metrics); answered as the store says it (a lost connection is a 503).
            this.statementErrors.record(postgresErrorKind(error));
            throw translateConnectionError(error);
          }),
        );
      },
    };
    const pooledSession = queryableSession(this.pooled, this.sqlDialect);
    this.reader = new SqlResourceReader(() => pooledSession);
    this.tenants = new PostgresTenantStore(() => this.inTransaction.getStore()?.statements ?? this.pooled);
    this.events = new PostgresEventStore(() => this.pooled);
    this.webhooks = new PostgresWebhookStore(pool, this.pooled);
    const dialect = this.sqlDialect;
    const executor: SqlExecutor = {
      dialect,
      select: async <Row>(statement: SqlFragment) => {
        const { text, parameters } = renderSql(statement, dialect);
        return (await this.pooled.query<Row & QueryResultRow>(text, parameters)).rows;
      },
      change: async (statement: SqlFragment) => {
        const { text, parameters } = renderSql(statement, dialect);
        return (await this.pooled.query(text, parameters)).rowCount ?? 0;
      },
      changeEach: async (statements: readonly SqlFragment[]) => {
        let changed = 0;
        for (const statement of statements) changed += await executor.change(statement);
        return changed;
      },
    };
    this.requestLog = new SqlRequestLogStore(executor);
    this.eventHistory = new SqlEventHistoryStore(executor);
    this.sql = postgresReadAccess({
      pool,
      pooled: this.pooled,
      dialect: this.sqlDialect,
      errors: this.statementErrors,
      track: (whileOpen) => {
        if (this.state !== 'open') throw new TypeError('The PostgreSQL store is closed');
        void this.track(whileOpen);
      },
    });
  }

  async transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore() !== undefined) {
      throw new TypeError('store.transaction was called inside a transaction; use the writer passed to the outer callback');
    }
    // Once close() has begun no transaction starts: as in SQLite, where it would queue behind the close.
    if (this.state !== 'open') throw new TypeError('The PostgreSQL store is closed');
    return this.track(
      this.runWithRetries(work).catch((error: unknown) => {
        // A connection lost mid-transaction took the transaction with it: nothing was committed, unless COMMIT itself was cut off.
        throw translateConnectionError(error);
      }),
    );
  }

  /** See SqlResourceReader.explainList: the plans of a list request's statements, for index checks. */
  async explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<{ count: string[]; page: string[] }> {
    return this.reader.explainList(tenantId, resourceType, query);
  }

  async ping(): Promise<void> {
    await this.pooled.query('SELECT 1');
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
    await this.credentialWatch.close();
    await this.pool.end();
  }

  private async runWithRetries<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.runOnce(work);
      } catch (error) {
        // Errors the writer turned into client answers (a taken userName) are no longer DatabaseErrors and not counted.
        if (error instanceof DatabaseError) this.statementErrors.record(postgresErrorKind(error));
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        await delay(retryDelayMs(attempt));
      }
    }
  }

  private async runOnce<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let ended = false;
    const statements: Queryable = {
      query: <Row extends QueryResultRow>(text: string, values?: readonly unknown[]) => {
        if (ended) throw new TypeError('This writer belongs to a transaction that has ended; use it only inside its transaction callback');
        return client.query<Row>(text, values as unknown[] | undefined);
      },
    };
    const writer = new SqlResourceWriter(queryableSession(statements, this.sqlDialect), postgresFailure);
    /** Set when the connection cannot be trusted any more: release() then closes it instead of pooling it. */
    let broken: Error | undefined;
    try {
      try {
        await client.query('BEGIN');
      } catch (error) {
        broken = asError(error);
        throw error;
      }
      try {
        const result = await this.inTransaction.run({ writer, statements }, () => work(writer));
        await writer.flushCounts();
        writer.end();
        ended = true;
        const committed = await client.query('COMMIT');
        // COMMIT of a transaction that a failed statement aborted answers
        // ROLLBACK, not an error: a callback that swallowed the failure must
        // not pass for committed.
        if (committed.command !== 'COMMIT') throw new Error('PostgreSQL rolled the transaction back instead of committing it');
        return result;
      } catch (error) {
        writer.end();
        ended = true;
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = asError(rollbackError);
        }
        throw error;
      }
    } finally {
      writer.end();
      client.release(broken);
    }
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    this.pending.add(operation);
    const forget = () => this.pending.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  /** Statements are accepted until the pool has ended; during close() only those of transactions and reads under way arrive. */
  private assertUsable(): void {
    if (this.state === 'closed') throw new TypeError('The PostgreSQL store is closed');
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Whether the server has ICU's root collation, through which case folding agrees with JavaScript. */
async function detectCaseFolding(queryable: Queryable): Promise<PostgresCaseFolding> {
  const { rows } = await queryable.query('SELECT 1 FROM pg_collation WHERE collname = $1 AND collprovider = $2', [POSTGRES_ICU_ROOT_COLLATION, 'i']);
  return rows.length > 0 ? 'icu' : 'database';
}

/**
 * Connects, creates the schema when missing and applies pending migrations
 * (safe when many instances start at once: see migratePostgres), then
 * returns the store. The pool is closed again if any of it fails.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const poolSettings: PoolSettings = {
    url: options.url,
    schema,
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  };
  const pool = createPool(poolSettings);
  try {
    const client = await pool.connect();
    let applied: number[];
    try {
      applied = await migratePostgres(client, schema);
    } catch (error) {
      client.release(error instanceof Error ? error : undefined);
      throw error;
    }
    client.release();
    const caseFolding = await detectCaseFolding(pool);
    const version = postgresMigrations.at(-1)?.version ?? 0;
    const credentialWatch = new PostgresCredentialWatch(() => createListenerClient(poolSettings));
    await credentialWatch.start();
    return new PostgresStore(pool, options.registry, { schema, caseFolding, migrations: { applied, version }, credentialWatch });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
