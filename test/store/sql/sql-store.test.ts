/**
 * The composition of a driver and the store parts, on every database: what
 * `store.transaction` adds to the driver's write (one writer per attempt,
 * the count rows written once at commit, no nesting) and the read access
 * built from the driver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, mariadbAvailableFor } from '../../store-contract/mariadb-support.js';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { openMysqlStore } from '../../../src/store/mysql/index.js';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import type { StoreWriter } from '../../../src/store/store.js';
import { parameter, sql } from '../../../src/store/sql/fragment.js';
import type { SqlStore } from '../../../src/store/sql/sql-store.js';

const registry = createDefaultRegistry();
const TENANT = 'acme';
const NOW = '2024-01-01T00:00:00.000Z';
const LATER = '2024-01-02T00:00:00.000Z';

const insertUser = (writer: StoreWriter, id: string, userName: string) =>
  writer.insertResource({ tenantId: TENANT, resourceType: 'User', id, attributes: { userName }, passwordHash: undefined, now: NOW });

const insertGroup = (writer: StoreWriter, id: string) =>
  writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id, attributes: { displayName: id }, passwordHash: undefined, now: NOW });

/** Reads the User (taking the lock PATCH takes) and writes it back renamed. */
async function renameUser(writer: StoreWriter, id: string, userName: string): Promise<void> {
  const current = await writer.getResource(TENANT, 'User', id);
  if (current === undefined) throw new RangeError(`no user ${id}`);
  await writer.updateResource({ tenantId: TENANT, resourceType: 'User', id, attributes: { userName }, passwordHash: undefined, expectedVersion: current.version, now: LATER });
}

const groupTotal = async (store: SqlStore) => (await store.reader.listResources(TENANT, 'Group', { schemas: registry.forResourceType('Group'), filter: undefined, sort: undefined, startIndex: 1, count: 0 })).totalResults;

interface Opened {
  readonly store: SqlStore;
  readonly dispose: () => Promise<void>;
}

const postgresAvailable = await postgresAvailableFor('the composed store test');
const mariadbAvailable = await mariadbAvailableFor('the composed store test on MariaDB');

const databases: readonly { readonly name: string; readonly available: boolean; readonly open: () => Promise<Opened> }[] = [
  {
    name: 'SQLite',
    available: true,
    open: async () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-sql-store-'));
      const store = await openSqliteStore({ filename: path.join(directory, 'scimitar.db'), registry });
      return {
        store,
        dispose: async () => {
          await store.close();
          fs.rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    available: postgresAvailable,
    open: async () => {
      const schema = await createTestSchema('scimitar_sql_store');
      const store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 4 });
      return {
        store,
        dispose: async () => {
          await store.close();
          await dropTestSchema(schema);
        },
      };
    },
  },
  {
    name: 'MariaDB',
    available: mariadbAvailable,
    open: async () => {
      const database = await createTestDatabase('scimitar_sql_store');
      const store = await openMysqlStore({ url: database.url, poolSize: 4 });
      return {
        store,
        dispose: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

for (const database of databases) {
  describe.skipIf(!database.available)(`The composed store on ${database.name}`, () => {
    let opened: Opened;
    let store: SqlStore;

    beforeEach(async () => {
      opened = await database.open();
      store = opened.store;
      await store.tenants.ensureTenant(TENANT, 'Acme', NOW);
    });

    afterEach(async () => {
      await opened.dispose();
    });

    it('names its database and reads committed rows through the driver, JSON decoded by the dialect', async () => {
      expect(store.dialect).toBe(store.sql.dialect.name);
      await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
      const rows = await store.sql.committed.rows(sql`SELECT attributes FROM users WHERE tenant_id = ${parameter(TENANT)}`);
      expect(rows.map((row) => store.sql.decodeJson(row['attributes']))).toEqual([expect.objectContaining({ userName: 'bjensen' })]);
    });

    it('refuses a nested transaction with a TypeError, and the outer one can still commit', async () => {
      const outcome = await store.transaction(async (writer) => {
        await insertGroup(writer, 'g1');
        const nested = await store.transaction(async () => 'never').catch((error: unknown) => error);
        return nested;
      });
      expect(outcome).toBeInstanceOf(TypeError);
      expect(await groupTotal(store)).toBe(1);
    });

    it('writes the count rows once per committed transaction, and none for one rolled back', async () => {
      await store.transaction(async (writer) => {
        await insertGroup(writer, 'g1');
        await insertGroup(writer, 'g2');
      });
      await expect(
        store.transaction(async (writer) => {
          await insertGroup(writer, 'g3');
          throw new RangeError('changed its mind');
        }),
      ).rejects.toBeInstanceOf(RangeError);
      expect(await groupTotal(store)).toBe(2);
    });
  });
}

/** The databases that detect deadlocks between connections, with the error kind each counts a deadlock under. */
const deadlocking = [
  { database: databases[1]!, deadlockKind: 'sqlstate_40' },
  { database: databases[2]!, deadlockKind: 'errno_1213' },
] as const;

for (const { database, deadlockKind } of deadlocking) describe.skipIf(!database.available)(`The composed store on ${database.name}, under a deadlock`, () => {
  let opened: Opened;

  beforeEach(async () => {
    opened = await database.open();
    await opened.store.tenants.ensureTenant(TENANT, 'Acme', NOW);
    await opened.store.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'one');
      await insertUser(writer, 'u2', 'two');
    });
  });

  afterEach(async () => {
    await opened.dispose();
  });

  it('runs the aborted transaction again with a fresh writer: both commit, each group is counted once', async () => {
    const { store } = opened;
    let locked = 0;
    let bothLocked: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const writers = new Set<StoreWriter>();
    const crossing = (first: string, second: string, group: string) =>
      store.transaction(async (writer) => {
        writers.add(writer);
        await insertGroup(writer, group);
        await renameUser(writer, first, `${first} by ${group}`);
        locked += 1;
        if (locked === 2) bothLocked();
        await barrier;
        await renameUser(writer, second, `${second} by ${group}`);
      });
    await Promise.all([crossing('u1', 'u2', 'ga'), crossing('u2', 'u1', 'gb')]);
    expect(writers.size).toBe(3);
    expect(store.sql.statementErrors().get(deadlockKind)).toBe(1);
    expect(await groupTotal(store)).toBe(2);
    const versions = await Promise.all(['u1', 'u2'].map(async (id) => (await store.reader.getResource(TENANT, 'User', id))?.version));
    expect(versions).toEqual([3, 3]);
  });
});
