/**
 * The readers' batched membership read (listMembershipsOfMany, for a page of
 * Users in one statement) and the joined one (getResourceWithMemberships, a
 * resource and its groups in one statement) must give each member exactly
 * what listMemberships gives it alone: direct and nested groups, cycles,
 * groups as members, members in no group, unknown ids and other tenants. On
 * SQLite, and on PostgreSQL and MariaDB when they answer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openMysqlStore, type MysqlStore } from '../../src/store/mysql/index.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { databaseAvailableFor, freshDatabase } from '../helpers/fresh-database.js';
import { contractRegistry } from './contract.js';
import { ensureTenants, group, insert, OTHER_TENANT, TENANT, user } from './support.js';

type ReaderStore = SqliteStore | PostgresStore | MysqlStore;

const available = await databaseAvailableFor('postgres', 'the batched membership read on PostgreSQL');
const mariadbAvailable = await databaseAvailableFor('mariadb', 'the batched membership read on MariaDB');

const stores: { readonly name: string; readonly skip: boolean; readonly open: () => Promise<{ store: ReaderStore; close(): Promise<void> }> }[] = [
  {
    name: 'SQLite',
    skip: false,
    open: async () => {
      const database = await freshDatabase('sqlite', { prefix: 'scimitar-memberships' });
      const store = await openSqliteStore({ ...database.storeOptions, registry: contractRegistry });
      return {
        store,
        close: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: !available,
    open: async () => {
      const database = await freshDatabase('postgres', { postgres: 'schema' });
      const store = await openPostgresStore({ ...database.storeOptions, registry: contractRegistry, poolSize: 2 });
      return {
        store,
        close: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  },
  {
    name: 'MariaDB',
    skip: !mariadbAvailable,
    open: async () => {
      const database = await freshDatabase('mariadb');
      const store = await openMysqlStore({ ...database.storeOptions, poolSize: 2 });
      return {
        store,
        close: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

for (const { name, skip, open } of stores) {
  describe.skipIf(skip)(`listMembershipsOfMany on ${name}`, () => {
    let store: ReaderStore;
    beforeEach(async () => {
      const handle = await open();
      store = handle.store;
      await ensureTenants(store);
      await insert(
        store,
        user('u-flat', 'flat'),
        user('u-none', 'none'),
        user('u-nested', 'nested'),
        user('u-cycle', 'cycle'),
        group('g-a', 'A'),
        group('g-b', 'B'),
        group('g-inner', 'Inner'),
        group('g-outer', 'Outer'),
        group('g-x', 'X'),
        group('g-y', 'Y'),
        group('g-other', 'Other', { tenantId: OTHER_TENANT }),
        user('u-flat', 'flat', {}, { tenantId: OTHER_TENANT }),
      );
      await store.transaction(async (writer) => {
        await writer.addMembers(TENANT, 'g-a', [{ value: 'u-flat', type: 'User' }]);
        await writer.addMembers(TENANT, 'g-b', [{ value: 'u-flat', type: 'User' }]);
        await writer.addMembers(TENANT, 'g-inner', [{ value: 'u-nested', type: 'User' }]);
        // u-nested is in g-outer both directly and through g-inner.
        await writer.addMembers(TENANT, 'g-outer', [
          { value: 'g-inner', type: 'Group' },
          { value: 'u-nested', type: 'User' },
        ]);
        await writer.addMembers(TENANT, 'g-x', [
          { value: 'u-cycle', type: 'User' },
          { value: 'g-y', type: 'Group' },
        ]);
        await writer.addMembers(TENANT, 'g-y', [{ value: 'g-x', type: 'Group' }]);
        await writer.addMembers(OTHER_TENANT, 'g-other', [{ value: 'u-flat', type: 'User' }]);
      });
      return () => handle.close();
    });

    it('gives each member what listMemberships gives it alone, in one map keyed by every id asked', async () => {
      const ids = ['u-flat', 'u-none', 'u-nested', 'u-cycle', 'g-inner', 'g-x', 'u-unknown'];
      const batched = await store.reader.listMembershipsOfMany(TENANT, ids);
      expect([...batched.keys()]).toEqual(ids);
      for (const id of ids) expect(batched.get(id), id).toEqual(await store.reader.listMemberships(TENANT, id));
      expect(batched.get('u-flat')).toEqual([
        { value: 'g-a', display: 'A', type: 'direct' },
        { value: 'g-b', display: 'B', type: 'direct' },
      ]);
      expect(batched.get('u-nested')).toEqual([
        { value: 'g-inner', display: 'Inner', type: 'direct' },
        { value: 'g-outer', display: 'Outer', type: 'direct' },
      ]);
      expect(batched.get('u-cycle')).toEqual([
        { value: 'g-x', display: 'X', type: 'direct' },
        { value: 'g-y', display: 'Y', type: 'indirect' },
      ]);
      expect(batched.get('u-none')).toEqual([]);
    });

    it('reads a resource with exactly the groups listMemberships gives it, flat, nested or none, also inside a transaction', async () => {
      for (const [id, type] of [['u-flat', 'User'], ['u-none', 'User'], ['u-nested', 'User'], ['u-cycle', 'User'], ['g-inner', 'Group'], ['g-x', 'Group']] as const) {
        const joined = await store.reader.getResourceWithMemberships(TENANT, type, id);
        expect(joined?.resource, id).toEqual(await store.reader.getResource(TENANT, type, id));
        expect(joined?.memberships, id).toEqual(await store.reader.listMemberships(TENANT, id));
        const locked = await store.transaction((writer) => writer.getResourceWithMemberships(TENANT, type, id));
        expect(locked, id).toEqual(joined);
      }
      expect((await store.reader.getResourceWithMemberships(TENANT, 'User', 'u-flat'))?.memberships).toEqual([
        { value: 'g-a', display: 'A', type: 'direct' },
        { value: 'g-b', display: 'B', type: 'direct' },
      ]);
      expect((await store.reader.getResourceWithMemberships(OTHER_TENANT, 'User', 'u-flat'))?.memberships).toEqual([{ value: 'g-other', display: 'Other', type: 'direct' }]);
      expect(await store.reader.getResourceWithMemberships(TENANT, 'User', 'u-unknown')).toBeUndefined();
      expect(await store.reader.getResourceWithMemberships(TENANT, 'Group', 'u-flat')).toBeUndefined();
    });

    it('lists a page with each resource’s groups exactly as listMemberships gives them, from any offset, or leaves them out when sorted', async () => {
      const schemas = contractRegistry.forResourceType('User');
      const page = (startIndex: number, count: number, sorted = false) =>
        store.reader.listResources(TENANT, 'User', {
          schemas,
          filter: undefined,
          sort: sorted ? { attribute: schemas.resolve({ name: 'userName' })!, order: 'ascending' } : undefined,
          startIndex,
          count,
          withMemberships: true,
        });
      const whole = await page(1, 10);
      expect(whole.resources.map((resource) => resource.id)).toEqual(['u-cycle', 'u-flat', 'u-nested', 'u-none']);
      expect([...(whole.memberships?.keys() ?? [])]).toEqual(['u-cycle', 'u-flat', 'u-nested', 'u-none']);
      for (const resource of whole.resources) expect(whole.memberships?.get(resource.id), resource.id).toEqual(await store.reader.listMemberships(TENANT, resource.id));
      const second = await page(2, 2);
      expect(second.resources.map((resource) => resource.id)).toEqual(['u-flat', 'u-nested']);
      expect(second.totalResults).toBe(4);
      expect(second.memberships?.get('u-nested')).toEqual(await store.reader.listMemberships(TENANT, 'u-nested'));
      // A sorted page reads them afterwards (listMembershipsOfMany): the page statement stays as compiled.
      expect((await page(1, 10, true)).memberships).toBeUndefined();
    });

    it('stays in its tenant, and answers an empty list of ids without a statement', async () => {
      expect(await store.reader.listMembershipsOfMany(OTHER_TENANT, ['u-flat'])).toEqual(new Map([['u-flat', [{ value: 'g-other', display: 'Other', type: 'direct' }]]]));
      expect(await store.reader.listMembershipsOfMany(TENANT, [])).toEqual(new Map());
    });
  });
}
