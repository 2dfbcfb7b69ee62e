import type Database from 'better-sqlite3';
import { prefixTableNames } from '../sql/table-names.js';
import { sqliteMigrations, type Migration } from './migrations/index.js';

/**
 * Brings the database schema up to date: every migration whose version is
 * not yet in `schema_migrations` runs in its own transaction, together with
 * the row recording it, so a failed step leaves the previous version intact.
 * Returns the versions applied by this call (empty when already current).
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = sqliteMigrations, tablePrefix = ''): number[] {
  // Every statement here names Scimitar's tables as the migrations do; the prefix goes on as they run (see src/store/sql/table-names.ts).
  const named = (text: string): string => prefixTableNames(text, tablePrefix);
  db.exec(named(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`));
  const appliedRows = db.prepare(named('SELECT version FROM schema_migrations ORDER BY version')).all() as { version: number }[];
  const applied = new Set(appliedRows.map((row) => row.version));
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = [...applied].filter((version) => !known.has(version));
  if (unknown.length > 0) {
    // A newer build migrated this file; running old code against it could corrupt data.
    throw new TypeError(`The database has schema versions this build does not know (${unknown.join(', ')}); upgrade Scimitar`);
  }
  const record = db.prepare(named('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)'));
  const recorded = db.prepare(named('SELECT 1 FROM schema_migrations WHERE version = ?'));
  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    // Checked again under the write lock: another process opening the same new
    // file (a CLI command beside the server) may have applied it meanwhile.
    const ran = db.transaction(() => {
      if (recorded.get(migration.version) !== undefined) return false;
      db.exec(named(migration.up));
      record.run(migration.version, migration.name, new Date().toISOString());
      return true;
    }).immediate();
    if (ran) newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
