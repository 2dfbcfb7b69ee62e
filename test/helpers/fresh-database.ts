/**
 * The one way tests get a fresh, empty database of any kind: an SQLite file
 * in a temporary directory of its own, a PostgreSQL database (or schema) or a
 * MariaDB/MySQL database created on the test server. Each one is named so no
 * other test, in this process or a parallel one, can see its rows, and
 * `drop()` removes it with everything in it.
 *
 * With SCIMITAR_TEST_TABLE_PREFIX set (the vitest projects `prefixed-*`),
 * every database starts out holding an app's own tables named like
 * Scimitar's (`users`, `groups`, `schema_migrations`, …, with other
 * columns and one row each), and stores, servers and CLI processes are
 * given that table prefix. `drop()` then fails the suite unless the app's
 * tables still hold exactly their row and every other table carries the
 * prefix: a statement or migration that names a Scimitar table without it
 * fails there, or wrote into the app's table.
 *
 * Where the servers are, and whether a suite may skip them:
 * - PostgreSQL: SCIMITAR_TEST_DATABASE_URL (default: the local `test`
 *   database, trust auth); SCIMITAR_REQUIRE_POSTGRES=1 (CI) makes an
 *   unreachable server a failure instead of a skip.
 * - MariaDB/MySQL: SCIMITAR_TEST_MYSQL_URL (a server and an existing database
 *   to connect to; default: the local `test` database, root without
 *   password); SCIMITAR_REQUIRE_MARIADB=1 makes it required.
 *
 *   const available = await databaseAvailableFor('postgres', 'the store contract');
 *   describe.skipIf(!available)('…', () => {
 *     const database = await freshDatabase('postgres');
 *     const store = await openPostgresStore({ ...database.storeOptions, registry });
 *     …
 *     await database.drop();
 *   });
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { isScimitarName, SCIMITAR_TABLES } from '../../src/store/sql/table-names.js';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mariadb';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_TEST_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const PROBE_TIMEOUT_MS = 3_000;
/** Small pools: up to eight test processes share two cores and one server each. */
const TEST_POOL_SIZE = '4';

/** What each kind's store opener (openSqliteStore, openPostgresStore, openMysqlStore) needs to find the database. */
export interface StoreOptionsByKind {
  readonly sqlite: { readonly filename: string; readonly tablePrefix?: string };
  readonly postgres: { readonly url: string; readonly schema?: string; readonly tablePrefix?: string };
  readonly mariadb: { readonly url: string; readonly tablePrefix?: string };
}

export interface FreshDatabase<Kind extends DatabaseKind = DatabaseKind> {
  readonly kind: Kind;
  /**
   * The DATABASE_URL the server and the CLI accept. For a PostgreSQL schema
   * (`{ postgres: 'schema' }`) it names the shared test database: only a
   * store opened with `storeOptions` sees the schema.
   */
  readonly url: string;
  readonly storeOptions: StoreOptionsByKind[Kind];
  /** The environment a server or CLI process needs for this database: DATABASE_URL and a small pool. */
  readonly env: Record<string, string>;
  /**
   * Runs one statement and returns its rows. Identifiers may be double-quoted
   * on every kind (MariaDB runs it in ANSI_QUOTES mode), so one statement text
   * serves all three.
   */
  query(statement: string): Promise<Record<string, unknown>[]>;
  /** Runs a script of one or more statements behind the stores' back: for tests of a damaged database. Same quoting as `query`. */
  execute(script: string): Promise<void>;
  /**
   * Every row of every Scimitar table, as sorted JSON lines per table
   * (named without the table prefix; the app's tables of a prefixed run are
   * left out): for "nothing changed" checks below the API.
   */
  rawTables(): Promise<Record<string, string[]>>;
  /** The table prefix stores on this database are given ('' when none). */
  readonly tablePrefix: string;
  /** Scimitar's table `name` as this database holds it, for statements a test runs itself. */
  table(name: string): string;
  /** Removes the database and everything in it (close the stores using it first). */
  drop(): Promise<void>;
}

export interface FreshDatabaseOptions {
  /** Starts the generated name, so a leftover database says which suite made it. */
  readonly prefix?: string;
  /**
   * PostgreSQL only: a whole database (the default; the server and the CLI
   * can reach it by URL) or a schema in the shared test database (cheaper,
   * for suites that open stores directly).
   */
  readonly postgres?: 'database' | 'schema';
}

