import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DELETION_SETTINGS, type ArchivedUser } from '../../src/store/deletion-store.js';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, insert, LATER, NOW, OTHER_TENANT, TENANT, user, type OpenStore } from './support.js';

function archived(id: string, extra: Partial<ArchivedUser> = {}): ArchivedUser {
  return {
    tenantId: TENANT,
    id,
    externalId: `ext-${id}`,
    state: 'held',
    attributes: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${id}@example.com`, externalId: `ext-${id}`, active: true },
    passwordHash: undefined,
    created: NOW,
    lastModified: NOW,
    version: 3,
    groupIds: ['g1', 'g2'],
    baseUrl: 'https://scim.example.com/scim/v2',
    deletedAt: LATER,
    purgeAfter: undefined,
    ...extra,
  };
}

export function describeDeletionContract(openStore: OpenStore): void {
  describe('delete policy and safeguard rows', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('a tenant that never changed anything has the defaults and no window', async () => {
      expect(await store.deletions.state(TENANT)).toEqual({
        settings: DEFAULT_DELETION_SETTINGS,
        window: { startedAt: undefined, users: 0, deletions: 0, trippedAt: undefined },
      });
    });

    it('settings and window are saved per tenant; saving settings keeps the window', async () => {
      const window = { startedAt: NOW, users: 120, deletions: 26, trippedAt: LATER };
      await store.transaction(async () => {
        await store.deletions.lockState(TENANT);
        await store.deletions.saveWindow(TENANT, window);
      });
      const settings = { deletePolicy: 'soft' as const, softDeleteDays: 9, safeguard: { enabled: false, percent: 5, minimum: 40, windowMinutes: 15 } };
      await store.deletions.saveSettings(TENANT, settings);
      expect(await store.deletions.state(TENANT)).toEqual({ settings, window });
      expect((await store.deletions.state(OTHER_TENANT)).settings).toEqual(DEFAULT_DELETION_SETTINGS);
    });

    it('archives users, finds the latest by externalId, lists and counts the held ones, removes them', async () => {
      await store.deletions.archive(archived('u1', { passwordHash: 'hash' }));
      await store.deletions.archive(archived('u2', { externalId: 'ext-u1', deletedAt: '2024-03-03T00:00:00.000Z' }));
      await store.deletions.archive(archived('u3', { state: 'soft', purgeAfter: '2024-03-09T00:00:00.000Z' }));
      await store.deletions.archive(archived('u4', { tenantId: OTHER_TENANT }));
      expect(await store.deletions.findByExternalId(TENANT, 'ext-u1')).toMatchObject({ id: 'u2' });
      expect(await store.deletions.findByExternalId(TENANT, 'ext-u4')).toBeUndefined();
      expect(await store.deletions.countHeld(TENANT)).toBe(2);
      const held = await store.deletions.listHeld(TENANT, 10);
      expect(held.map((row) => row.id)).toEqual(['u1', 'u2']);
      expect(held[0]).toEqual(archived('u1', { passwordHash: 'hash' }));
      expect(await store.deletions.remove(TENANT, ['u1', 'u4'])).toBe(1);
      expect(await store.deletions.countHeld(OTHER_TENANT)).toBe(1);
    });

    it('lists the soft-deleted users due for purge, of every tenant, never held ones', async () => {
      await store.deletions.archive(archived('due', { state: 'soft', purgeAfter: '2024-03-05T00:00:00.000Z' }));
      await store.deletions.archive(archived('later', { state: 'soft', purgeAfter: '2024-03-20T00:00:00.000Z' }));
      await store.deletions.archive(archived('other', { tenantId: OTHER_TENANT, state: 'soft', purgeAfter: '2024-03-04T00:00:00.000Z' }));
      await store.deletions.archive(archived('held'));
      const due = await store.transaction(() => store.deletions.listDue('2024-03-10T00:00:00.000Z', 10));
      expect(due.map((row) => row.id)).toEqual(['other', 'due']);
    });

    it('counts users from the maintained counts, restores meta, and tells taken userNames case-insensitively', async () => {
      await insert(store, user('a', 'Alice@Example.com'), user('b', 'bob'));
      expect(await store.deletions.countUsers(TENANT)).toBe(2);
      expect(await store.deletions.countUsers(OTHER_TENANT)).toBe(0);
      await store.deletions.restoreMeta(TENANT, 'a', '2020-01-01T00:00:00.000Z', 7);
      expect(await store.reader.getResource(TENANT, 'User', 'a')).toMatchObject({ created: '2020-01-01T00:00:00.000Z', version: 7 });
      expect([...(await store.deletions.takenUserNames(TENANT, ['ALICE@example.COM', 'carol']))]).toEqual(['alice@example.com']);
      expect([...(await store.deletions.takenUserNames(OTHER_TENANT, ['alice@example.com']))]).toEqual([]);
    });

    it('archived rows go with their tenant', async () => {
      await store.deletions.archive(archived('u1', { tenantId: OTHER_TENANT }));
      await store.deletions.saveSettings(OTHER_TENANT, DEFAULT_DELETION_SETTINGS);
      expect(await store.tenants.deleteTenant(OTHER_TENANT)).toBe(true);
      await store.tenants.ensureTenant(OTHER_TENANT, 'Globex', NOW);
      expect(await store.deletions.countHeld(OTHER_TENANT)).toBe(0);
    });
  });
}
