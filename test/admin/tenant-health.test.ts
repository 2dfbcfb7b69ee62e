/**
 * Tenant health through the admin API (/admin/v1/tenant-health and
 * /tenants/{tenant}/health), driven end to end: identity providers' requests
 * (their User-Agents), a failed one, users deactivated, deletions held by
 * the safeguard, and webhook deliveries that fail; and the refusals
 * identity providers expect (a probe's 404, a create's 409 uniqueness),
 * counted apart from the errors.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import type { Json } from '../http/support.js';
import { createTenant, type TenantClient } from '../tenancy/support.js';
import { PageSession, visibleText } from '../web/support.js';
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
      window: { since: expect.any(String), until: expect.any(String), requests: 0, clientErrors: 0, expectedErrors: 0, serverErrors: 0, errorRate: null },
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
    const invalid = await acme.request('POST', `${acme.base}/Users`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], displayName: 'No userName' }, OKTA);
    expect(invalid.statusCode).toBe(400);
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
      expected: false,
    });
    // The create of a taken userName is what Okta expects (it then looks the user up): not the last error.
    expect(shown['lastError']).toMatchObject({ method: 'POST', path: '/t/acme/scim/v2/Users', status: 400, idp: 'Okta', detail: expect.stringContaining('userName'), expected: false });
    // 4 creates, 1 conflict, 1 invalid create, 1 PATCH, 1 group, 2 deletes, 1 search.
    expect(shown['window']).toMatchObject({ requests: 11, clientErrors: 1, expectedErrors: 1, serverErrors: 0, errorRate: 1 / 11 });
    // cy was deleted and dee's deletion is held: both are gone from SCIM; of ada and bob, bob is inactive.
    expect(shown).toMatchObject({ users: 2, activeUsers: 1, groups: 1, heldDeletions: 1 });
    expect(shown['attention']).toEqual(['held_deletions', 'failed_webhook_deliveries']);

    const list = expectJson(await admin.request('GET', '/tenant-health'), 200);
    expect((list['tenants'] as Json[]).map((tenant) => tenant['tenant'])).toEqual(['acme', 'default', 'globex']);
    expect((list['tenants'] as Json[])[0]).toEqual({ ...shown, window: { ...shown['window'], since: expect.any(String), until: expect.any(String) } });
  });

  it("counts an identity provider's probes and taken creates apart: no error rate, no last error, no attention; a 404 to a PATCH still counts", async () => {
    const initech = await createTenant(server, 'initech');
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const answered = async (method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, headers: Record<string, string>, status: number) => {
      expect((await initech.request(method, `${initech.base}${path}`, body, headers)).statusCode).toBe(status);
      await server.scimitar.requestLogRecorder.flush();
    };

    // Entra ID's connection test reads a user that does not exist.
    await answered('GET', `/Users/${randomUUID()}`, undefined, ENTRA, 404);
    const probed = await health('initech');
    expect(probed['window']).toMatchObject({ requests: 1, clientErrors: 0, expectedErrors: 1, serverErrors: 0, errorRate: 0 });
    expect(probed['lastRequest']).toMatchObject({ status: 404, idp: 'Entra ID', expected: true });
    expect(probed['lastError']).toBeNull();
    expect(probed['attention']).toEqual([]);

    // Okta creates a user that already exists (409 uniqueness), and reads a group deleted here (404), in any letter case.
    await answered('POST', '/Users', { schemas: [USER], userName: 'ada@initech.example' }, OKTA, 201);
    await answered('POST', '/Users', { schemas: [USER], userName: 'ADA@initech.example' }, OKTA, 409);
    await answered('GET', `/groups/${randomUUID()}`, undefined, OKTA, 404);
    const provisioning = await health('initech');
    expect(provisioning['window']).toMatchObject({ requests: 4, clientErrors: 0, expectedErrors: 3, serverErrors: 0, errorRate: 0 });
    expect(provisioning['lastError']).toBeNull();
    expect(provisioning['attention']).toEqual([]);
    // The console's tenants list says why the 4xx in the log are not in the rate.
    const person = new PageSession(server.scimitar.app);
    await person.signIn((await server.scimitar.adminKeys.create('console')).key);
    const tenantsPage = visibleText((await person.get('/console')).body);
    expect(tenantsPage).toContain('0% of 4, 3 expected 404/409 not counted');

    // A change to a user that does not exist is a failure to look at.
    await answered('PATCH', `/Users/${randomUUID()}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }, OKTA, 404);
    const failed = await health('initech');
    expect(failed['window']).toMatchObject({ requests: 5, clientErrors: 1, expectedErrors: 3, serverErrors: 0, errorRate: 0.2 });
    expect(failed['lastError']).toMatchObject({ method: 'PATCH', status: 404, idp: 'Okta', expected: false });
    expect(failed['attention']).toEqual(['last_request_failed']);
  });

  it('answers 404 for an unknown tenant, 401 without an admin key', async () => {
    expectAdminError(await admin.request('GET', '/tenants/nobody/health'), 404, 'not_found');
    expectAdminError(await server.scimitar.app.inject({ method: 'GET', url: '/admin/v1/tenant-health' }), 401, 'unauthorized');
  });
});
