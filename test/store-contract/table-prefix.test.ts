/**
 * The table prefix against the migrations themselves, on every database: a
 * prefixed database holds exactly the objects of a plain one, each name
 * with the prefix and the same columns, and SCIMITAR_TABLES lists every
 * table the migrations create (a table missing from it would keep its plain
 * name and collide with an app's). The statements the store renders are
 * proven by the `prefixed-*` vitest projects, which run the store contract
 * and HTTP suites beside an app's own tables of the same names.
 */
import { describe, expect, it } from 'vitest';
import { openMysqlStore } from '../../src/store/mysql/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { renameMysqlTablePrefix } from '../../src/store/mysql/rename-table-prefix.js';
import { renamePostgresTablePrefix } from '../../src/store/postgres/rename-table-prefix.js';
import { TablePrefixRenameError, type Rename } from '../../src/store/sql/table-prefix-rename.js';
import { isScimitarName, MAX_TABLE_PREFIX_LENGTH, SCIMITAR_TABLES } from '../../src/store/sql/table-names.js';
import { renameSqliteTablePrefix } from '../../src/store/sqlite/rename-table-prefix.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { databaseAvailableFor, freshDatabase, type DatabaseKind, type FreshDatabase } from '../helpers/fresh-database.js';
import { contractRegistry } from './contract.js';
import { ensureTenants, group, insert, TENANT, user } from './support.js';

const PREFIX = 'scim_';

/** Every named object of the database (tables, indexes, constraints, sequences), as `kind name`, and each table's columns. */
interface DatabaseObjects {
  readonly names: string[];
  readonly columns: Record<string, string[]>;
}

const OBJECT_QUERIES: Record<DatabaseKind, { readonly names: string; readonly columns: string }> = {
  // SQLite names the indexes behind UNIQUE and PRIMARY KEY clauses itself (sqlite_autoindex_<table>_N).
  sqlite: {
    names: "SELECT type || ' ' || name AS object FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
    columns: "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
  },
  postgres: {
    names: `SELECT c.relkind::text || ' ' || c.relname AS object FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
      UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`,
    columns: 'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
  },
  mariadb: {
    names: `SELECT CONCAT('table ', TABLE_NAME) AS object FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
      UNION ALL SELECT CONCAT('constraint ', CONSTRAINT_NAME) FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_NAME <> 'PRIMARY'
      UNION ALL SELECT DISTINCT CONCAT('index ', INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'`,
    columns: 'SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
  },
};

async function objectsOf(database: FreshDatabase): Promise<DatabaseObjects> {
  const queries = OBJECT_QUERIES[database.kind];
  const names = (await database.query(queries.names)).map((row) => String(row['object'])).sort();
  const columns: Record<string, string[]> = {};
  for (const row of await database.query(queries.columns)) (columns[String(row['table_name'])] ??= []).push(String(row['column_name']));
  for (const list of Object.values(columns)) list.sort();
  return { names, columns };
}

function openStore(database: FreshDatabase, tablePrefix: string): Promise<Store> {
  switch (database.kind) {
    case 'sqlite':
      return openSqliteStore({ filename: (database as FreshDatabase<'sqlite'>).storeOptions.filename, registry: contractRegistry, tablePrefix });
    case 'postgres':
      return openPostgresStore({ ...(database as FreshDatabase<'postgres'>).storeOptions, registry: contractRegistry, poolSize: 2, tablePrefix });
    case 'mariadb':
      return openMysqlStore({ url: (database as FreshDatabase<'mariadb'>).storeOptions.url, poolSize: 2, tablePrefix });
  }
}

/** The objects of a database migrated with `tablePrefix`. */
async function migratedObjects(kind: DatabaseKind, tablePrefix: string): Promise<DatabaseObjects> {
  const database = await freshDatabase(kind, { prefix: 'scimitar_prefix', postgres: 'schema' });
  try {
    const store = await openStore(database, tablePrefix);
    await store.close();
    return await objectsOf(database);
  } finally {
    await database.drop();
  }
}

/** The objects the app's `scim_users` table adds (its table, its primary key). */
async function appTableObjects(database: FreshDatabase): Promise<string[]> {
  return (await objectsOf(database)).names.filter((name) => name.includes(`${PREFIX}users`));
}