/** The table prefix of this run (SCIMITAR_TEST_TABLE_PREFIX), '' when Scimitar's tables have their plain names. */
export function testTablePrefix(): string {
  return process.env['SCIMITAR_TEST_TABLE_PREFIX'] ?? '';
}

/**
 * The app's own tables a prefixed run starts with: every name Scimitar
 * uses, and two of its index names (an index name is schema-wide on
 * PostgreSQL and SQLite), so any unprefixed statement collides.
 */
const APP_TABLES = SCIMITAR_TABLES;
const APP_INDEXES = [
  ['users', 'users_user_name'],
  ['tokens', 'tokens_tenant'],
] as const;
const APP_ROW = `{"app_id":1,"app_note":"the app's own row"}`;

async function addAppTables(database: Pick<FreshDatabase, 'execute'>): Promise<void> {
  for (const table of APP_TABLES) {
    await database.execute(`CREATE TABLE "${table}" (app_id INTEGER NOT NULL PRIMARY KEY, app_note VARCHAR(100) NOT NULL)`);
    await database.execute(`INSERT INTO "${table}" (app_id, app_note) VALUES (1, 'the app''s own row')`);
  }
  for (const [table, index] of APP_INDEXES) await database.execute(`CREATE INDEX ${index} ON "${table}" (app_note)`);
}

/**
 * Fails unless every app table holds exactly its row and every table named
 * like Scimitar's carries the prefix (a suite's own app tables, such as
 * `contract_accounts`, are the app's). That SCIMITAR_TABLES lists every
 * table the migrations create is checked beside the migrations (table-prefix.test.ts).
 */
async function checkAppTablesUntouched(names: readonly string[], rowsOf: (table: string) => Promise<string[]>, prefix: string): Promise<void> {
  const problems: string[] = [];
  for (const table of APP_TABLES) {
    const rows = await rowsOf(table);
    if (rows.length !== 1 || rows[0] !== APP_ROW) problems.push(`the app's table ${table} now holds ${JSON.stringify(rows)}`);
  }
  const app = new Set<string>(APP_TABLES);
  for (const name of names) if (!app.has(name) && !name.startsWith(prefix) && isScimitarName(name)) problems.push(`table ${name} lacks the prefix ${prefix}`);
  if (problems.length > 0) throw new Error(`Scimitar's table prefix was not applied everywhere: ${problems.join('; ')}`);
}

/**
 * Where a fresh database of the run differs when a table prefix is set:
 * app tables first, the prefix for stores and processes, Scimitar's own
 * tables by their plain names in rawTables, and the check before drop.
 */
async function prefixed<Kind extends DatabaseKind>(database: FreshDatabase<Kind>, tableNames: () => Promise<string[]>): Promise<FreshDatabase<Kind>> {
  const prefix = testTablePrefix();
  if (prefix === '') return database;
  await addAppTables(database);
  const rowsOf = async (table: string) => sortedRows(await database.query(`SELECT * FROM "${table}"`));
  return {
    ...database,
    storeOptions: { ...database.storeOptions, tablePrefix: prefix },
    env: { ...database.env, SCIMITAR_DB_TABLE_PREFIX: prefix },
    tablePrefix: prefix,
    table: (name) => `${prefix}${name}`,
    async rawTables() {
      const tables: Record<string, string[]> = {};
      for (const name of await tableNames()) if (name.startsWith(prefix)) tables[name.slice(prefix.length)] = await rowsOf(name);
      return tables;
    },
    async drop() {
      try {
        await checkAppTablesUntouched(await tableNames(), rowsOf, prefix);
      } finally {
        await database.drop();
      }
    },
  };
}

export function postgresTestUrl(): string {
  const configured = process.env['SCIMITAR_TEST_DATABASE_URL'];
  return configured === undefined || configured === '' ? DEFAULT_TEST_DATABASE_URL : configured;
}

export function mysqlTestUrl(): string {
  const configured = process.env['SCIMITAR_TEST_MYSQL_URL'];
  return configured === undefined || configured === '' ? DEFAULT_TEST_MYSQL_URL : configured;
}

/** The URL without its password, for messages. */
export function describeTestUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable test database URL)';
  }
}

