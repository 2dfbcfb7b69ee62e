/**
 * Running test suites against a real MariaDB (or MySQL): where it is,
 * whether it answers, and a fresh database per store so suites running in
 * parallel never see each other's rows.
 *
 * SCIMITAR_TEST_MYSQL_URL names the server and an existing database to
 * connect to (default: the local `test` database, root without password).
 * When it does not answer, MariaDB suites are skipped with a warning saying
 * why, unless SCIMITAR_REQUIRE_MARIADB=1 (set in CI): then they fail.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const DEFAULT_TEST_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const PROBE_TIMEOUT_MS = 3_000;

export function mysqlTestUrl(): string {
  const configured = process.env['SCIMITAR_TEST_MYSQL_URL'];
  return configured === undefined || configured === '' ? DEFAULT_TEST_MYSQL_URL : configured;
}

export function mariadbRequired(): boolean {
  return process.env['SCIMITAR_REQUIRE_MARIADB'] === '1';
}

async function withConnection<T>(use: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: mysqlTestUrl(), connectTimeout: PROBE_TIMEOUT_MS });
  try {
    return await use(connection);
  } finally {
    await connection.end();
  }
}

let probe: Promise<string | undefined> | undefined;

/** Why the test server cannot be used, or undefined when it answers. Probed once per test file. */
export function mariadbUnavailableReason(): Promise<string | undefined> {
  probe ??= withConnection(async (connection) => {
    await connection.query('SELECT 1');
    return undefined;
  }).catch((error: unknown) => (error instanceof Error ? error.message || error.name : String(error)));
  return probe;
}

/** Whether `suite` can run: true when the server answers; otherwise warns (or throws, when required) and returns false. */
export async function mariadbAvailableFor(suite: string): Promise<boolean> {
  const reason = await mariadbUnavailableReason();
  if (reason === undefined) return true;
  const url = new URL(mysqlTestUrl());
  const message = `MariaDB at ${url.host} is unreachable (${reason})`;
  if (mariadbRequired()) throw new Error(`${message}, and SCIMITAR_REQUIRE_MARIADB=1 requires it for ${suite}`);
  console.warn(`Skipping ${suite}: ${message}. Start it, or set SCIMITAR_TEST_MYSQL_URL.`);
  return false;
}

/** Creates an empty database for one store and returns its URL; `drop` removes it (close the stores using it first). */
export async function createTestDatabase(prefix = 'scimitar_test'): Promise<{ readonly name: string; readonly url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withConnection((connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  const url = new URL(mysqlTestUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withConnection((connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}
