import { escapeIdentifier, type ClientBase } from 'pg';
import { checkedTablePrefix, prefixTableNames } from '../sql/table-names.js';
import { postgresMigrations, type Migration } from './migrations/index.js';
import { checkSchemaName } from './pool.js';

/**
 * The advisory lock every migrating Scimitar instance takes, whatever its
 * schema (RFC 7643 and 7644, run together). One fixed key: instances of
 * different schemas in one database wait for each other too, which only
 * costs them the few milliseconds a current schema takes to check.
 */
export const MIGRATION_LOCK_KEY = 76437644;

/**
 * Brings `schema` up to date, creating it when missing. Each pending
 * migration runs in its own transaction together with the row recording
 * it, so a failed step leaves the previous version intact. Every such
 * transaction first takes pg_advisory_xact_lock(MIGRATION_LOCK_KEY), held
 * until it commits, and only then reads which versions are applied: when
 * many instances start at once, one applies each step and the others find
 * it done. Returns the versions this call applied (empty when current).
 *
 * The client must not be inside a transaction.
 */
export async function migratePostgres(client: ClientBase, schema: string, migrations: readonly Migration[] = postgresMigrations, tablePrefix = ''): Promise<number[]> {
  // Every statement here names Scimitar's tables as the migrations do; the prefix goes on as they run (see src/store/sql/table-names.ts).
  const named = (text: string): string => prefixTableNames(text, checkedTablePrefix(tablePrefix));
  const identifier = escapeIdentifier(checkSchemaName(schema));
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const known = new Set(ordered.map((migration) => migration.version));
  const newlyApplied: number[] = [];
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege on the
      // database even when the schema exists; an operator may have created it.
      const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (existing.rowCount === 0) await client.query(`CREATE SCHEMA ${identifier}`);
      await client.query(`SET LOCAL search_path TO ${identifier}`);
      await client.query(
        named(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer NOT NULL PRIMARY KEY,
  name text NOT NULL,
  applied_at text NOT NULL
)`),
      );
      const { rows } = await client.query<{ version: number }>(named('SELECT version FROM schema_migrations ORDER BY version'));
      const unknown = rows.map((row) => row.version).filter((version) => !known.has(version));
      if (unknown.length > 0) {
        // A newer build migrated this schema; running old code against it could corrupt data.
        throw new TypeError(`The database has schema versions this build does not know (${unknown.join(', ')}); upgrade Scimitar`);
      }
      const applied = new Set(rows.map((row) => row.version));
      const next = ordered.find((migration) => !applied.has(migration.version));
      if (next === undefined) {
        await client.query('COMMIT');
        return newlyApplied;
      }
      await client.query(named(next.up));
      await client.query(named('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)'), [next.version, next.name, new Date().toISOString()]);
      await client.query('COMMIT');
      newlyApplied.push(next.version);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
