/**
 * The one way tests build a Scimitar server: a real database of its own (from
 * the database factory, of the kind SCIMITAR_TEST_STORE names: SQLite unless
 * the suite runs on PostgreSQL or MariaDB), a fixed bearer token, and the full
 * HTTP stack (inject-able, or listening on a real socket).
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createScimitar, type Scimitar, type ScimitarOverrides } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';
import { createScryptHasher } from '../../src/services/passwords.js';
import { freshDatabase, type DatabaseKind, type FreshDatabase } from './fresh-database.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const TEST_SECRET = 'test-secret-0123456789abcdef-0123456789abcdef';
export const SCIM = '/scim/v2';
export const SCIM_JSON = 'application/scim+json';

const REQUEST_LOG_TABLE = 'request_log';

export type TestStoreKind = DatabaseKind;

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

/** A fresh database as build() uses it; the factory's database (test/helpers/fresh-database.ts) is one. */
export type TestDatabase = FreshDatabase;

/** A fresh MariaDB (or MySQL) database, on the server SCIMITAR_TEST_MYSQL_URL names. */
export function mariadbDatabase(): Promise<TestDatabase> {
  return freshDatabase('mariadb');
}

/** A fresh database of the kind this run uses (a whole PostgreSQL database, so a server or CLI process can reach it by URL). */
export function testDatabase(kind: TestStoreKind = testStoreKind()): Promise<TestDatabase> {
  return freshDatabase(kind);
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
