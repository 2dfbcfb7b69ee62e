/**
 * The connection pool: every connection it opens works in the store's
 * PostgreSQL schema (search_path), under a statement timeout, and names
 * itself `scimitar` in pg_stat_activity.
 */
import { Client, escapeIdentifier, Pool, type QueryResult, type QueryResultRow } from 'pg';

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_SCHEMA = 'public';
const APPLICATION_NAME = 'scimitar';

/** What runs a statement: the pool (any free connection) or the one connection of a transaction. */
export interface Queryable {
  query<Row extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>>;
}

export interface PoolSettings {
  readonly url: string;
  readonly schema: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
}

/** A schema name PostgreSQL accepts as an identifier: 1 to 63 bytes, no NUL. */
export function checkSchemaName(schema: string): string {
  if (typeof schema !== 'string' || schema === '' || schema.includes('\u0000') || Buffer.byteLength(schema) > 63) {
    throw new TypeError(`Invalid PostgreSQL schema name ${JSON.stringify(schema)}: use 1 to 63 bytes, e.g. "scimitar"`);
  }
  return schema;
}

/**
 * The `options` startup parameter: the URL's own (node-postgres would let
 * it replace ours), then `-c search_path=…`. Within `options`, a backslash
 * escapes the next character, so spaces and backslashes of the value are escaped.
 */
function startupOptions(url: URL, schema: string): string {
  const searchPath = `-c search_path=${escapeIdentifier(schema).replace(/[\\\s]/g, (character) => `\\${character}`)}`;
  const own = url.searchParams.get('options');
  return own === null || own.trim() === '' ? searchPath : `${own} ${searchPath}`;
}

/** The connection string (without its own `options`, merged into ours) and the startup options. */
function connectionSettings(settings: PoolSettings): { connectionString: string; options: string } {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    // The URL itself is not echoed: it may hold a password.
    throw new TypeError('The PostgreSQL URL is not valid: use postgres://user:password@host:port/database');
  }
  const options = startupOptions(url, settings.schema);
  let connectionString = settings.url;
  if (url.searchParams.has('options')) {
    url.searchParams.delete('options');
    connectionString = url.toString();
  }
  return { connectionString, options };
}

/** A connection of its own, outside the pool, for LISTEN (credential-watch.ts); TCP keep-alive notices a silently dead peer. */
export function createListenerClient(settings: PoolSettings): Client {
  const { connectionString, options } = connectionSettings(settings);
  return new Client({ connectionString, options, application_name: `${APPLICATION_NAME}-listen`, keepAlive: true, connectionTimeoutMillis: settings.statementTimeoutMs });
}

export function createPool(settings: PoolSettings): Pool {
  checkSchemaName(settings.schema);
  if (!Number.isInteger(settings.poolSize) || settings.poolSize < 1) throw new TypeError(`poolSize must be a positive integer, not ${settings.poolSize}`);
  if (!Number.isInteger(settings.statementTimeoutMs) || settings.statementTimeoutMs < 1) {
    throw new TypeError(`statementTimeoutMs must be a positive integer, not ${settings.statementTimeoutMs}`);
  }
  const { connectionString, options } = connectionSettings(settings);
  const pool = new Pool({
    connectionString,
    max: settings.poolSize,
    // Sent in the startup packet with search_path: every connection has
    // them before its first query, at no extra round trip.
    options,
    statement_timeout: settings.statementTimeoutMs,
    application_name: APPLICATION_NAME,
    // Waiting for a free connection is bounded like a statement, so an
    // exhausted pool turns into errors instead of requests that hang.
    connectionTimeoutMillis: settings.statementTimeoutMs,
  });
  // An idle connection that the server or the network drops emits 'error'
  // on the pool (unhandled, it would crash the process). pg-pool has already
  // removed it; the next query opens a new connection.
  pool.on('error', () => undefined);
  // A connection that is checked out (a transaction, a query under way) has
  // no pool listener: when the server restarts, it emits 'error' itself
  // ("Connection terminated unexpectedly", 57P01), and an 'error' event
  // nobody listens to ends the process. Every connection gets a listener of
  // its own for its whole life: the statement under way fails with the same
  // error (and becomes StoreUnavailableError), and pg-pool discards a
  // connection that is no longer queryable when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}
