import { beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events/event.js';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, group, insert, LATER, NOW, OTHER_TENANT, TENANT, user, type OpenStore } from './support.js';

let counter = 0;
function newEvent(tenant: string, resourceId: string, timestamp = NOW): NewEvent {
  counter += 1;
  return {
    id: `evt-${counter}`,
    type: 'user.updated',
    timestamp,
    tenant,
    resourceType: 'User',
    resourceId,
    externalId: null,
    requestId: null,
    data: { resource: { id: resourceId }, changedAttributes: ['displayName'] },
  };
}

export function describeEventContract(openStore: OpenStore): void {
  describe('events (the outbox)', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('numbers each tenant’s events from 1 in the order recorded, and lists them after a sequence', async () => {
      const first = await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1'), newEvent(TENANT, 'u2')]));
      const other = await store.transaction((writer) => writer.appendEvents([newEvent(OTHER_TENANT, 'u9')]));
      const second = await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1')]));
      expect(first.map((event) => event.sequence)).toEqual([1, 2]);
      expect(other.map((event) => event.sequence)).toEqual([1]);
      expect(second.map((event) => event.sequence)).toEqual([3]);
      const listed = await store.events.listEvents(TENANT, 0, 10);
      expect(listed).toEqual([...first, ...second]);
      expect(await store.events.listEvents(TENANT, 1, 1)).toEqual([first[1]]);
      expect(await store.events.position(TENANT)).toEqual({ lastSequence: 3, prunedThrough: 0 });
      expect(await store.events.position('no-such-tenant')).toEqual({ lastSequence: 0, prunedThrough: 0 });
    });

    it('keeps the delivered JSON exactly as recorded, key order included', async () => {
      const [recorded] = await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1')]));
      const [listed] = await store.events.listEvents(TENANT, 0, 1);
      expect(JSON.stringify(listed)).toBe(JSON.stringify(recorded));
      expect(Object.keys(listed!)).toEqual(['id', 'type', 'timestamp', 'tenant', 'sequence', 'resourceType', 'resourceId', 'externalId', 'data', 'requestId']);
    });

    it('records nothing and uses no sequence number when the transaction rolls back', async () => {
      const failure = new Error('rolled back');
      await expect(
        store.transaction(async (writer) => {
          await writer.appendEvents([newEvent(TENANT, 'u1')]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.events.listEvents(TENANT, 0, 10)).toEqual([]);
      const [next] = await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1')]));
      expect(next?.sequence).toBe(1);
    });

    it('refuses events of several tenants in one call', async () => {
      await expect(store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1'), newEvent(OTHER_TENANT, 'u2')]))).rejects.toThrow(TypeError);
    });

    it('prunes events older than the cut and remembers how far it pruned', async () => {
      await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1', NOW), newEvent(TENANT, 'u2', NOW)]));
      await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u3', LATER)]));
      expect(await store.events.prune(LATER)).toBe(2);
      expect((await store.events.listEvents(TENANT, 0, 10)).map((event) => event.resourceId)).toEqual(['u3']);
      expect(await store.events.position(TENANT)).toEqual({ lastSequence: 3, prunedThrough: 2 });
      expect(await store.events.prune(LATER)).toBe(0);
    });

    it('keeps events a webhook of their tenant has not yet turned into deliveries, whatever their age', async () => {
      await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u1', NOW)]));
      // A new webhook starts at the tenant's last sequence (1): the two events after it wait for its deliveries.
      await store.webhooks.insertWebhook({ id: 'w1', tenantId: TENANT, url: 'https://hooks.example.com/scim', eventTypes: [], enabled: true, description: '', secret: 'sealed', now: NOW });
      await store.transaction((writer) => writer.appendEvents([newEvent(TENANT, 'u2', NOW), newEvent(TENANT, 'u3', NOW)]));
      await store.transaction((writer) => writer.appendEvents([newEvent(OTHER_TENANT, 'u9', NOW)]));
      expect(await store.events.prune(LATER)).toBe(2);
      expect((await store.events.listEvents(TENANT, 0, 10)).map((event) => event.resourceId)).toEqual(['u2', 'u3']);
      expect(await store.events.position(TENANT)).toEqual({ lastSequence: 3, prunedThrough: 1 });
      expect(await store.events.position(OTHER_TENANT)).toEqual({ lastSequence: 1, prunedThrough: 1 });
      let delivery = 0;
      for (;;) {
        const result = await store.webhooks.enqueueDeliveries({ now: NOW, webhookLimit: 10, eventLimit: 10, newDeliveryId: () => `d${(delivery += 1)}` });
        if (!result.more) break;
      }
      expect(await store.events.prune(LATER)).toBe(2);
      expect(await store.events.listEvents(TENANT, 0, 10)).toEqual([]);
      expect(await store.events.position(TENANT)).toEqual({ lastSequence: 3, prunedThrough: 3 });
    });

    it('reports the groups that lose a deleted member, with their new version', async () => {
      await insert(store, user('u1', 'bjensen'), group('g1', 'Admins'), group('g2', 'Staff'), group('g3', 'Others'));
      await store.transaction(async (writer) => {
        await writer.addMembers(TENANT, 'g2', [{ value: 'u1', type: 'User' }]);
        await writer.addMembers(TENANT, 'g1', [{ value: 'u1', type: 'User' }]);
      });
      const deleted = await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', LATER));
      expect(deleted?.groupsLosingMember.map((stored) => [stored.id, stored.version, stored.lastModified])).toEqual([
        ['g1', 2, LATER],
        ['g2', 2, LATER],
      ]);
    });
  });
}
