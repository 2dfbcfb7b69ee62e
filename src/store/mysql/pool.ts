/**
 * The mysql2 connection pool, and the settings every connection gets
 * before its first statement:
 * - sql_mode: ANSI_QUOTES ("groups" is an identifier; GROUPS is reserved in
 *   MySQL 8), PIPES_AS_CONCAT (`||` concatenates, as in standard SQL, instead
 *   of meaning OR: a `||` written for the other databases must never turn
 *   into a silent OR here), NO_BACKSLASH_ESCAPES (a backslash in SQL text is a backslash,
 *   as in standard SQL and the other databases), STRICT_ALL_TABLES (an
 *   over-long or mistyped value is an error, never silently cut),
 *   NO_ZERO_DATE / NO_ZERO_IN_DATE, ERROR_FOR_DIVISION_BY_ZERO,
 *   NO_ENGINE_SUBSTITUTION (a table is InnoDB or is not created);
 * - utf8mb4 with the binary, non-padding collation of the engine (literals
 *   and parameters compare as the columns do);
 * - time_zone UTC, READ COMMITTED, and a statement timeout.
 */
import mysql from 'mysql2/promise';
import type { MysqlCollations } from '../sql/dialects/mysql.js';

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** Prepared statements each connection keeps (mysql2 closes the least recently used beyond): the server's max_prepared_stmt_count is shared by all connections. */
const PREPARED_STATEMENTS_PER_CONNECTION = 256;

export const SQL_MODE = ['ANSI_QUOTES', 'PIPES_AS_CONCAT', 'NO_BACKSLASH_ESCAPES', 'STRICT_ALL_TABLES', 'NO_ZERO_DATE', 'NO_ZERO_IN_DATE', 'ERROR_FOR_DIVISION_BY_ZERO', 'NO_ENGINE_SUBSTITUTION'].join(',');

export interface MysqlPoolSettings {
  /** mysql://user:password@host:port/database */
  readonly url: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
}

/** The pool's connection options from the URL; the URL itself is never echoed (it may hold a password). */
function connectionOptions(settings: MysqlPoolSettings): mysql.PoolOptions {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    throw new TypeError('The MySQL URL is not valid: use mysql://user:password@host:port/database');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') throw new TypeError('The MySQL URL must start with mysql://');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '') throw new TypeError('The MySQL URL names no database: use mysql://user:password@host:port/database');
  if (!Number.isInteger(settings.poolSize) || settings.poolSize < 1) throw new TypeError(`poolSize must be a positive integer, not ${settings.poolSize}`);
  if (!Number.isInteger(settings.statementTimeoutMs) || settings.statementTimeoutMs < 1) {
    throw new TypeError(`statementTimeoutMs must be a positive integer, not ${settings.statementTimeoutMs}`);
  }
  return {
    host: url.hostname === '' ? 'localhost' : url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    connectionLimit: settings.poolSize,
    // Waiting for a free connection and for the server's first answer are
    // bounded like a statement, so a hung server turns into errors.
    connectTimeout: settings.statementTimeoutMs,
    charset: 'utf8mb4',
    // The driver's own count is of changed rows, and `run` reads matched rows from the server's info (mysql-sessions.ts).
    flags: ['-FOUND_ROWS'],
    // JSON arrives as text on both engines (MariaDB's JSON is text anyway); the dialect parses it.
    jsonStrings: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    maxPreparedStatements: PREPARED_STATEMENTS_PER_CONNECTION,
    enableKeepAlive: true,
    multipleStatements: false,
  };
}

export function createMysqlPool(settings: MysqlPoolSettings): mysql.Pool {
  const pool = mysql.createPool(connectionOptions(settings));
  // An idle connection the server or the network drops emits 'error'; mysql2
  // removes it from the pool, and the next statement opens a new one.
  pool.pool.on('connection', (connection) => {
    connection.on('error', () => undefined);
  });
  return pool;
}

/** The statements that put a fresh connection into the store's settings. */
export function sessionSettings(collations: MysqlCollations, statementTimeoutMs: number, engine: 'mariadb' | 'mysql'): readonly string[] {
  // MariaDB bounds a statement in seconds (max_statement_time), MySQL a SELECT in milliseconds (max_execution_time).
  const timeout =
    engine === 'mariadb' ? `max_statement_time = ${Math.max(statementTimeoutMs / 1000, 0.001)}` : `max_execution_time = ${Math.max(Math.round(statementTimeoutMs), 1)}`;
  return [
    `SET NAMES utf8mb4 COLLATE ${collations.text}`,
    `SET SESSION sql_mode = '${SQL_MODE}', time_zone = '+00:00', ${timeout}`,
    'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
  ];
}
