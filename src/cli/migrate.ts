import { describeDatabase, openStore } from '../app/open-store.js';
import { buildSchemaRegistry, type SchemaOptions } from '../app/schema-registry.js';
import { loadConfig, type DatabaseConfig } from '../config/config.js';
import { renameMysqlTablePrefix } from '../store/mysql/rename-table-prefix.js';
import { DEFAULT_SCHEMA } from '../store/postgres/pool.js';
import { renamePostgresTablePrefix } from '../store/postgres/rename-table-prefix.js';
import { TablePrefixRenameError, type Rename } from '../store/sql/table-prefix-rename.js';
import { tablePrefixProblem } from '../store/sql/table-names.js';
import { renameSqliteTablePrefix } from '../store/sqlite/rename-table-prefix.js';
import { CommandFailed, UsageError } from './cli-errors.js';

export interface MigrateOptions {
  readonly json?: boolean;
  /** Move the tables from the configured prefix (SCIMITAR_DB_TABLE_PREFIX, default none) to this one. */
  readonly renameTablesToPrefix?: string;
}

async function renameTablePrefix(database: DatabaseConfig, from: string, to: string): Promise<Rename[]> {
  switch (database.kind) {
    case 'sqlite':
      return renameSqliteTablePrefix(database.filename, from, to);
    case 'postgres':
      return renamePostgresTablePrefix(database.url, database.schema ?? DEFAULT_SCHEMA, from, to);
    case 'mysql':
      return renameMysqlTablePrefix(database.url, from, to);
  }
}

/**
 * Applies pending schema migrations (opening the store applies them) and
 * reports what it did. With `renameTablesToPrefix` it first moves the
 * tables under that prefix (all instances stopped: they would not find
 * them), then migrates under the new prefix: opening the store under the
 * old one first would create a fresh, empty set of tables when the rename
 * had already been done.
 */
export async function migrateCommand(options: MigrateOptions, schemaOptions: SchemaOptions = {}): Promise<void> {
  const loaded = loadConfig();
  const renameTo = options.renameTablesToPrefix;
  let renames: Rename[] | undefined;
  if (renameTo !== undefined) {
    const problem = tablePrefixProblem(renameTo) ?? (renameTo === '' ? 'must not be empty' : undefined);
    if (problem !== undefined) throw new UsageError(`--rename-tables-to-prefix ${problem}`);
    try {
      renames = await renameTablePrefix(loaded.database, loaded.database.tablePrefix ?? '', renameTo);
    } catch (error) {
      if (error instanceof TablePrefixRenameError) throw new CommandFailed(error.message);
      throw error;
    }
  }
  const config = renameTo === undefined ? loaded : { ...loaded, database: { ...loaded.database, tablePrefix: renameTo } };
  const store = await openStore(config.database, buildSchemaRegistry(schemaOptions));
  let applied: readonly number[];
  let version: number;
  try {
    ({ applied, version } = store.migrations);
  } finally {
    await store.close();
  }
  const database = describeDatabase(config.database);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ database, applied, version, ...(renames !== undefined ? { renamed: renames.map(({ object, to }) => ({ kind: object.kind, from: object.name, to })) } : {}) })}\n`);
    return;
  }
  if (applied.length === 0) {
    process.stdout.write(`${database}: schema is up to date (version ${version}).\n`);
  } else {
    process.stdout.write(`${database}: applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')}; schema is at version ${version}.\n`);
  }
  if (renames !== undefined) {
    const tables = renames.filter((rename) => rename.object.kind === 'table').length;
    process.stdout.write(
      `Renamed ${tables} tables and ${renames.length - tables} indexes, constraints and sequences to the prefix "${renameTo}".\nSet SCIMITAR_DB_TABLE_PREFIX=${renameTo} on every instance before starting them again.\n`,
    );
  }
}
