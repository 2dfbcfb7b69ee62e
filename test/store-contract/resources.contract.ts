import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { contractRegistry, CORE_USER, ensureTenants, group, idsMatching, insert, LATER, list, NOW, OTHER_TENANT, scimErrorOf, TENANT, user, type OpenStore } from './support.js';

export function describeResourceContract(openStore: OpenStore): void {
  describe('resources', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('inserts and reads back a User and a Group at version 1', async () => {
      const attributes = { schemas: [CORE_USER], userName: 'bjensen', name: { givenName: 'Barbara' }, emails: [{ value: 'bjensen@example.com', primary: true }] };
      const [inserted] = await insert(store, { id: 'u1', attributes }, group('g1', 'Tour Guides'));
      expect(inserted).toEqual({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes, created: NOW, lastModified: NOW, version: 1 });
      expect(await store.reader.getResource(TENANT, 'User', 'u1')).toEqual(inserted);
      const storedGroup = await store.reader.getResource(TENANT, 'Group', 'g1');
      expect(storedGroup?.attributes['displayName']).toBe('Tour Guides');
      expect(storedGroup?.version).toBe(1);
    });

    it('keeps the email index in step with updates, and leaves it alone when told emails are unchanged', async () => {
      await insert(store, user('u1', 'bjensen', { emails: [{ value: 'old@example.com', type: 'work' }] }));
      const update = (emails: unknown, version: number, emailsUnchanged: boolean) =>
        store.transaction((writer) =>
          writer.updateResource({
            tenantId: TENANT,
            resourceType: 'User',
            id: 'u1',
            attributes: { schemas: [CORE_USER], userName: 'bjensen', emails, title: `v${version}` },
            passwordHash: undefined,
            expectedVersion: version,
            now: LATER,
            emailsUnchanged,
          }),
        );
      await update([{ value: 'new@example.com', type: 'work' }], 1, false);
      expect(await idsMatching(store, 'User', 'emails.value eq "old@example.com"')).toEqual([]);
      expect(await idsMatching(store, 'User', 'emails[type eq "work" and value eq "new@example.com"]')).toEqual(['u1']);
      await update([{ value: 'new@example.com', type: 'work' }], 2, true);
      expect(await idsMatching(store, 'User', 'emails[type eq "work" and value eq "new@example.com"]')).toEqual(['u1']);
    });

    it('keeps the unfiltered totals exact per tenant and type through inserts, deletes and rollbacks', async () => {
      const totals = async () => [
        (await list(store, 'User', { count: 0 })).totalResults,
        (await list(store, 'Group', { count: 0 })).totalResults,
        (await list(store, 'User', { count: 0, tenantId: OTHER_TENANT })).totalResults,
      ];
      expect(await totals()).toEqual([0, 0, 0]);
      await insert(store, user('u1', 'bjensen'), user('u2', 'jsmith'), group('g1', 'Admins'), user('u9', 'other', {}, { tenantId: OTHER_TENANT }));
      expect(await totals()).toEqual([2, 1, 1]);
      await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', LATER));
      await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', LATER));
      const failure = new Error('rolled back');
      await expect(
        store.transaction(async (writer) => {
          await writer.deleteResource(TENANT, 'Group', 'g1', LATER);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await totals()).toEqual([1, 1, 1]);
      // The same totals a count of the rows gives.
      expect((await list(store, 'User', { count: 0, filter: 'userName pr' })).totalResults).toBe(1);
    });

    it('answers undefined for a missing id, an id of the other type, and an id of another tenant', async () => {
      await insert(store, user('u1', 'bjensen'));
      expect(await store.reader.getResource(TENANT, 'User', 'nope')).toBeUndefined();
      expect(await store.reader.getResource(TENANT, 'Group', 'u1')).toBeUndefined();
      expect(await store.reader.getResource(OTHER_TENANT, 'User', 'u1')).toBeUndefined();
    });

    it('replaces attributes on update, increments the version and keeps created', async () => {
      await insert(store, user('u1', 'bjensen', { title: 'Tour Guide' }));
      const updated = await store.transaction((writer) =>
        writer.updateResource({
          tenantId: TENANT,
          resourceType: 'User',
          id: 'u1',
          attributes: { schemas: [CORE_USER], userName: 'babs' },
          passwordHash: undefined,
          expectedVersion: 1,
          now: LATER,
        }),
      );
      expect(updated).toMatchObject({ id: 'u1', version: 2, created: NOW, lastModified: LATER, attributes: { schemas: [CORE_USER], userName: 'babs' } });
      expect(await store.reader.getResource(TENANT, 'User', 'u1')).toEqual(updated);
      expect((await list(store, 'User', { filter: 'userName eq "babs"' })).totalResults).toBe(1);
      expect((await list(store, 'User', { filter: 'userName eq "bjensen"' })).totalResults).toBe(0);
    });

    it('RFC 7644 §3.14: an update with a stale version fails with 412 and changes nothing', async () => {
      await insert(store, user('u1', 'bjensen'));
      const update = (expectedVersion: number) =>
        store.transaction((writer) =>
          writer.updateResource({
            tenantId: TENANT,
            resourceType: 'User',
            id: 'u1',
            attributes: { schemas: [CORE_USER], userName: `v${expectedVersion}` },
            passwordHash: undefined,
            expectedVersion,
            now: LATER,
          }),
        );
      await update(1);
      const error = await scimErrorOf(update(1));
      expect(error.status).toBe(412);
      const current = await store.reader.getResource(TENANT, 'User', 'u1');
      expect(current).toMatchObject({ version: 2, attributes: { userName: 'v1' } });
    });

    it('answers 404 when updating or touching a resource that does not exist in the tenant', async () => {
      await insert(store, user('u1', 'bjensen'));
      const missing = await scimErrorOf(
        store.transaction((writer) =>
          writer.updateResource({ tenantId: OTHER_TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'x' }, passwordHash: undefined, expectedVersion: 1, now: LATER }),
        ),
      );
      expect(missing.status).toBe(404);
      const touched = await scimErrorOf(store.transaction((writer) => writer.touchResource(TENANT, 'Group', 'u1', 1, LATER)));
      expect(touched.status).toBe(404);
    });

    it('touch bumps version and lastModified only, and checks the version', async () => {
      await insert(store, group('g1', 'Admins'));
      const touched = await store.transaction((writer) => writer.touchResource(TENANT, 'Group', 'g1', 1, LATER));
      expect(touched).toMatchObject({ version: 2, created: NOW, lastModified: LATER, attributes: { displayName: 'Admins' } });
      const stale = await scimErrorOf(store.transaction((writer) => writer.touchResource(TENANT, 'Group', 'g1', 1, LATER)));
      expect(stale.status).toBe(412);
    });

    it('deletes a resource once, only in its own tenant', async () => {
      await insert(store, user('u1', 'bjensen'));
      expect(await store.transaction((writer) => writer.deleteResource(OTHER_TENANT, 'User', 'u1', LATER))).toBeUndefined();
      expect(await store.transaction((writer) => writer.deleteResource(TENANT, 'Group', 'u1', LATER))).toBeUndefined();
      expect(await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', LATER))).toEqual({ groupsLosingMember: [] });
      expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeUndefined();
      expect(await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', LATER))).toBeUndefined();
      expect((await list(store, 'User', { filter: 'userName eq "bjensen"' })).totalResults).toBe(0);
    });

    it('RFC 7643 §4.1.1 userName uniqueness: "Bjensen" and "bjensen" collide in a tenant (409 uniqueness)', async () => {
      await insert(store, user('u1', 'Bjensen'));
      const error = await scimErrorOf(insert(store, user('u2', 'bjensen')));
      expect(error.status).toBe(409);
      expect(error.scimType).toBe('uniqueness');
      expect(error.detail).toContain('bjensen');
      expect(await store.reader.getResource(TENANT, 'User', 'u2')).toBeUndefined();
    });

    it('lets two tenants use the same userName', async () => {
      await insert(store, user('u1', 'bjensen'), user('u2', 'bjensen', {}, { tenantId: OTHER_TENANT }));
      expect((await store.reader.getResource(OTHER_TENANT, 'User', 'u2'))?.attributes['userName']).toBe('bjensen');
    });

    it('checks uniqueness on update too, but lets a User change the case of its own userName', async () => {
      await insert(store, user('u1', 'bjensen'), user('u2', 'jsmith'));
      const rename = (id: string, userName: string) =>
        store.transaction((writer) =>
          writer.updateResource({ tenantId: TENANT, resourceType: 'User', id, attributes: { userName }, passwordHash: undefined, expectedVersion: 1, now: LATER }),
        );
      const error = await scimErrorOf(rename('u2', 'BJENSEN'));
      expect(error.scimType).toBe('uniqueness');
      expect((await rename('u1', 'BJensen')).attributes['userName']).toBe('BJensen');
    });

    it('a transaction that throws leaves nothing behind', async () => {
      const failure = new Error('the service gave up');
      await expect(
        store.transaction(async (writer) => {
          await writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: 'Admins' }, passwordHash: undefined, now: NOW });
          await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen' }, passwordHash: undefined, now: NOW });
          await writer.addMembers(TENANT, 'g1', [{ value: 'u1', type: 'User' }]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.reader.getResource(TENANT, 'Group', 'g1')).toBeUndefined();
      expect(await store.reader.listMembers(TENANT, 'g1')).toEqual([]);
      expect((await list(store, 'User', { filter: 'userName eq "bjensen"' })).totalResults).toBe(0);
      await insert(store, user('u1', 'bjensen'));
    });

    it('a uniqueness failure inside a transaction rolls back its earlier writes', async () => {
      await insert(store, user('u1', 'bjensen'));
      const error = await scimErrorOf(insert(store, user('u2', 'jsmith'), user('u3', 'BJENSEN')));
      expect(error.status).toBe(409);
      expect(await store.reader.getResource(TENANT, 'User', 'u2')).toBeUndefined();
    });

    it('reads inside a transaction see its own writes; the reader sees them only after commit', async () => {
      const seen = await store.transaction(async (writer) => {
        await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen' }, passwordHash: undefined, now: NOW });
        return {
          writer: (await writer.getResource(TENANT, 'User', 'u1'))?.id,
          writerList: (await writer.listResources(TENANT, 'User', { schemas: contractRegistry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 10 })).totalResults,
          reader: await store.reader.getResource(TENANT, 'User', 'u1'),
        };
      });
      expect(seen).toEqual({ writer: 'u1', writerList: 1, reader: undefined });
      expect((await store.reader.getResource(TENANT, 'User', 'u1'))?.id).toBe('u1');
    });

    it('keeps, replaces and clears the password hash as the update says', async () => {
      await insert(store, { ...user('u1', 'bjensen'), passwordHash: 'hash-1' });
      const hash = () => store.transaction((writer) => writer.getPasswordHash(TENANT, 'u1'));
      expect(await hash()).toBe('hash-1');
      let version = 1;
      const update = async (passwordHash: string | null | undefined) => {
        const updated = await store.transaction((writer) =>
          writer.updateResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen' }, passwordHash, expectedVersion: version, now: LATER }),
        );
        version = updated.version;
      };
      await update(undefined);
      expect(await hash()).toBe('hash-1');
      await update('hash-2');
      expect(await hash()).toBe('hash-2');
      await update(null);
      expect(await hash()).toBeUndefined();
      expect(await store.transaction((writer) => writer.getPasswordHash(OTHER_TENANT, 'u1'))).toBeUndefined();
      expect(JSON.stringify(await store.reader.getResource(TENANT, 'User', 'u1'))).not.toContain('hash');
    });

    it('finds which ids exist as what, within the tenant only, for long id lists', async () => {
      await insert(store, user('u1', 'bjensen'), group('g1', 'Admins'), user('u9', 'other', {}, { tenantId: OTHER_TENANT }));
      const ids = ['u1', 'g1', 'u9', 'missing', ...Array.from({ length: 40_000 }, (_, index) => `bulk-${index}`)];
      const found = await store.reader.findResourceTypes(TENANT, ids);
      expect([...found.entries()].sort()).toEqual([
        ['g1', 'Group'],
        ['u1', 'User'],
      ]);
      expect((await store.reader.findResourceTypes(TENANT, [])).size).toBe(0);
    });

    it('answers the readiness ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
