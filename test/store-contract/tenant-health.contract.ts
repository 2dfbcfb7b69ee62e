/**
 * The tenant health overview's facts: each read for every tenant at once
 * (or for one), from the request log, the resource counts, the users, the
 * held deletions and the webhook deliveries.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/request-log/entry.js';
import type { Store } from '../../src/store/store.js';
import type { TenantHealthFacts } from '../../src/store/tenant-health-store.js';
import { ensureTenants, group, insert, NOW, OTHER_TENANT, TENANT, user, type OpenStore } from './support.js';

const WINDOW_START = '2024-03-01T00:00:00.000Z';

function request(tenantId: string, occurredAt: string, status: number, overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    tenantId,
    occurredAt,
    requestId: randomUUID(),
    method: 'GET',
    path: `/t/${tenantId}/scim/v2/Users`,
    query: null,
    status,
    scimType: null,
    detail: null,
    authFailure: null,
    latencyMs: 3,
    clientAddress: null,
    userAgent: 'Okta SCIM Client 1.0.0',
    idp: 'Okta',
    resourceId: null,
    requestBody: null,
    responseBody: null,
    ...overrides,
  };
}

const EMPTY_FACTS = {
  lastRequest: undefined,
  lastFailure: undefined,
  requests: 0,
  clientErrors: 0,
  expectedErrors: 0,
  serverErrors: 0,
  users: 0,
  inactiveUsers: 0,
  groups: 0,
  heldDeletions: 0,
  webhooks: { pending: 0, failed: 0, eventsNotYetQueued: 0 },
  consumers: { pending: 0, failed: 0, eventsNotYetQueued: 0 },
} as const;

export function describeTenantHealthContract(openStore: OpenStore): void {
  describe('tenant health facts', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    async function factsOf(tenantId: string): Promise<TenantHealthFacts> {
      const [facts] = await store.tenantHealth.readTenantHealth(tenantId, WINDOW_START);
      if (facts === undefined) throw new TypeError(`no facts for ${tenantId}`);
      return facts;
    }

    it('gives every tenant, ordered by id, with nothing yet for a new one; an unknown tenant gives none', async () => {
      const all = await store.tenantHealth.readTenantHealth(undefined, WINDOW_START);
      expect(all).toEqual([
        { tenantId: TENANT, tenantName: 'Acme', ...EMPTY_FACTS },
        { tenantId: OTHER_TENANT, tenantName: 'Globex', ...EMPTY_FACTS },
      ]);
      expect(await store.tenantHealth.readTenantHealth('nobody', WINDOW_START)).toEqual([]);
    });

    it('reads each tenant’s latest request and latest failure, and counts the window’s requests by class', async () => {
      await store.requestLog.append([
        request(TENANT, '2024-02-29T23:00:00.000Z', 500, { requestId: 'before-window' }),
        request(TENANT, '2024-03-01T08:00:00.000Z', 201, { method: 'POST' }),
        request(TENANT, '2024-03-01T09:00:00.000Z', 409, { requestId: 'conflict', method: 'PUT', path: `/t/${TENANT}/scim/v2/Users/u1`, resourceId: 'u1', scimType: 'uniqueness', detail: 'userName is taken' }),
        request(TENANT, '2024-03-01T10:00:00.000Z', 200, { requestId: 'latest', userAgent: 'Azure AD SCIM', idp: 'Entra ID' }),
        request(OTHER_TENANT, '2024-03-01T11:00:00.000Z', 401, { requestId: 'refused', idp: null, userAgent: null }),
      ]);
      const acme = await factsOf(TENANT);
      expect(acme.lastRequest).toEqual({
        occurredAt: '2024-03-01T10:00:00.000Z',
        requestId: 'latest',
        method: 'GET',
        path: `/t/${TENANT}/scim/v2/Users`,
        status: 200,
        scimType: null,
        detail: null,
        idp: 'Entra ID',
        expected: false,
      });
      expect(acme.lastFailure).toMatchObject({ requestId: 'conflict', status: 409, scimType: 'uniqueness', detail: 'userName is taken', idp: 'Okta' });
      expect([acme.requests, acme.clientErrors, acme.expectedErrors, acme.serverErrors]).toEqual([3, 1, 0, 0]);

      const all = await store.tenantHealth.readTenantHealth(undefined, WINDOW_START);
      expect(all.map((facts) => [facts.tenantId, facts.lastRequest?.requestId, facts.lastFailure?.requestId, facts.requests])).toEqual([
        [TENANT, 'latest', 'conflict', 3],
        [OTHER_TENANT, 'refused', 'refused', 1],
      ]);
    });

    it('counts the refusals identity providers expect apart: a 404 to GET /Users/{id} or /Groups/{id}, a 409 uniqueness to a create; every other 4xx counts', async () => {
      const scim = `/t/${TENANT}/scim/v2`;
      const answered = (occurredAt: string, requestId: string, status: number, overrides: Partial<RequestLogEntry>) => request(TENANT, occurredAt, status, { requestId, ...overrides });
      await store.requestLog.append([
        // Expected, in any letter case the router accepts.
        answered('2024-03-01T01:00:00.000Z', 'probe-user', 404, { path: `${scim}/Users/u9`, resourceId: 'u9', scimType: null }),
        answered('2024-03-01T01:01:00.000Z', 'probe-group', 404, { path: `${scim}/groups/g9`, resourceId: 'g9' }),
        answered('2024-03-01T01:02:00.000Z', 'create-taken', 409, { method: 'POST', path: `${scim}/Users`, scimType: 'uniqueness', detail: 'userName is taken' }),
        // Counted: a 409 of another kind, a rename onto a taken userName, a 404 to a change or a deletion,
        // a 404 of another endpoint (even under a tenant named like one), a path that is no resource.
        answered('2024-03-01T02:00:00.000Z', 'create-mutability', 409, { method: 'POST', path: `${scim}/Users`, scimType: null }),
        answered('2024-03-01T02:01:00.000Z', 'rename-taken', 409, { method: 'PATCH', path: `${scim}/Users/u1`, resourceId: 'u1', scimType: 'uniqueness' }),
        answered('2024-03-01T02:02:00.000Z', 'patch-missing', 404, { method: 'PATCH', path: `${scim}/Users/u9`, resourceId: 'u9' }),
        answered('2024-03-01T02:03:00.000Z', 'delete-missing', 404, { method: 'DELETE', path: `${scim}/Groups/g9`, resourceId: 'g9' }),
        answered('2024-03-01T02:04:00.000Z', 'schema-missing', 404, { path: '/t/groups/scim/v2/Schemas/urn:example:none', resourceId: 'urn:example:none' }),
        answered('2024-03-01T02:05:00.000Z', 'no-endpoint', 404, { path: `${scim}/Users/u9/photos` }),
        answered('2024-03-01T02:06:00.000Z', 'bad-filter', 400, { path: `${scim}/Users`, scimType: 'invalidFilter' }),
        answered('2024-03-01T02:07:00.000Z', 'server-error', 500, { path: `${scim}/Users` }),
        // The latest request is an expected refusal: it is flagged, and is not the latest failure.
        answered('2024-03-01T03:00:00.000Z', 'latest-probe', 404, { path: `${scim}/Users/u8`, resourceId: 'u8' }),
      ]);
      const acme = await factsOf(TENANT);
      expect({ requests: acme.requests, clientErrors: acme.clientErrors, expectedErrors: acme.expectedErrors, serverErrors: acme.serverErrors }).toEqual({
        requests: 12,
        clientErrors: 7,
        expectedErrors: 4,
        serverErrors: 1,
      });
      expect(acme.lastRequest).toMatchObject({ requestId: 'latest-probe', status: 404, expected: true });
      expect(acme.lastFailure).toMatchObject({ requestId: 'server-error', status: 500, expected: false });

      // Only expected refusals since the latest failure that counts: it is still found, however many there are.
      await store.requestLog.append([
        request(OTHER_TENANT, '2024-03-01T04:00:00.000Z', 400, { requestId: 'counted', scimType: 'invalidValue' }),
        ...Array.from({ length: 5 }, (_, index) =>
          request(OTHER_TENANT, `2024-03-01T05:0${index}:00.000Z`, 409, { requestId: `taken-${index}`, method: 'POST', scimType: 'uniqueness' }),
        ),
      ]);
      const globex = await factsOf(OTHER_TENANT);
      expect([globex.clientErrors, globex.expectedErrors, globex.lastFailure?.requestId, globex.lastRequest?.expected]).toEqual([1, 5, 'counted', true]);
    });

    it('counts users, inactive users and groups', async () => {
      await insert(store, user('u1', 'ada'), user('u2', 'bob', { active: false }), user('u3', 'cy', { active: true }), group('g1', 'Staff'));
      await insert(store, user('u4', 'dee', { active: false }, { tenantId: OTHER_TENANT }));
      expect(await factsOf(TENANT)).toMatchObject({ users: 3, inactiveUsers: 1, groups: 1 });
      expect(await factsOf(OTHER_TENANT)).toMatchObject({ users: 1, inactiveUsers: 1, groups: 0 });
    });

    it('counts held deletions, not soft ones', async () => {
      const archived = (id: string, state: 'soft' | 'held') => ({
        tenantId: TENANT,
        id,
        externalId: undefined,
        state,
        attributes: { userName: id },
        passwordHash: undefined,
        created: NOW,
        lastModified: NOW,
        version: 1,
        groupIds: [],
        baseUrl: `https://scim.example.com/t/${TENANT}/scim/v2`,
        deletedAt: NOW,
        purgeAfter: state === 'soft' ? '2024-04-01T00:00:00.000Z' : undefined,
      });
      await store.transaction(async () => {
        await store.deletions.archive(archived('h1', 'held'));
        await store.deletions.archive(archived('h2', 'held'));
        await store.deletions.archive(archived('s1', 'soft'));
      });
      expect((await factsOf(TENANT)).heldDeletions).toBe(2);
      expect((await factsOf(OTHER_TENANT)).heldDeletions).toBe(0);
    });

    it('counts events not yet queued for a webhook, then its pending deliveries, apart from consumers', async () => {
      await store.webhooks.insertWebhook({ id: randomUUID(), tenantId: TENANT, url: 'https://hooks.example.com/scim', eventTypes: [], enabled: true, description: '', secret: 'sealed', now: NOW });
      await store.webhooks.registerConsumer({ name: 'crm-sync', eventTypes: ['user.created'], tenants: [TENANT], now: NOW, newTargetId: randomUUID });
      await insert(store, user('u1', 'ada'));
      await store.transaction((writer) =>
        writer.appendEvents(
          (['user.created', 'user.updated'] as const).map((type, index) => ({
            id: randomUUID(),
            type,
            timestamp: NOW,
            tenant: TENANT,
            resourceType: 'User' as const,
            resourceId: `e${index}`,
            externalId: null,
            requestId: null,
            data: { resource: { id: `e${index}` } },
          })),
        ),
      );
      expect((await factsOf(TENANT)).webhooks).toEqual({ pending: 0, failed: 0, eventsNotYetQueued: 2 });
      expect((await factsOf(TENANT)).consumers).toEqual({ pending: 0, failed: 0, eventsNotYetQueued: 2 });
      await store.webhooks.enqueueDeliveries({ now: NOW, webhookLimit: 10, eventLimit: 100, newDeliveryId: randomUUID });
      expect((await factsOf(TENANT)).webhooks).toEqual({ pending: 2, failed: 0, eventsNotYetQueued: 0 });
      // The consumer asked for user.created only: one delivery; it reads past the user.updated event.
      expect((await factsOf(TENANT)).consumers).toEqual({ pending: 1, failed: 0, eventsNotYetQueued: 0 });
      expect((await factsOf(OTHER_TENANT)).webhooks).toEqual({ pending: 0, failed: 0, eventsNotYetQueued: 0 });
    });
  });
}