async function renameTablePrefix(database: FreshDatabase, from: string, to: string): Promise<Rename[]> {
  switch (database.kind) {
    case 'sqlite':
      return renameSqliteTablePrefix((database as FreshDatabase<'sqlite'>).storeOptions.filename, from, to);
    case 'postgres': {
      const options = (database as FreshDatabase<'postgres'>).storeOptions;
      return await renamePostgresTablePrefix(options.url, options.schema ?? 'public', from, to);
    }
    case 'mariadb':
      return await renameMysqlTablePrefix((database as FreshDatabase<'mariadb'>).storeOptions.url, from, to);
  }
}

/**
 * `kind name` with the prefix put on a name of Scimitar's, as the prefixed
 * database should hold it; names the database gives itself (MariaDB names a
 * JSON column's check after the column) stay as they are.
 */
function withPrefix(object: string, prefix = PREFIX): string {
  const space = object.indexOf(' ');
  const name = object.slice(space + 1);
  return isScimitarName(name) ? `${object.slice(0, space)} ${prefix}${name}` : object;
}

for (const kind of ['sqlite', 'postgres', 'mariadb'] as const) {
  const available = await databaseAvailableFor(kind, `the table prefix tests on ${kind}`);
  describe.skipIf(!available)(`table prefix on ${kind}`, () => {
    it('migrates to the same objects, each named with the prefix, with the same columns', async () => {
      const plain = await migratedObjects(kind, '');
      const prefixed = await migratedObjects(kind, PREFIX);
      expect(prefixed.names).toEqual(plain.names.map((object) => withPrefix(object)).sort());
      expect(prefixed.columns).toEqual(Object.fromEntries(Object.entries(plain.columns).map(([table, columns]) => [`${PREFIX}${table}`, columns])));
    });

    it('takes the longest prefix without any name being shortened (PostgreSQL shortens names it derives past 63 bytes)', async () => {
      const longest = `${'p'.repeat(MAX_TABLE_PREFIX_LENGTH - 1)}_`;
      const plain = await migratedObjects(kind, '');
      const prefixed = await migratedObjects(kind, longest);
      expect(prefixed.names).toEqual(plain.names.map((object) => withPrefix(object, longest)).sort());
    });

    it('lists every table the migrations create in SCIMITAR_TABLES, so none keeps its plain name', async () => {
      const plain = await migratedObjects(kind, '');
      expect(Object.keys(plain.columns).sort()).toEqual([...SCIMITAR_TABLES].sort());
    });

    it('moves an existing installation under a prefix with its data, to the objects a prefixed one has', async () => {
      const database = await freshDatabase(kind, { prefix: 'scimitar_rename', postgres: 'schema' });
      try {
        const before = await openStore(database, '');
        await ensureTenants(before);
        await insert(before, user('u1', 'ada@example.com', { emails: [{ value: 'ada@example.com', primary: true }] }), group('g1', 'Engineers'));
        await before.transaction((writer) => writer.addMembers(TENANT, 'g1', [{ value: 'u1', type: 'User' }]));
        await before.close();
        const renames = await renameTablePrefix(database, '', PREFIX);
        expect(renames.filter((rename) => rename.object.kind === 'table').map((rename) => rename.to).sort()).toEqual(SCIMITAR_TABLES.map((table) => `${PREFIX}${table}`).sort());
        expect(await objectsOf(database)).toEqual(await migratedObjects(kind, PREFIX));
        const after = await openStore(database, PREFIX);
        try {
          expect(after.migrations.applied).toEqual([]);
          expect((await after.reader.getResource(TENANT, 'User', 'u1'))?.attributes['userName']).toBe('ada@example.com');
          expect((await after.reader.listMembers(TENANT, 'g1')).map((member) => member.value)).toEqual(['u1']);
          // Writes go to the renamed tables, their unique index still says "taken".
          await expect(insert(after, user('u2', 'ADA@example.com'))).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
        } finally {
          await after.close();
        }
      } finally {
        await database.drop();
      }
    });

    it('renames nothing when a new name is taken by a table of the app', async () => {
      const database = await freshDatabase(kind, { prefix: 'scimitar_rename', postgres: 'schema' });
      try {
        await (await openStore(database, '')).close();
        await database.execute(`CREATE TABLE ${PREFIX}users (id INTEGER PRIMARY KEY)`);
        await expect(renameTablePrefix(database, '', PREFIX)).rejects.toThrow(TablePrefixRenameError);
        await expect(renameTablePrefix(database, '', PREFIX)).rejects.toThrow(new RegExp(`taken by objects that are not Scimitar's: .*\\b${PREFIX}users\\b`));
        expect((await objectsOf(database)).names).toEqual([...(await migratedObjects(kind, '')).names, ...(await appTableObjects(database))].sort());
      } finally {
        await database.drop();
      }
    });
  });
}
