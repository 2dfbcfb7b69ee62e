import mysql from 'mysql2/promise';
import pg from 'pg';
import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config';

/** Where the PostgreSQL runs of the suites connect (a reachable local server by default). */
const postgresUrl = process.env['SCIMITAR_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** CI sets this: an unreachable PostgreSQL is then a failure, not a skip. */
const postgresRequired = process.env['SCIMITAR_REQUIRE_POSTGRES'] === '1';

/** Where the MariaDB (or MySQL) runs of the suites connect: a server and an existing database to connect to. */
const mysqlUrl = process.env['SCIMITAR_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
/** CI sets this: an unreachable MariaDB is then a failure, not a skip. */
const mariadbRequired = process.env['SCIMITAR_REQUIRE_MARIADB'] === '1';

async function mariadbReachable(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 2000 });
    try {
      await connection.query('SELECT 1');
      return true;
    } finally {
      await connection.end();
    }
  } catch {
    return false;
  }
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Suites that restart the shared PostgreSQL server: they would break every
 * other PostgreSQL suite running at the same time, so `npm test` leaves them
 * out and `npm run test:db-restart` runs them alone (vitest.db-restart.config.ts).
 */
export const DATABASE_RESTART_SUITES = ['test/db-restart/**/*.test.ts'];

/** The suites that run once per store: the same tests, parametrised by SCIMITAR_TEST_STORE (see test/helpers/build.ts). */
const SUITES_ON_EVERY_STORE = [
  'test/http/**/*.test.ts',
  'test/hostile/**/*.test.ts',
  'test/socket/**/*.test.ts',
  'test/interop/**/*.test.ts',
  'test/tenancy/**/*.test.ts',
  'test/oauth/**/*.test.ts',
  'test/admin/**/*.test.ts',
  'test/cursor/**/*.test.ts',
  'test/bulk/**/*.test.ts',
  'test/events/**/*.test.ts',
  'test/request-log/**/*.test.ts',
  'test/reports/**/*.test.ts',
  'test/metrics/**/*.test.ts',
  // The other webhook suites open both stores themselves.
  'test/webhooks/admin-api.test.ts',
  // The pages over HTTP (the browser suite, test/browser, runs on SQLite only).
  'test/web/**/*.test.ts',
  'examples/existing-app/**/*.test.ts',
  // Its handler's own suite (src/auth-sync.test.ts) opens both databases itself.
  'examples/better-auth/better-auth.test.ts',
];

/**
 * The proof that every statement and migration honours the table prefix
 * (SCIMITAR_DB_TABLE_PREFIX): the store contract and a few HTTP suites,
 * run again with a prefix on a database that already holds an app's own
 * tables named like Scimitar's (test/helpers/fresh-database.ts checks them
 * untouched afterwards). A few suites, not all: the store contract reaches
 * every store statement; the HTTP suites add the services' paths.
 */
const PREFIXED_SUITES = [
  'test/http/users.test.ts',
  'test/http/groups.test.ts',
  'test/events/hooks-and-feed.test.ts',
  'test/metrics/metrics.test.ts',
  'test/tenancy/tokens.test.ts',
];
const TEST_TABLE_PREFIX = 'scim_';

function prefixedProject(store: 'sqlite' | 'postgres' | 'mariadb') {
  return {
    extends: true as const,
    test: {
      name: `prefixed-on-${store}`,
      include: [`test/store-contract/${store}.test.ts`, ...PREFIXED_SUITES],
      env: { SCIMITAR_TEST_STORE: store, SCIMITAR_TEST_TABLE_PREFIX: TEST_TABLE_PREFIX },
    },
  };
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const withPostgres = await postgresReachable();
  if (!withPostgres) {
    const message = `PostgreSQL at ${new URL(postgresUrl).host} is not reachable: the PostgreSQL runs of the HTTP suites are SKIPPED (set SCIMITAR_TEST_DATABASE_URL to run them).`;
    if (postgresRequired) throw new Error(`${message} SCIMITAR_REQUIRE_POSTGRES=1 makes this a failure.`);
    process.stderr.write(`\n[scimitar] ${message}\n\n`);
  }
  const withMariadb = await mariadbReachable();
  if (!withMariadb) {
    const message = `MariaDB at ${new URL(mysqlUrl).host} is not reachable: the MariaDB runs of the HTTP suites are SKIPPED (set SCIMITAR_TEST_MYSQL_URL to run them).`;
    if (mariadbRequired) throw new Error(`${message} SCIMITAR_REQUIRE_MARIADB=1 makes this a failure.`);
    process.stderr.write(`\n[scimitar] ${message}\n\n`);
  }
  return {
    test: {
      // SQLite files live in per-test temp directories and PostgreSQL runs get a
      // database of their own, so files run in parallel safely.
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      env: { SCIMITAR_TEST_DATABASE_URL: postgresUrl, SCIMITAR_TEST_MYSQL_URL: mysqlUrl, ...(withPostgres ? { SCIMITAR_TEST_POSTGRES: '1' } : {}), ...(withMariadb ? { SCIMITAR_TEST_MARIADB: '1' } : {}) },
      projects: [
        {
          extends: true as const,
          test: { name: 'default', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'], exclude: [...configDefaults.exclude, ...DATABASE_RESTART_SUITES] },
        },
        prefixedProject('sqlite'),
        ...(withPostgres ? [prefixedProject('postgres')] : []),
        ...(withMariadb ? [prefixedProject('mariadb')] : []),
        ...(withPostgres
          ? [{ extends: true as const, test: { name: 'http-on-postgres', include: SUITES_ON_EVERY_STORE, env: { SCIMITAR_TEST_STORE: 'postgres' } } }]
          : []),
        ...(withMariadb
          ? [{ extends: true as const, test: { name: 'http-on-mariadb', include: SUITES_ON_EVERY_STORE, env: { SCIMITAR_TEST_STORE: 'mariadb' } } }]
          : []),
      ],
    },
  };
});
