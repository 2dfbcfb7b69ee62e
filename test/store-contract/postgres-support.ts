/**
 * Running test suites against a real PostgreSQL: where it is, whether it
 * answers, and a fresh schema per store so suites running in parallel never
 * see each other's rows.
 *
 * SCIMITAR_TEST_DATABASE_URL names the database (default: the local
 * `test` database, trust auth). When it does not answer, PostgreSQL suites
 * are skipped with a warning saying why, unless SCIMITAR_REQUIRE_POSTGRES=1
 * (set in CI): then the suite fails instead.
 *
 *   const available = await postgresAvailableFor('store contract');
 *   describe.skipIf(!available)('…', () => { … });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const PROBE_TIMEOUT_MS = 3_000;

export function postgresTestUrl(): string {
  const configured = process.env['SCIMITAR_TEST_DATABASE_URL'];
  return configured === undefined || configured === '' ? DEFAULT_TEST_DATABASE_URL : configured;
}

/** True in CI: an unreachable database is then a failure, never a skip. */
export function postgresRequired(): boolean {
  return process.env['SCIMITAR_REQUIRE_POSTGRES'] === '1';
}

/** The URL without its password, for messages. */
export function describeTestUrl(url: string = postgresTestUrl()): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable SCIMITAR_TEST_DATABASE_URL)';
  }
}

async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresTestUrl(), connectionTimeoutMillis: PROBE_TIMEOUT_MS, application_name: 'scimitar-tests' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

let probe: Promise<string | undefined> | undefined;

/** Why the test database cannot be used, or undefined when it answers. Probed once per test file. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  probe ??= withClient(async (client) => {
    await client.query('SELECT 1');
    return undefined;
  }).catch((error: unknown) => (error instanceof Error ? error.message || error.name : String(error)));
  return probe;
}

export async function isPostgresAvailable(): Promise<boolean> {
  return (await postgresUnavailableReason()) === undefined;
}

/**
 * Whether `suite` can run: true when PostgreSQL answers. Otherwise warns
 * and returns false, or throws when SCIMITAR_REQUIRE_POSTGRES=1 so the test
 * file fails with the reason.
 */
export async function postgresAvailableFor(suite: string): Promise<boolean> {
  const reason = await postgresUnavailableReason();
  if (reason === undefined) return true;
  const message = `PostgreSQL at ${describeTestUrl()} is unreachable (${reason})`;
  if (postgresRequired()) throw new Error(`${message}, and SCIMITAR_REQUIRE_POSTGRES=1 requires it for ${suite}`);
  console.warn(`Skipping ${suite}: ${message}. Start it, or set SCIMITAR_TEST_DATABASE_URL.`);
  return false;
}

let schemaCount = 0;

/** A schema name no other test (in this or a parallel process) uses, without creating it. */
export function uniqueSchemaName(prefix = 'scimitar_test'): string {
  schemaCount += 1;
  return `${prefix}_${process.pid}_${schemaCount}_${randomBytes(4).toString('hex')}`;
}

/** Creates an empty schema for one store and returns its name; pass it as `schema` to openPostgresStore. */
export async function createTestSchema(prefix?: string): Promise<string> {
  const schema = uniqueSchemaName(prefix);
  await withClient((client) => client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`));
  return schema;
}

/** Drops the schema and everything in it (close the stores using it first). */
export async function dropTestSchema(schema: string): Promise<void> {
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
}