/** How each server kind is reached, named and required; SQLite needs no server. */
const SERVERS = {
  postgres: { name: 'PostgreSQL', url: postgresTestUrl, urlVariable: 'SCIMITAR_TEST_DATABASE_URL', requiredVariable: 'SCIMITAR_REQUIRE_POSTGRES' },
  mariadb: { name: 'MariaDB', url: mysqlTestUrl, urlVariable: 'SCIMITAR_TEST_MYSQL_URL', requiredVariable: 'SCIMITAR_REQUIRE_MARIADB' },
} as const;

type ServerKind = keyof typeof SERVERS;

/** True in CI for that kind: an unreachable server is then a failure, never a skip. */
export function databaseRequired(kind: DatabaseKind): boolean {
  return kind !== 'sqlite' && process.env[SERVERS[kind].requiredVariable] === '1';
}

async function withPostgresClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS, application_name: 'scimitar-tests' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function withMysqlConnection<T>(url: string, use: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: PROBE_TIMEOUT_MS, multipleStatements: true });
  try {
    return await use(connection);
  } finally {
    await connection.end();
  }
}

const probes = new Map<ServerKind, Promise<string | undefined>>();

/** Why the test server of `kind` cannot be used, or undefined when it answers (SQLite always can). Probed once per test file. */
export function databaseUnavailableReason(kind: DatabaseKind): Promise<string | undefined> {
  if (kind === 'sqlite') return Promise.resolve(undefined);
  let probe = probes.get(kind);
  if (probe === undefined) {
    const answered = kind === 'postgres' ? withPostgresClient(postgresTestUrl(), (client) => client.query('SELECT 1')) : withMysqlConnection(mysqlTestUrl(), (connection) => connection.query('SELECT 1'));
    probe = answered.then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
    );
    probes.set(kind, probe);
  }
  return probe;
}

/**
 * Whether `suite` can run on `kind`: true when its server answers. Otherwise
 * warns and returns false, or throws when that kind is required (CI), so the
 * test file fails with the reason instead of silently skipping.
 */
export async function databaseAvailableFor(kind: DatabaseKind, suite: string): Promise<boolean> {
  const reason = await databaseUnavailableReason(kind);
  if (reason === undefined || kind === 'sqlite') return true;
  const server = SERVERS[kind];
  const message = `${server.name} at ${describeTestUrl(server.url())} is unreachable (${reason})`;
  if (databaseRequired(kind)) throw new Error(`${message}, and ${server.requiredVariable}=1 requires it for ${suite}`);
  console.warn(`Skipping ${suite}: ${message}. Start it, or set ${server.urlVariable}.`);
  return false;
}

let namesGiven = 0;

/** A name no other test (in this or a parallel process) uses; lower case, so PostgreSQL needs no quoting. */
export function uniqueDatabaseName(prefix = 'scimitar_test'): string {
  namesGiven += 1;
  return `${prefix}_${process.pid}_${namesGiven}_${randomBytes(4).toString('hex')}`;
}

function sortedRows(rows: readonly unknown[]): string[] {
  // MariaDB hands binary columns back as Buffers; hex keeps them comparable as text.
  return rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value))).sort();
}

async function freshSqlite(options: FreshDatabaseOptions): Promise<FreshDatabase<'sqlite'>> {
  const directory = mkdtempSync(path.join(tmpdir(), `${options.prefix ?? 'scimitar-test'}-`));
  const filename = path.join(directory, 'scimitar.db');
  // The app's tables of a prefixed run are there before any store opens the file.
  if (testTablePrefix() !== '') new Database(filename).close();
  const query = async (statement: string): Promise<Record<string, unknown>[]> => {
    const database = new Database(filename, { fileMustExist: true, timeout: 5000 });
    try {
      const prepared = database.prepare(statement);
      if (prepared.reader) return prepared.all() as Record<string, unknown>[];
      prepared.run();
      return [];
    } finally {
      database.close();
    }
  };
  const tableNames = async () =>
    ((await query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) as { name: string }[]).map(({ name }) => name);
  return prefixed<'sqlite'>({
    kind: 'sqlite',
    tablePrefix: '',
    table: (name) => name,
    url: `sqlite:${filename}`,
    storeOptions: { filename },
    env: { DATABASE_URL: `sqlite:${filename}` },
    query,
    async execute(script) {
      const database = new Database(filename, { fileMustExist: true, timeout: 5000 });
      try {
        database.exec(script);
      } finally {
        database.close();
      }
    },
    async rawTables() {
      const tables: Record<string, string[]> = {};
      for (const name of await tableNames()) tables[name] = sortedRows(await query(`SELECT * FROM "${name.replace(/"/g, '""')}"`));
      return tables;
    },
    async drop() {
      rmSync(directory, { recursive: true, force: true });
    },
  }, tableNames);
}

