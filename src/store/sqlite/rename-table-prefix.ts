/**
 * Moves an SQLite database's Scimitar tables under another prefix in one
 * transaction (see src/store/sql/table-prefix-rename.ts): ALTER TABLE …
 * RENAME TO, which also rewrites the foreign keys and indexes that name
 * the table; SQLite cannot rename an index, so each is created again under
 * its new name from its own definition.
 */
import Database from 'better-sqlite3';
import { planTablePrefixRename, type CatalogObject, type Rename } from '../sql/table-prefix-rename.js';

interface SqliteObject extends CatalogObject {
  readonly kind: 'table' | 'index';
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE [UNIQUE] INDEX <name> ON …` with the name replaced; the definition otherwise as SQLite keeps it. */
function renamedIndexDefinition(definition: string, from: string, to: string): string {
  const head = /^(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)("?)([A-Za-z0-9_]+)\2/i.exec(definition);
  if (head === null || head[3] !== from) throw new TypeError(`Cannot read the definition of index ${from}`);
  return `${head[1]}${quoted(to)}${definition.slice(head[0].length)}`;
}

/** Renames every Scimitar table and index from prefix `from` to `to`; returns what it renamed. The server must be stopped. */
export function renameSqliteTablePrefix(filename: string, from: string, to: string): Rename[] {
  const db = new Database(filename, { fileMustExist: true, timeout: 5000 });
  try {
    return db
      .transaction(() => {
        // Autoindexes (UNIQUE, PRIMARY KEY) are named by SQLite after their table and follow it.
        const rows = db.prepare("SELECT type, name, tbl_name AS tableName FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'").all() as {
          type: 'table' | 'index';
          name: string;
          tableName: string;
        }[];
        const objects: SqliteObject[] = rows.map((row) => (row.type === 'table' ? { kind: 'table', name: row.name } : { kind: 'index', name: row.name, table: row.tableName }));
        const renames = planTablePrefixRename(objects, from, to);
        for (const { object, to: name } of renames) if (object.kind === 'table') db.exec(`ALTER TABLE ${quoted(object.name)} RENAME TO ${quoted(name)}`);
        const definitionOf = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck();
        for (const { object, to: name } of renames) {
          if (object.kind !== 'index') continue;
          const definition = definitionOf.get(object.name) as string;
          db.exec(`DROP INDEX ${quoted(object.name)}`);
          db.exec(renamedIndexDefinition(definition, object.name, name));
        }
        return renames;
      })
      .immediate();
  } finally {
    db.close();
  }
}
