/**
 * Moves a MySQL/MariaDB database's Scimitar tables under another prefix
 * (see src/store/sql/table-prefix-rename.ts), holding the migration lock.
 * The tables move in one RENAME TABLE, which is atomic; MySQL commits
 * each DDL statement, so the indexes (ALTER TABLE … RENAME INDEX) and the
 * foreign key and check constraints (which MySQL cannot rename: dropped and
 * added again under the new name, from their definitions) follow one
 * statement at a time. Should that part stop halfway, the tables already
 * have their new names (the store works under the new prefix) and the
 * error names the indexes and constraints still to rename by hand.
 */
import mysql from 'mysql2/promise';
import { planTablePrefixRename, type CatalogObject, type Rename } from '../sql/table-prefix-rename.js';
import { MIGRATION_LOCK_NAME, MIGRATION_LOCK_TIMEOUT_SECONDS } from './migrate.js';

interface ForeignKeyColumn {
  readonly name: string;
  readonly column: string;
  readonly referencedTable: string;
  readonly referencedColumn: string;
  readonly deleteRule: string;
  readonly updateRule: string;
}

function quoted(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

async function rowsOf<Row>(connection: mysql.Connection, statement: string): Promise<Row[]> {
  const [rows] = await connection.query(statement);
  return rows as Row[];
}

async function catalog(connection: mysql.Connection): Promise<CatalogObject[]> {
  const tables = await rowsOf<{ name: string }>(connection, 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  const indexes = await rowsOf<{ name: string; tableName: string }>(
    connection,
    "SELECT DISTINCT INDEX_NAME AS name, TABLE_NAME AS tableName FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'",
  );
  const constraints = await rowsOf<{ name: string; tableName: string }>(
    connection,
    "SELECT CONSTRAINT_NAME AS name, TABLE_NAME AS tableName FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_TYPE IN ('FOREIGN KEY', 'CHECK')",
  );
  return [
    ...tables.map((row): CatalogObject => ({ kind: 'table', name: row.name })),
    ...indexes.map((row): CatalogObject => ({ kind: 'index', name: row.name, table: row.tableName })),
    ...constraints.map((row): CatalogObject => ({ kind: 'constraint', name: row.name, table: row.tableName })),
  ];
}

interface AfterTables {
  readonly renames: readonly Rename[];
  /** Filled as each rename is done, so a failure can name what is left. */
  readonly done: Set<Rename>;
  /** A table's name now, from its name before. */
  readonly tableNow: (table: string | undefined) => string;
  readonly foreignKeys: readonly ForeignKeyColumn[];
  /** Check clauses by constraint name. */
  readonly checks: ReadonlyMap<string, string>;
}

async function renameIndexesAndConstraints(connection: mysql.Connection, { renames, done, tableNow, foreignKeys, checks }: AfterTables): Promise<void> {
  for (const rename of renames) {
    if (rename.object.kind !== 'index') continue;
    await connection.query(`ALTER TABLE ${quoted(tableNow(rename.object.table))} RENAME INDEX ${quoted(rename.object.name)} TO ${quoted(rename.to)}`);
    done.add(rename);
  }
  // The constraints are added again to rows already checked; nothing writes meanwhile (the servers are stopped).
  await connection.query('SET SESSION foreign_key_checks = 0');
  for (const rename of renames) {
    const { object, to: name } = rename;
    if (object.kind !== 'constraint') continue;
    const table = quoted(tableNow(object.table));
    const columns = foreignKeys.filter((column) => column.name === object.name);
    if (columns.length > 0) {
      const { referencedTable, deleteRule, updateRule } = columns[0]!;
      const own = columns.map((column) => quoted(column.column)).join(', ');
      const referenced = columns.map((column) => quoted(column.referencedColumn)).join(', ');
      await connection.query(`ALTER TABLE ${table} DROP FOREIGN KEY ${quoted(object.name)}`);
      await connection.query(`ALTER TABLE ${table} ADD CONSTRAINT ${quoted(name)} FOREIGN KEY (${own}) REFERENCES ${quoted(tableNow(referencedTable))} (${referenced}) ON DELETE ${deleteRule} ON UPDATE ${updateRule}`);
    } else {
      const clause = checks.get(object.name);
      if (clause === undefined) throw new TypeError(`Cannot read the definition of constraint ${object.name}`);
      await connection.query(`ALTER TABLE ${table} DROP CONSTRAINT ${quoted(object.name)}, ADD CONSTRAINT ${quoted(name)} CHECK (${clause})`);
    }
    done.add(rename);
  }
}

/** Renames every Scimitar table, index and constraint from prefix `from` to `to`; returns what it renamed. The servers must be stopped. */
export async function renameMysqlTablePrefix(url: string, from: string, to: string): Promise<Rename[]> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [locked] = await connection.query('SELECT GET_LOCK(?, ?) AS taken', [MIGRATION_LOCK_NAME, MIGRATION_LOCK_TIMEOUT_SECONDS]);
    if (Number((locked as { taken: unknown }[])[0]?.taken) !== 1) throw new Error('Another Scimitar instance holds the migration lock: stop every instance first');
    const renames = planTablePrefixRename(await catalog(connection), from, to);
    const newTable = new Map(renames.filter((rename) => rename.object.kind === 'table').map((rename) => [rename.object.name, rename.to]));
    const tableNow = (table: string | undefined) => newTable.get(table ?? '') ?? table ?? '';
    // Read before anything moves: how each foreign key and check is defined.
    const foreignKeys = await rowsOf<ForeignKeyColumn>(
      connection,
      `SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS \`column\`, k.REFERENCED_TABLE_NAME AS referencedTable, k.REFERENCED_COLUMN_NAME AS referencedColumn,
              r.DELETE_RULE AS deleteRule, r.UPDATE_RULE AS updateRule
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
        WHERE k.CONSTRAINT_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
        ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    );
    const checks = new Map(
      (await rowsOf<{ name: string; clause: string }>(connection, 'SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()')).map(
        (row) => [row.name, row.clause],
      ),
    );
    const tableRenames = renames.filter((rename) => rename.object.kind === 'table');
    await connection.query(`RENAME TABLE ${tableRenames.map(({ object, to: name }) => `${quoted(object.name)} TO ${quoted(name)}`).join(', ')}`);
    const done = new Set<Rename>(tableRenames);
    try {
      await renameIndexesAndConstraints(connection, { renames, done, tableNow, foreignKeys, checks });
    } catch (error) {
      const left = renames.filter((rename) => !done.has(rename)).map(({ object, to: name }) => `${object.kind} ${object.name} → ${name}`);
      throw new Error(`The tables have the prefix "${to}", but renaming stopped (${(error as Error).message}); still to rename: ${left.join(', ')}`, { cause: error });
    }
    return renames;
  } finally {
    await connection.end();
  }
}
