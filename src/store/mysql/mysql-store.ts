/**
 * The MySQL/MariaDB store: the one SqlStore over the MySQL driver, with the
 * same parts as on the other databases. Only what the driver cannot give is
 * missing: MySQL has no LISTEN/NOTIFY, so `credentialChanges` is undefined
 * and instances read the token row on every request (a revocation holds on
 * every instance at once without a signal).
 */
import { SqlStore } from '../sql/sql-store.js';
import { checkedTablePrefix } from '../sql/table-names.js';
import { sqlStoreParts } from '../sql/store-parts.js';
import { migrateMysql } from './migrate.js';
import { mysqlMigrations } from './migrations/index.js';
import { MysqlSessions } from './mysql-sessions.js';
import { createMysqlPool, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS } from './pool.js';

export interface MysqlConnectionOptions {
  /** mysql://user:password@host:port/database */
  readonly url: string;
  /** Connections of this instance (default 10). A transaction holds one; committed reads use others. */
  readonly poolSize?: number;
  /** The server stops a statement running longer (default 30 000 ms); also bounds connecting. */
  readonly statementTimeoutMs?: number;
  /** Put before the name of every table (and constraint) Scimitar owns, so it shares a database with an app's own tables (default none; see src/store/sql/table-names.ts). */
  readonly tablePrefix?: string;
}

export interface OpenedMysqlSessions {
  readonly sessions: MysqlSessions;
  readonly migrations: { readonly applied: readonly number[]; readonly version: number };
}

/**
 * Connects, applies pending migrations (safe when many instances start at
 * once: see migrateMysql) and returns the sessions. The pool is closed
 * again if any of it fails.
 */
export async function openMysqlSessions(options: MysqlConnectionOptions): Promise<OpenedMysqlSessions> {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const tablePrefix = checkedTablePrefix(options.tablePrefix ?? '');
  const pool = createMysqlPool({ url: options.url, poolSize: options.poolSize ?? DEFAULT_POOL_SIZE, statementTimeoutMs });
  try {
    const sessions = await MysqlSessions.open(pool, statementTimeoutMs, tablePrefix);
    const applied = await migrateMysql(sessions, sessions.collations);
    return { sessions, migrations: { applied, version: mysqlMigrations.at(-1)?.version ?? 0 } };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

export type MysqlStoreOptions = MysqlConnectionOptions;

export type MysqlStore = SqlStore;

/** Connects, applies pending migrations (once, whatever the number of instances starting: see migrateMysql), and returns the store. */
export async function openMysqlStore(options: MysqlStoreOptions): Promise<MysqlStore> {
  const { sessions, migrations } = await openMysqlSessions(options);
  return new SqlStore({ driver: sessions, parts: sqlStoreParts(sessions), migrations, credentialChanges: undefined });
}
