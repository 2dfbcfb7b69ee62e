import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry, RequestLogQuery } from '../../src/request-log/entry.js';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, OTHER_TENANT, TENANT, type OpenStore } from './support.js';

function entry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    tenantId: TENANT,
    occurredAt: '2026-03-01T10:00:00.000Z',
    requestId: 'req-1',
    method: 'GET',
    path: '/scim/v2/Users/u1',
    query: null,
    status: 200,
    scimType: null,
    detail: null,
    authFailure: null,
    latencyMs: 1.5,
    clientAddress: '203.0.113.7',
    userAgent: 'Okta SCIM Client 1.0.0',
    idp: 'Okta',
    resourceId: 'u1',
    requestBody: null,
    responseBody: '{"id":"u1"}',
    ...overrides,
  };
}

const ALL: RequestLogQuery = { order: 'newest', limit: 100, withBodies: false };

export function describeRequestLogContract(openStore: OpenStore): void {
  describe('request log', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('appends entries in one batch and reads them back per tenant, newest first, every field intact', async () => {
      const failed = entry({ requestId: 'req-2', status: 409, scimType: 'uniqueness', detail: 'userName "x" is taken', method: 'POST', requestBody: '{"userName":"x"}', resourceId: null });
      await store.requestLog.append([entry(), failed, entry({ tenantId: OTHER_TENANT, requestId: 'req-9' })]);
      const listed = await store.requestLog.list(TENANT, ALL);
      expect(listed.map((row) => row.requestId)).toEqual(['req-2', 'req-1']);
      // Listings leave the bodies out; a single entry has them.
      expect(listed[0]).toMatchObject({ ...failed, requestBody: null, responseBody: null });
      expect(await store.requestLog.get(TENANT, 'req-2')).toMatchObject(failed);
      expect(await store.requestLog.get(TENANT, 'req-9')).toBeUndefined();
      expect((await store.requestLog.list(OTHER_TENANT, ALL)).map((row) => row.requestId)).toEqual(['req-9']);
    });

    it('keeps a batch whose text holds U+0000 (an error detail quoting a client value), where the database cannot store it as U+FFFD', async () => {
      const quoting = entry({ requestId: 'req-nul', status: 400, scimType: 'invalidValue', detail: 'bad value "a\u0000b"', path: '/scim/v2/Users/a\u0000b' });
      await store.requestLog.append([entry(), quoting]);
      const stored = await store.requestLog.get(TENANT, 'req-nul');
      // Either every U+0000 is kept or every one is replaced: never one field of each.
      const kept = stored?.detail === 'bad value "a\u0000b"';
      expect(stored).toMatchObject(kept ? { detail: 'bad value "a\u0000b"', path: '/scim/v2/Users/a\u0000b' } : { detail: 'bad value "a\ufffdb"', path: '/scim/v2/Users/a\ufffdb' });
      expect((await store.requestLog.list(TENANT, ALL)).map((row) => row.requestId)).toEqual(['req-nul', 'req-1']);
    });

    it('writes a batch larger than one INSERT holds', async () => {
      const many = Array.from({ length: 1203 }, (_, index) => entry({ requestId: `bulk-${index}` }));
      await store.requestLog.append(many);
      const page = await store.requestLog.list(TENANT, { ...ALL, limit: 2000 });
      expect(page).toHaveLength(1203);
      expect(page[0]!.requestId).toBe('bulk-1202');
    });

    it('filters by time range, exact status and class, method, path prefix, resource, request id and IdP, combined', async () => {
      await store.requestLog.append([
        entry({ requestId: 'a', occurredAt: '2026-03-01T09:00:00.000Z', status: 200 }),
        entry({ requestId: 'b', occurredAt: '2026-03-01T10:00:00.000Z', status: 404, method: 'PATCH', path: '/scim/v2/Users/u2', resourceId: 'u2' }),
        entry({ requestId: 'c', occurredAt: '2026-03-01T11:00:00.000Z', status: 409, method: 'POST', path: '/scim/v2/Groups', idp: 'Entra ID', resourceId: null }),
        entry({ requestId: 'd', occurredAt: '2026-03-01T12:00:00.000Z', status: 500, path: '/t/acme/scim/v2/Users' }),
      ]);
      const ids = async (query: Partial<RequestLogQuery>) => (await store.requestLog.list(TENANT, { ...ALL, ...query })).map((row) => row.requestId);
      expect(await ids({ since: '2026-03-01T10:00:00.000Z', until: '2026-03-01T12:00:00.000Z' })).toEqual(['c', 'b']);
      expect(await ids({ status: { kind: 'class', hundreds: 4 } })).toEqual(['c', 'b']);
      expect(await ids({ status: { kind: 'exact', status: 500 } })).toEqual(['d']);
      expect(await ids({ method: 'PATCH' })).toEqual(['b']);
      expect(await ids({ pathPrefix: '/scim/v2/Users' })).toEqual(['b', 'a']);
      // The prefix is literal text: no wildcard in it counts.
      expect(await ids({ pathPrefix: '/scim/v2/%' })).toEqual([]);
      expect(await ids({ resourceId: 'u2' })).toEqual(['b']);
      expect(await ids({ requestId: 'c' })).toEqual(['c']);
      expect(await ids({ idp: 'Entra ID' })).toEqual(['c']);
      expect(await ids({ idp: 'Okta', status: { kind: 'class', hundreds: 4 } })).toEqual(['b']);
    });

    it('pages by position in both orders', async () => {
      await store.requestLog.append(['a', 'b', 'c', 'd', 'e'].map((requestId) => entry({ requestId })));
      const newest = await store.requestLog.list(TENANT, { ...ALL, limit: 2 });
      expect(newest.map((row) => row.requestId)).toEqual(['e', 'd']);
      const older = await store.requestLog.list(TENANT, { ...ALL, limit: 2, after: newest[1]!.position });
      expect(older.map((row) => row.requestId)).toEqual(['c', 'b']);
      const oldest = await store.requestLog.list(TENANT, { ...ALL, order: 'oldest', limit: 10, after: older[0]!.position });
      expect(oldest.map((row) => row.requestId)).toEqual(['d', 'e']);
    });

    it('prunes by age, by rows per tenant (newest kept) and the rows of tenants that no longer exist', async () => {
      await store.requestLog.append([
        entry({ requestId: 'old', occurredAt: '2026-01-01T00:00:00.000Z' }),
        ...['n1', 'n2', 'n3', 'n4'].map((requestId) => entry({ requestId })),
        entry({ tenantId: OTHER_TENANT, requestId: 'other' }),
        entry({ tenantId: 'no-such-tenant', requestId: 'ghost' }),
      ]);
      const removed = await store.requestLog.prune('2026-02-01T00:00:00.000Z', 2);
      expect(removed).toBe(4);
      expect((await store.requestLog.list(TENANT, ALL)).map((row) => row.requestId)).toEqual(['n4', 'n3']);
      expect((await store.requestLog.list(OTHER_TENANT, ALL)).map((row) => row.requestId)).toEqual(['other']);
      expect(await store.requestLog.list('no-such-tenant', ALL)).toEqual([]);
    });

    it('links a request to the events written under its id, and a resource to its history', async () => {
      const event = (id: string, resourceId: string, requestId: string | null) => ({
        id,
        type: 'user.updated' as const,
        timestamp: '2026-03-01T10:00:00.000Z',
        tenant: TENANT,
        resourceType: 'User' as const,
        resourceId,
        externalId: null,
        requestId,
        data: { resource: { id: resourceId }, changedAttributes: ['active'] },
      });
      await store.transaction((writer) => writer.appendEvents([event('e1', 'u1', 'req-7'), event('e2', 'u2', 'req-7')]));
      await store.transaction((writer) => writer.appendEvents([event('e3', 'u1', null)]));
      expect(await store.requestLog.eventsOfRequest(TENANT, 'req-7')).toEqual([
        { id: 'e1', sequence: 1, type: 'user.updated', resourceType: 'User', resourceId: 'u1' },
        { id: 'e2', sequence: 2, type: 'user.updated', resourceType: 'User', resourceId: 'u2' },
      ]);
      expect(await store.requestLog.eventsOfRequest(OTHER_TENANT, 'req-7')).toEqual([]);
      const history = await store.eventHistory.history(TENANT, 'u1', 0, 10);
      expect(history.map((record) => [record.event.id, record.event.requestId, record.requestId])).toEqual([
        ['e1', 'req-7', 'req-7'],
        ['e3', null, null],
      ]);
      expect((await store.eventHistory.history(TENANT, 'u1', 1, 10)).map((record) => record.event.id)).toEqual(['e3']);
    });
  });
}
