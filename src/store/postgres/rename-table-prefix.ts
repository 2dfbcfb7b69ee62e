/**
 * Moves a PostgreSQL schema's Scimitar tables under another prefix in one
 * transaction (see src/store/sql/table-prefix-rename.ts), holding the
 * migration lock so no instance migrates meanwhile: tables, indexes (which
 * renames the primary key and unique constraints they back), sequences,
 * then the other constraints (foreign keys, checks).
 */
import pg from 'pg';
import { planTablePrefixRename, type CatalogObject, type Rename } from '../sql/table-prefix-rename.js';
import { MIGRATION_LOCK_KEY } from './migrate.js';
import { checkSchemaName } from './pool.js';

const CATALOG = `
SELECT CASE c.relkind WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind, c.relname AS name, t.relname AS table
  FROM pg_class c LEFT JOIN pg_index x ON x.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = x.indrelid
 WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1) AND c.relkind IN ('r', 'p', 'i', 'S')
UNION ALL
SELECT 'constraint', k.conname, t.relname
  FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
 WHERE k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1) AND k.contype NOT IN ('p', 'u', 'x')`;

const STATEMENT = { table: 'TABLE', index: 'INDEX', sequence: 'SEQUENCE' } as const;

/** Renames every Scimitar object of `schema` from prefix `from` to `to`; returns what it renamed. The servers must be stopped. */
export async function renamePostgresTablePrefix(url: string, schema: string, from: string, to: string): Promise<Rename[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'scimitar-rename' });
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await client.query(`SET LOCAL search_path TO ${pg.escapeIdentifier(checkSchemaName(schema))}`);
      const { rows } = await client.query<CatalogObject & { table: string | null }>(CATALOG, [schema]);
      const objects = rows.map((row) => ({ kind: row.kind, name: row.name, ...(row.table !== null ? { table: row.table } : {}) }));
      const renames = planTablePrefixRename(objects, from, to);
      const newTable = new Map(renames.filter((rename) => rename.object.kind === 'table').map((rename) => [rename.object.name, rename.to]));
      for (const kind of ['table', 'index', 'sequence'] as const) {
        for (const { object, to: name } of renames) {
          if (object.kind === kind) await client.query(`ALTER ${STATEMENT[kind]} ${pg.escapeIdentifier(object.name)} RENAME TO ${pg.escapeIdentifier(name)}`);
        }
      }
      for (const { object, to: name } of renames) {
        if (object.kind !== 'constraint') continue;
        const table = newTable.get(object.table ?? '') ?? object.table ?? '';
        await client.query(`ALTER TABLE ${pg.escapeIdentifier(table)} RENAME CONSTRAINT ${pg.escapeIdentifier(object.name)} TO ${pg.escapeIdentifier(name)}`);
      }
      await client.query('COMMIT');
      return renames;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end();
  }
}