async function freshPostgres(options: FreshDatabaseOptions): Promise<FreshDatabase<'postgres'>> {
  const serverUrl = postgresTestUrl();
  const name = uniqueDatabaseName(options.prefix);
  const inSchema = options.postgres === 'schema';
  await withPostgresClient(serverUrl, (client) => client.query(inSchema ? `CREATE SCHEMA ${pg.escapeIdentifier(name)}` : `CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(serverUrl);
  if (!inSchema) url.pathname = `/${name}`;
  const namespace = inSchema ? name : 'public';
  const onDatabase = <T>(use: (client: pg.Client) => Promise<T>) =>
    withPostgresClient(url.toString(), async (client) => {
      if (inSchema) await client.query(`SET search_path TO ${pg.escapeIdentifier(name)}`);
      return use(client);
    });
  const query = (statement: string) => onDatabase(async (client) => (await client.query(statement)).rows as Record<string, unknown>[]);
  const tableNames = async () => ((await query(`SELECT tablename FROM pg_tables WHERE schemaname = '${namespace}' ORDER BY tablename`)) as { tablename: string }[]).map(({ tablename }) => tablename);
  return prefixed<'postgres'>({
    kind: 'postgres',
    tablePrefix: '',
    table: (table) => table,
    url: url.toString(),
    storeOptions: inSchema ? { url: url.toString(), schema: name } : { url: url.toString() },
    env: { DATABASE_URL: url.toString(), SCIMITAR_DB_POOL_SIZE: TEST_POOL_SIZE },
    query,
    execute: (script) => onDatabase(async (client) => void (await client.query(script))),
    async rawTables() {
      const tables: Record<string, string[]> = {};
      for (const tablename of await tableNames()) tables[tablename] = sortedRows(await query(`SELECT * FROM ${pg.escapeIdentifier(tablename)}`));
      return tables;
    },
    async drop() {
      await withPostgresClient(serverUrl, (client) =>
        client.query(inSchema ? `DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(name)} CASCADE` : `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  }, tableNames);
}

async function freshMariadb(options: FreshDatabaseOptions): Promise<FreshDatabase<'mariadb'>> {
  const serverUrl = mysqlTestUrl();
  const name = uniqueDatabaseName(options.prefix);
  // utf8mb4 as in production: 4-byte characters (emoji) must round-trip in tests too.
  await withMysqlConnection(serverUrl, (connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const query = (statement: string) =>
    withMysqlConnection(url.toString(), async (connection) => {
      await connection.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
      const [rows] = await connection.query(statement);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    });
  const execute = (script: string) =>
    withMysqlConnection(url.toString(), async (connection) => {
      await connection.query(`SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'); ${script}`);
    });
  const tableNames = async () =>
    ((await query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME')) as { name: string }[]).map(({ name: table }) => table);
  return prefixed<'mariadb'>({
    kind: 'mariadb',
    tablePrefix: '',
    table: (table) => table,
    url: url.toString(),
    storeOptions: { url: url.toString() },
    env: { DATABASE_URL: url.toString(), SCIMITAR_DB_POOL_SIZE: TEST_POOL_SIZE },
    query,
    execute,
    async rawTables() {
      const tables: Record<string, string[]> = {};
      for (const table of await tableNames()) tables[table] = sortedRows(await query(`SELECT * FROM "${table.replace(/"/g, '""')}"`));
      return tables;
    },
    async drop() {
      await withMysqlConnection(serverUrl, (connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  }, tableNames);
}

/** A fresh, empty database of `kind`; the caller checks availability first (databaseAvailableFor) and drops it when done. */
export async function freshDatabase<Kind extends DatabaseKind>(kind: Kind, options: FreshDatabaseOptions = {}): Promise<FreshDatabase<Kind>> {
  const makers: { readonly [K in DatabaseKind]: (options: FreshDatabaseOptions) => FreshDatabase<K> | Promise<FreshDatabase<K>> } = {
    sqlite: freshSqlite,
    postgres: freshPostgres,
    mariadb: freshMariadb,
  };
  return (await makers[kind](options)) as FreshDatabase<Kind>;
}
