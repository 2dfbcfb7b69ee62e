import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { CredentialChanges } from '../store.js';
import { createPostgresDialect, POSTGRES_ICU_ROOT_COLLATION, type PostgresCaseFolding } from '../sql/dialects/postgres.js';
import { withTablePrefix } from '../sql/dialect.js';
import { SqlStore, type SqlStoreSettings } from '../sql/sql-store.js';
import { checkedTablePrefix } from '../sql/table-names.js';
import { sqlStoreParts } from '../sql/store-parts.js';
import { PostgresCredentialWatch } from './credential-watch.js';
import { migratePostgres } from './migrate.js';
import { postgresMigrations } from './migrations/index.js';
import { createListenerClient, createPool, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA, DEFAULT_STATEMENT_TIMEOUT_MS, type PoolSettings, type Queryable } from './pool.js';
import { PostgresSessions } from './postgres-driver.js';

export { MAX_TRANSACTION_ATTEMPTS } from '../sql/transactions.js';

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
  /** Put before the name of every table (index, constraint) Scimitar owns, so it shares a schema with an app's own tables (default none; see src/store/sql/table-names.ts). */
  readonly tablePrefix?: string;
  /** Statements as named prepared statements, parsed once per connection (default true; see prepared-statements.ts). False behind a pooler that cannot keep them. */
  readonly preparedStatements?: boolean;
}

/**
 * The PostgreSQL store, for one or many instances on one database.
 *
 * `store.reader` reads through the pool and sees committed data only.
 * `store.transaction(work)` runs `work` on one connection between BEGIN
 * and COMMIT (READ COMMITTED), rolling back when it throws, and runs it
 * again when PostgreSQL aborts it for a deadlock or serialization failure
 * (see PostgresSessions), so `work` must touch only the database through
 * its writer. Correctness between instances rests on the database alone:
 * userName uniqueness on the unique index, versions on `UPDATE … WHERE
 * version = $n`, PATCH's read-modify-write on the row lock
 * `writer.getResource` takes, member existence checks on the lock
 * `writer.findResourceTypes` takes (see SqlResourceWriter in
 * src/store/sql/resource-writer.ts).
 */
export class PostgresStore extends SqlStore {
  /** How case-insensitive filters on JSON attributes fold case (see src/store/sql/dialects/postgres.ts). */
  readonly caseFolding: PostgresCaseFolding;
  readonly schema: string;
  /** PostgreSQL always has the signal (LISTEN/NOTIFY, credential-watch.ts). */
  declare readonly credentialChanges: CredentialChanges;
  private readonly credentialWatch: PostgresCredentialWatch;

  constructor(settings: SqlStoreSettings & { readonly schema: string; readonly caseFolding: PostgresCaseFolding; readonly credentialWatch: PostgresCredentialWatch }) {
    super(settings);
    this.schema = settings.schema;
    this.caseFolding = settings.caseFolding;
    this.credentialWatch = settings.credentialWatch;
  }

  /** Waits for the transactions and statements under way, then closes every connection. Calling it again waits for the same close. */
  override async close(): Promise<void> {
    const closing = super.close();
    await this.credentialWatch.close();
    await closing;
  }
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
  const tablePrefix = checkedTablePrefix(options.tablePrefix ?? '');
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
      applied = await migratePostgres(client, schema, postgresMigrations, tablePrefix);
    } catch (error) {
      client.release(error instanceof Error ? error : undefined);
      throw error;
    }
    client.release();
    const caseFolding = await detectCaseFolding(pool);
    const version = postgresMigrations.at(-1)?.version ?? 0;
    const credentialWatch = new PostgresCredentialWatch(() => createListenerClient(poolSettings));
    await credentialWatch.start();
    const dialect = withTablePrefix(createPostgresDialect(caseFolding), tablePrefix);
    const sessions = new PostgresSessions({ pool, dialect, preparedStatements: options.preparedStatements ?? true });
    return new PostgresStore({
      driver: sessions,
      parts: sqlStoreParts(sessions),
      migrations: { applied, version },
      credentialChanges: credentialWatch,
      schema,
      caseFolding,
      credentialWatch,
    });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
