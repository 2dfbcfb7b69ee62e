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

    it('prunes by age in every tenant, keeping the entries at or after the cut', async () => {
      const cut = '2026-02-01T00:00:00.000Z';
      await store.requestLog.append([
        entry({ requestId: 'old', occurredAt: '2026-01-31T23:59:59.999Z' }),
        entry({ requestId: 'at-cut', occurredAt: cut }),
        entry({ tenantId: OTHER_TENANT, requestId: 'other-old', occurredAt: '2026-01-01T00:00:00.000Z' }),
        entry({ tenantId: OTHER_TENANT, requestId: 'other-new' }),
      ]);
      expect(await store.requestLog.prune(cut, 100)).toBe(2);
      expect((await store.requestLog.list(TENANT, ALL)).map((row) => row.requestId)).toEqual(['at-cut']);
      expect((await store.requestLog.list(OTHER_TENANT, ALL)).map((row) => row.requestId)).toEqual(['other-new']);
    });

    it("caps each tenant on its own, its newest entries kept, whatever the other tenants' entries in between", async () => {
      // One batch alternating the tenants: their positions interleave, so a cut must be the tenant's own.
      await store.requestLog.append([1, 2, 3, 4, 5].flatMap((n) => [entry({ requestId: `a${n}` }), ...(n <= 2 ? [entry({ tenantId: OTHER_TENANT, requestId: `g${n}` })] : [])]));
      expect(await store.requestLog.prune('2026-02-01T00:00:00.000Z', 3)).toBe(2);
      expect((await store.requestLog.list(TENANT, ALL)).map((row) => row.requestId)).toEqual(['a5', 'a4', 'a3']);
      // Under the cap: untouched.
      expect((await store.requestLog.list(OTHER_TENANT, ALL)).map((row) => row.requestId)).toEqual(['g2', 'g1']);
    });

    it('removes every entry of a deleted tenant and of tenant ids that never existed (any letter case), however new, and counts them', async () => {
      await store.tenants.ensureTenant('initech', 'Initech', '2026-03-01T00:00:00.000Z');
      await store.requestLog.append([
        entry({ tenantId: 'initech', requestId: 'gone-1' }),
        entry({ tenantId: 'initech', requestId: 'gone-2' }),
        // Refused requests name whatever tenant they asked for: ids before, between and after the real ones.
        entry({ tenantId: '0-probe', requestId: 'ghost-1' }),
        entry({ tenantId: TENANT.toUpperCase(), requestId: 'ghost-2' }),
        entry({ tenantId: `${TENANT}-x`, requestId: 'ghost-3' }),
        entry({ tenantId: 'zz', requestId: 'ghost-4' }),
        entry({ requestId: 'kept' }),
        entry({ tenantId: OTHER_TENANT, requestId: 'other-kept' }),
      ]);
      expect(await store.tenants.deleteTenant('initech')).toBe(true);
      expect(await store.requestLog.prune('2026-01-01T00:00:00.000Z', 100)).toBe(6);
      for (const gone of ['initech', '0-probe', TENANT.toUpperCase(), `${TENANT}-x`, 'zz']) expect(await store.requestLog.list(gone, ALL), gone).toEqual([]);
      expect((await store.requestLog.list(TENANT, ALL)).map((row) => row.requestId)).toEqual(['kept']);
      expect((await store.requestLog.list(OTHER_TENANT, ALL)).map((row) => row.requestId)).toEqual(['other-kept']);
    });

    it('reaches each of many tenants with entries, whatever their order of creation, and then finds nothing left to prune', async () => {
      const tenants = Array.from({ length: 30 }, (_, index) => `t${(index * 7) % 30}`);
      for (const tenantId of tenants) await store.tenants.ensureTenant(tenantId, tenantId, '2026-03-01T00:00:00.000Z');
      await store.requestLog.append(['1', '2', '3'].flatMap((n) => tenants.map((tenantId) => entry({ tenantId, requestId: `${tenantId}-${n}` }))));
      expect(await store.requestLog.prune('2026-02-01T00:00:00.000Z', 1)).toBe(60);
      for (const tenantId of tenants) expect((await store.requestLog.list(tenantId, ALL)).map((row) => row.requestId)).toEqual([`${tenantId}-3`]);
      expect(await store.requestLog.prune('2026-02-01T00:00:00.000Z', 1)).toBe(0);
    });

    it('prunes an empty log to nothing', async () => {
      expect(await store.requestLog.prune('2026-02-01T00:00:00.000Z', 1)).toBe(0);
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
