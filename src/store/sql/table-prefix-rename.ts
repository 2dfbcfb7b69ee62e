/**
 * Moving an existing installation under another table prefix
 * (`scimitar migrate --rename-tables-to-prefix scim_`): which of the
 * database's objects are Scimitar's under the prefix it has now, and the
 * name each gets. Each database renames them its own way
 * (src/store/{sqlite,postgres,mysql}/rename-table-prefix.ts); what they
 * share is decided here, once: only names that are Scimitar's (table-names.ts)
 * move, and nothing moves when a new name is already taken (by the app's
 * own table, say).
 */
import { checkedTablePrefix, isScimitarName, SCIMITAR_TABLES } from './table-names.js';

/** A named object as the database's catalogue lists it. */
export interface CatalogObject {
  readonly kind: 'table' | 'index' | 'constraint' | 'sequence';
  readonly name: string;
  /** The table an index or constraint belongs to (its name as it is now). */
  readonly table?: string;
}

export interface Rename<Object extends CatalogObject = CatalogObject> {
  readonly object: Object;
  readonly to: string;
}

/** Refused before anything was renamed. */
export class TablePrefixRenameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TablePrefixRenameError';
  }
}

/**
 * The renames that move Scimitar's objects from `from` to `to`. Refuses
 * when the database holds no Scimitar table under `from` (a wrong current
 * prefix), or when a new name is taken by an object that stays.
 */
export function planTablePrefixRename<Object extends CatalogObject>(objects: readonly Object[], from: string, to: string): Rename<Object>[] {
  checkedTablePrefix(from);
  checkedTablePrefix(to);
  if (from === to) throw new TablePrefixRenameError(`The tables already have the prefix "${to}"`);
  const tables = new Set(SCIMITAR_TABLES.map((table) => `${from}${table}`));
  const ours = (name: string) => name.startsWith(from) && isScimitarName(name.slice(from.length));
  // Tables by the list; an index or constraint with its table, named like Scimitar's; a sequence by its name (PostgreSQL derives it from the table's).
  const moves = (object: Object) =>
    object.kind === 'table' ? tables.has(object.name) : ours(object.name) && (object.kind === 'sequence' || (object.table !== undefined && tables.has(object.table)));
  const renames = objects.filter(moves).map((object) => ({ object, to: `${to}${object.name.slice(from.length)}` }));
  if (!renames.some((rename) => rename.object.kind === 'table' && rename.object.name === `${from}schema_migrations`)) {
    throw new TablePrefixRenameError(`No Scimitar tables under the prefix "${from}" here (no ${from}schema_migrations): set SCIMITAR_DB_TABLE_PREFIX to the prefix they have now`);
  }
  const moving = new Set(renames.map((rename) => `${rename.object.kind} ${rename.object.name}`));
  // Index and constraint names share a namespace with tables on some databases; any object that stays and holds a new name is a conflict.
  const staying = new Set(objects.filter((object) => !moving.has(`${object.kind} ${object.name}`)).map((object) => object.name));
  const taken = renames.filter((rename) => staying.has(rename.to)).map((rename) => rename.to);
  if (taken.length > 0) throw new TablePrefixRenameError(`Nothing was renamed: these names are taken by objects that are not Scimitar's: ${[...new Set(taken)].join(', ')}`);
  return renames;
}
