/**
 * The PostgreSQL names the store suites have always imported, kept over the
 * one database factory (test/helpers/fresh-database.ts), which decides where
 * the server is, whether a suite may skip it, and how a fresh schema is made.
 *
 *   const available = await postgresAvailableFor('store contract');
 *   describe.skipIf(!available)('…', () => { … });
 */
import pg from 'pg';
import {
  DEFAULT_TEST_DATABASE_URL,
  databaseAvailableFor,
  databaseRequired,
  databaseUnavailableReason,
  describeTestUrl as describeUrl,
  freshDatabase,
  postgresTestUrl,
  uniqueDatabaseName,
} from '../helpers/fresh-database.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { createPool, type PoolSettings } from '../../src/store/postgres/pool.js';

export { DEFAULT_TEST_DATABASE_URL, postgresTestUrl };

/** True in CI: an unreachable database is then a failure, never a skip. */
export function postgresRequired(): boolean {
  return databaseRequired('postgres');
}

/** The URL without its password, for messages. */
export function describeTestUrl(url: string = postgresTestUrl()): string {
  return describeUrl(url);
}

/** Why the test database cannot be used, or undefined when it answers. Probed once per test file. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  return databaseUnavailableReason('postgres');
}

export async function isPostgresAvailable(): Promise<boolean> {
  return (await postgresUnavailableReason()) === undefined;
}

/** Whether `suite` can run: see databaseAvailableFor. */
export function postgresAvailableFor(suite: string): Promise<boolean> {
  return databaseAvailableFor('postgres', suite);
}

/** A schema name no other test (in this or a parallel process) uses, without creating it. */
export function uniqueSchemaName(prefix = 'scimitar_test'): string {
  return uniqueDatabaseName(prefix);
}

/** Creates an empty schema for one store and returns its name; pass it as `schema` to openPostgresStore. */
export async function createTestSchema(prefix?: string): Promise<string> {
  const database = await freshDatabase('postgres', { postgres: 'schema', ...(prefix === undefined ? {} : { prefix }) });
  const schema = database.storeOptions.schema;
  if (schema === undefined) throw new TypeError('the database factory made a PostgreSQL schema without naming it');
  return schema;
}

/** Drops the schema and everything in it (close the stores using it first). */
export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresTestUrl(), application_name: 'scimitar-tests' });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A pool on a fresh schema with every migration applied: where the driver's own tests start. */
export async function migratedTestPool(prefix: string, poolSize: number): Promise<{ schema: string; pool: pg.Pool; settings: PoolSettings }> {
  const schema = await createTestSchema(prefix);
  const settings: PoolSettings = { url: postgresTestUrl(), schema, poolSize, statementTimeoutMs: 10_000 };
  const pool = createPool(settings);
  const client = await pool.connect();
  try {
    await migratePostgres(client, schema);
  } finally {
    client.release();
  }
  return { schema, pool, settings };
}
