/**
 * Tenant health through the admin API (/admin/v1/tenant-health and
 * /tenants/{tenant}/health), driven end to end: identity providers' requests
 * (their User-Agents), a failed one, users deactivated, deletions held by
 * the safeguard, and webhook deliveries that fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import type { Json } from '../http/support.js';
import { createTenant, type TenantClient } from '../tenancy/support.js';
import { Receiver } from '../webhooks/support.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from './support.js';

const OKTA = { 'user-agent': 'Okta SCIM Client 1.0.0' };
const ENTRA = { 'user-agent': 'Azure Active Directory SCIM Client' };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('tenant health', () => {
  let server: TestServer;
  let admin: AdminClient;
  let receiver: Receiver;
  let acme: TenantClient;

  beforeAll(async () => {
    receiver = await new Receiver().listen();
    receiver.respond = () => ({ status: 500, body: 'down' });
    server = await build({
      SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true',
      SCIMITAR_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      SCIMITAR_WEBHOOK_MAX_ATTEMPTS: '1',
      SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '50',
    });
    admin = await adminClient(server);
    acme = await createTenant(server, 'acme');
    await createTenant(server, 'globex');
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const health = async (tenant: string): Promise<Json> => expectJson(await admin.request('GET', `/tenants/${tenant}/health`), 200);

  it('a tenant nobody has called yet: no requests, nothing to count, and it says so', async () => {
    expect(await health('globex')).toEqual({
      tenant: 'globex',
      name: 'globex corp',
      lastRequest: null,
      lastError: null,
      window: { since: expect.any(String), until: expect.any(String), requests: 0, clientErrors: 0, serverErrors: 0, errorRate: null },
      users: 0,
      activeUsers: 0,
      groups: 0,
      heldDeletions: 0,
      webhooks: { pendingDeliveries: 0, failedDeliveries: 0, eventsNotYetQueued: 0 },
      consumers: { pendingEvents: 0, parkedEvents: 0, eventsNotYetQueued: 0 },
      attention: ['no_requests_yet'],
    });
    const { window } = await health('globex');
    expect(Date.parse(window['until']) - Date.parse(window['since'])).toBe(24 * 3_600_000);
  });

  it('shows the latest request and its identity provider, the latest error, the error rate, users, groups, held deletions and failed deliveries', async () => {
    expectJson(await admin.request('POST', '/tenants/acme/webhooks', { url: receiver.url('/hook'), eventTypes: ['user.created'] }), 201);
    expectJson(await admin.request('PATCH', '/tenants/acme/deletion', { safeguard: { percent: 1, minimum: 1 } }), 200);

    const ids: string[] = [];
    for (const name of ['ada', 'bob', 'cy', 'dee']) {
      const created = await acme.request('POST', `${acme.base}/Users`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${name}@acme.example` }, OKTA);
      expect(created.statusCode).toBe(201);
      ids.push(String((JSON.parse(created.body) as Json)['id']));
    }
    const taken = await acme.request('POST', `${acme.base}/Users`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@acme.example' }, OKTA);
    expect(taken.statusCode).toBe(409);
    const deactivated = await acme.request('PATCH', `${acme.base}/Users/${ids[1]}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }, ENTRA);
    expect(deactivated.statusCode).toBe(200);
    await acme.createGroup('Staff', [ids[0]!]);
    // The second hard deletion trips the safeguard (more than 1 and more than 1%): it is held.
    for (const id of ids.slice(2)) expect((await acme.request('DELETE', `${acme.base}/Users/${id}`, undefined, ENTRA)).statusCode).toBe(204);
    expect((await acme.request('GET', `${acme.base}/Users?filter=${encodeURIComponent('userName eq "ada@acme.example"')}`, undefined, ENTRA)).statusCode).toBe(200);
    await server.scimitar.requestLogRecorder.flush();

    // Four user.created deliveries, each failing its one attempt; every later event read past (none is a user.created).
    await expect
      .poll(async () => (await health('acme'))['webhooks'], { timeout: 10_000 })
      .toEqual({ pendingDeliveries: 0, failedDeliveries: 4, eventsNotYetQueued: 0 });

    const shown = await health('acme');
    expect(shown['lastRequest']).toEqual({
      occurredAt: expect.any(String),
      requestId: expect.any(String),
      method: 'GET',
      path: '/t/acme/scim/v2/Users',
      status: 200,
      scimType: null,
      detail: null,
      idp: 'Entra ID',
    });
    expect(shown['lastError']).toMatchObject({ method: 'POST', path: '/t/acme/scim/v2/Users', status: 409, scimType: 'uniqueness', idp: 'Okta', detail: expect.stringContaining('userName') });
    // 4 creates, 1 conflict, 1 PATCH, 1 group, 2 deletes, 1 search.
    expect(shown['window']).toMatchObject({ requests: 10, clientErrors: 1, serverErrors: 0, errorRate: 0.1 });
    // cy was deleted and dee's deletion is held: both are gone from SCIM; of ada and bob, bob is inactive.
    expect(shown).toMatchObject({ users: 2, activeUsers: 1, groups: 1, heldDeletions: 1 });
    expect(shown['attention']).toEqual(['held_deletions', 'failed_webhook_deliveries']);

    const list = expectJson(await admin.request('GET', '/tenant-health'), 200);
    expect((list['tenants'] as Json[]).map((tenant) => tenant['tenant'])).toEqual(['acme', 'default', 'globex']);
    expect((list['tenants'] as Json[])[0]).toEqual({ ...shown, window: { ...shown['window'], since: expect.any(String), until: expect.any(String) } });
  });

  it('answers 404 for an unknown tenant, 401 without an admin key', async () => {
    expectAdminError(await admin.request('GET', '/tenants/nobody/health'), 404, 'not_found');
    expectAdminError(await server.scimitar.app.inject({ method: 'GET', url: '/admin/v1/tenant-health' }), 401, 'unauthorized');
  });
});
