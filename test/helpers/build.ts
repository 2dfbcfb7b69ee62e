/**
 * The one way tests build a Scimitar server: a real database of its own (an
 * SQLite file in a fresh temporary directory, or — when the suite runs on
 * PostgreSQL, SCIMITAR_TEST_STORE=postgres — a freshly created PostgreSQL
 * database), a fixed bearer token, and the full HTTP stack (inject-able, or
 * listening on a real socket).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createScimitar, type Scimitar, type ScimitarOverrides } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';
import { createScryptHasher } from '../../src/services/passwords.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const TEST_SECRET = 'test-secret-0123456789abcdef-0123456789abcdef';
export const SCIM = '/scim/v2';
export const SCIM_JSON = 'application/scim+json';

const REQUEST_LOG_TABLE = 'request_log';

export type TestStoreKind = 'sqlite' | 'postgres' | 'mariadb';

/** Which store this run of the suite uses (vitest.config.ts runs the HTTP suites once per store). */
export function testStoreKind(): TestStoreKind {
  const configured = process.env['SCIMITAR_TEST_STORE'];
  return configured === 'postgres' || configured === 'mariadb' ? configured : 'sqlite';
}

export interface TestServer {
  readonly scimitar: Scimitar;
  readonly storeKind: TestStoreKind;
  /** inject() with the bearer token and SCIM content type already set. */
  request(options: InjectOptions & { readonly body?: unknown }): Promise<LightMyRequestResponse>;
  /**
   * Every row of every table, as sorted JSON lines per table: for "nothing
   * changed" checks below the API. The request log records every request,
   * failed ones included, so it is left out unless asked for.
   */
  rawTables(options?: { readonly requestLog?: boolean }): Promise<Record<string, string[]>>;
  /** Runs SQL on the database behind the server's back: for tests of a damaged database. */
  execute(statement: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestDatabase {
  readonly env: Record<string, string>;
  rawTables(): Promise<Record<string, string[]>>;
  execute(statement: string): Promise<void>;
  drop(): Promise<void>;
}

function sqliteDatabase(): TestDatabase {
  const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-test-'));
  const filename = path.join(directory, 'scimitar.db');
  return {
    env: { DATABASE_URL: `sqlite:${filename}` },
    async rawTables() {
      const database = new Database(filename, { readonly: true, fileMustExist: true });
      try {
        const names = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
        const tables: Record<string, string[]> = {};
        for (const { name } of names) {
          const rows = database.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as unknown[];
          tables[name] = rows.map((row) => JSON.stringify(row)).sort();
        }
        return tables;
      } finally {
        database.close();
      }
    },
    async execute(statement) {
      const database = new Database(filename, { fileMustExist: true, timeout: 5000 });
      try {
        database.exec(statement);
      } finally {
        database.close();
      }
    },
    async drop() {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL database per server, so suites never see each other's rows. */
async function postgresDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env['SCIMITAR_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `scimitar_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), SCIMITAR_DB_POOL_SIZE: '4' },
    async rawTables() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const names = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
        const tables: Record<string, string[]> = {};
        for (const { tablename } of names.rows) {
          const rows = await client.query(`SELECT * FROM "${tablename.replace(/"/g, '""')}"`);
          tables[tablename] = rows.rows.map((row: unknown) => JSON.stringify(row)).sort();
        }
        return tables;
      } finally {
        await client.end();
      }
    },
    async execute(statement) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    },
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A fresh MariaDB (or MySQL) database per server, on the server SCIMITAR_TEST_MYSQL_URL names. */
export async function mariadbDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env['SCIMITAR_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
  const name = `scimitar_test_${randomBytes(6).toString('hex')}`;
  const withConnection = async <T>(url: string, use: (connection: mysql.Connection) => Promise<T>): Promise<T> => {
    const connection = await mysql.createConnection({ uri: url, multipleStatements: true });
    try {
      return await use(connection);
    } finally {
      await connection.end();
    }
  };
  await withConnection(serverUrl, (connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), SCIMITAR_DB_POOL_SIZE: '4' },
    rawTables: () =>
      withConnection(url.toString(), async (connection) => {
        const [names] = await connection.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME');
        const tables: Record<string, string[]> = {};
        for (const { name: table } of names as { name: string }[]) {
          const [rows] = await connection.query(`SELECT * FROM \`${table.replace(/`/g, '``')}\``);
          tables[table] = (rows as unknown[]).map((row) => JSON.stringify(row, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value))).sort();
        }
        return tables;
      }),
    execute: async (statement) => {
      await withConnection(url.toString(), (connection) => connection.query(`SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'); ${statement}`));
    },
    drop: async () => {
      await withConnection(serverUrl, (connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

/** A fresh database of the kind this run uses. */
export function testDatabase(kind: TestStoreKind = testStoreKind()): Promise<TestDatabase> | TestDatabase {
  switch (kind) {
    case 'postgres':
      return postgresDatabase();
    case 'mariadb':
      return mariadbDatabase();
    case 'sqlite':
      return sqliteDatabase();
  }
}

export async function build(env: Record<string, string> = {}, overrides: ScimitarOverrides = {}): Promise<TestServer> {
  const storeKind = testStoreKind();
  const database = await testDatabase(storeKind);
  let scimitar: Scimitar;
  try {
    const config = loadConfig({
      SCIMITAR_TOKEN: TEST_TOKEN,
      SCIMITAR_SECRET: TEST_SECRET,
      SCIMITAR_LOG_LEVEL: 'silent',
      SCIMITAR_PUBLIC_URL: 'https://scim.example.com',
      ...database.env,
      ...env,
    });
    // Real scrypt at a low cost: the hashing path is exercised without slowing the suite.
    scimitar = await createScimitar(config, { passwords: createScryptHasher({ N: 1024, r: 8, p: 1 }), ...overrides });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    scimitar,
    storeKind,
    request(options) {
      const { body, headers, ...rest } = options;
      return scimitar.app.inject({
        ...rest,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(body !== undefined ? { 'content-type': SCIM_JSON } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      } as InjectOptions);
    },
    async rawTables(options = {}) {
      if (options.requestLog === true) await scimitar.requestLogRecorder.flush();
      const tables = await database.rawTables();
      if (options.requestLog !== true) delete tables[REQUEST_LOG_TABLE];
      return tables;
    },
    execute: (statement) => database.execute(statement),
    async close() {
      await scimitar.close();
      await database.drop();
    },
  };
}
