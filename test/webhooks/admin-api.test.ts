/**
 * The webhook admin API (/admin/v1/tenants/{tenant}/webhooks…) on a real
 * server (`build()`, SQLite or PostgreSQL per run), driven end to end: SCIM
 * changes go out to a real receiver, deliveries are inspected and replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, expectAdminError, expectJson, type AdminClient } from '../admin/support.js';
import { build, SCIM, type TestServer } from '../helpers/build.js';
import { Receiver, verifiesWith } from './support.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('webhook admin API', () => {
  let server: TestServer;
  let admin: AdminClient;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await new Receiver().listen();
    server = await build({
      SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true',
      SCIMITAR_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      SCIMITAR_WEBHOOK_MAX_ATTEMPTS: '1',
      SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '50',
    });
    admin = await adminClient(server);
    await server.scimitar.tenants.create('acme');
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('creates a webhook (201, secret shown once), lists and shows it without the secret, updates and deletes it', async () => {
    const created = expectJson(
      await admin.request('POST', '/tenants/acme/webhooks', { url: receiver.url('/crud'), eventTypes: ['user.deactivated', 'user.created'], description: 'CRM sync' }),
      201,
    );
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'description', 'disabledReason', 'enabled', 'eventTypes', 'id', 'maxEventsPerRequest', 'secret', 'tenant', 'updatedAt', 'url']);
    expect(created).toMatchObject({
      tenant: 'acme',
      url: receiver.url('/crud'),
      eventTypes: ['user.created', 'user.deactivated'],
      enabled: true,
      description: 'CRM sync',
      disabledReason: null,
      maxEventsPerRequest: 1,
    });
    expect(created['secret']).toMatch(/^whsec_/);
    const id = created['id'] as string;

    const listed = expectJson(await admin.request('GET', '/tenants/acme/webhooks'), 200);
    expect(listed['webhooks']).toHaveLength(1);
    expect(listed['webhooks'][0]).not.toHaveProperty('secret');
    const shown = expectJson(await admin.request('GET', `/tenants/acme/webhooks/${id}`), 200);
    const { secret: _secret, ...withoutSecret } = created;
    expect(shown).toEqual(withoutSecret);
    expect(JSON.stringify(await server.rawTables())).not.toContain(created['secret']);

    const updated = expectJson(await admin.request('PATCH', `/tenants/acme/webhooks/${id}`, { enabled: false, eventTypes: [] }), 200);
    expect(updated).toMatchObject({ enabled: false, eventTypes: [], url: receiver.url('/crud'), description: 'CRM sync' });

    const rotated = expectJson(await admin.request('POST', `/tenants/acme/webhooks/${id}/rotate-secret`, { overlapSeconds: 60 }), 200);
    expect(Object.keys(rotated).sort()).toEqual(['previousSecretExpiresAt', 'secret']);
    expect(rotated['secret']).not.toBe(created['secret']);

    expect((await admin.request('DELETE', `/tenants/acme/webhooks/${id}`)).statusCode).toBe(204);
    expectAdminError(await admin.request('GET', `/tenants/acme/webhooks/${id}`), 404, 'not_found');
  });

  it('takes how many events one request may carry on create and update, shows it, and refuses a value outside 1 to 100 with the range, changing nothing', async () => {
    const created = expectJson(await admin.request('POST', '/tenants/acme/webhooks', { url: receiver.url('/batched'), maxEventsPerRequest: 50 }), 201);
    const id = created['id'] as string;
    expect(created['maxEventsPerRequest']).toBe(50);
    expect(expectJson(await admin.request('GET', `/tenants/acme/webhooks/${id}`), 200)['maxEventsPerRequest']).toBe(50);
    expect(expectJson(await admin.request('PATCH', `/tenants/acme/webhooks/${id}`, { maxEventsPerRequest: 100 }), 200)).toMatchObject({ maxEventsPerRequest: 100, url: receiver.url('/batched') });
    expect(expectJson(await admin.request('PATCH', `/tenants/acme/webhooks/${id}`, { maxEventsPerRequest: 1 }), 200)['maxEventsPerRequest']).toBe(1);

    for (const refused of [0, 101, -5, 2.5, 'many']) {
      const onCreate = expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', { url: receiver.url('/refused'), maxEventsPerRequest: refused }), 400, 'bad_request');
      expect(onCreate['message']).toContain('maxEventsPerRequest');
      const onUpdate = expectAdminError(await admin.request('PATCH', `/tenants/acme/webhooks/${id}`, { maxEventsPerRequest: refused }), 400, 'bad_request');
      expect(onUpdate['message']).toContain('maxEventsPerRequest');
    }
    const tooMany = expectAdminError(await admin.request('PATCH', `/tenants/acme/webhooks/${id}`, { maxEventsPerRequest: 101 }), 400, 'bad_request');
    expect(tooMany['message']).toMatch(/must be <= 100/);
    expect(expectJson(await admin.request('GET', `/tenants/acme/webhooks/${id}`), 200)['maxEventsPerRequest']).toBe(1);
    expect((expectJson(await admin.request('GET', '/tenants/acme/webhooks'), 200)['webhooks'] as { url: string }[]).map((webhook) => webhook.url)).toEqual([receiver.url('/batched')]);
    expect((await admin.request('DELETE', `/tenants/acme/webhooks/${id}`)).statusCode).toBe(204);
  });

  it('refuses bad input with the admin error shape, and answers 404 for an unknown tenant or webhook', async () => {
    expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', { url: 'ftp://example.com/x' }), 400, 'bad_request');
    expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', { url: 'https://user:pw@example.com/x' }), 400, 'bad_request');
    expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', { url: 'https://169.254.169.254/latest' }), 400, 'bad_request');
    const unknownType = expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', { url: 'https://example.com/x', eventTypes: ['user.exploded'] }), 400, 'bad_request');
    expect(unknownType['message']).toContain('"user.exploded"');
    expect(unknownType['message']).toContain('user.deactivated');
    expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', { url: 'https://example.com/x', secret: 'mine' }), 400, 'bad_request');
    expectAdminError(await admin.request('POST', '/tenants/acme/webhooks', {}), 400, 'bad_request');
    expectAdminError(await admin.request('POST', '/tenants/nobody/webhooks', { url: 'https://example.com/x' }), 404, 'not_found');
    expectAdminError(await admin.request('GET', '/tenants/nobody/webhooks'), 404, 'not_found');
    expectAdminError(await admin.request('GET', '/tenants/acme/webhooks/no-such-webhook'), 404, 'not_found');
    expectAdminError(await admin.request('GET', '/tenants/acme/webhooks/no-such-webhook/deliveries'), 404, 'not_found');
    expectAdminError(await admin.request('POST', '/tenants/acme/webhooks/no-such-webhook/replay-failed'), 404, 'not_found');
    // Another tenant's webhook is as unknown as a missing one.
    const other = expectJson(await admin.request('POST', '/tenants/default/webhooks', { url: 'https://example.com/x', enabled: false }), 201);
    expectAdminError(await admin.request('GET', `/tenants/acme/webhooks/${other['id'] as string}`), 404, 'not_found');
    expectAdminError(await admin.request('POST', `/tenants/default/webhooks/${other['id'] as string}/rotate-secret`, { overlapSeconds: -1 }), 400, 'bad_request');
    expectAdminError(await admin.request('GET', `/tenants/default/webhooks/${other['id'] as string}/deliveries?status=lost`), 400, 'bad_request');
    expect((await admin.request('DELETE', `/tenants/default/webhooks/${other['id'] as string}`)).statusCode).toBe(204);
  });

  it('delivers SCIM changes, pages deliveries, shows attempts, and replays a failed one', async () => {
    const created = expectJson(await admin.request('POST', '/tenants/default/webhooks', { url: receiver.url('/scim-events') }), 201);
    const id = created['id'] as string;
    const secret = created['secret'] as string;
    const forThisHook = () => receiver.received.filter((request) => request.url === '/scim-events');
    // The receiver fails the first delivery; with one attempt allowed, it fails for good.
    receiver.respond = (request) => (request.url === '/scim-events' && forThisHook().length === 1 ? { status: 500, body: 'down' } : { status: 200 });

    const user = await server.request({ method: 'POST', url: `${SCIM}/Users`, body: { schemas: [USER], userName: 'webhook.admin@example.com' } });
    expect(user.statusCode).toBe(201);
    const userId = JSON.parse(user.body).id as string;
    await expect.poll(async () => expectJson(await admin.request('GET', `/tenants/default/webhooks/${id}/deliveries?status=failed`), 200)['deliveries'].length, { timeout: 15_000 }).toBe(1);
    const deactivated = await server.request({ method: 'PATCH', url: `${SCIM}/Users/${userId}`, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    expect(deactivated.statusCode).toBe(200);
    await expect.poll(() => forThisHook().length, { timeout: 15_000 }).toBe(2);
    expect(forThisHook().every((request) => verifiesWith(secret, request))).toBe(true);

    const all = expectJson(await admin.request('GET', `/tenants/default/webhooks/${id}/deliveries?limit=1`), 200);
    expect(all['deliveries']).toHaveLength(1);
    expect(all['deliveries'][0]).toMatchObject({ eventType: 'user.created', status: 'failed', attemptCount: 1, lastError: 'HTTP 500', resourceId: userId, nextAttemptAt: null });
    const next = expectJson(await admin.request('GET', `/tenants/default/webhooks/${id}/deliveries?limit=1&after=${all['next'] as number}`), 200);
    expect(next['deliveries'][0]).toMatchObject({ eventType: 'user.deactivated', status: 'succeeded' });

    const failedId = all['deliveries'][0]['id'] as string;
    const details = expectJson(await admin.request('GET', `/tenants/default/webhooks/${id}/deliveries/${failedId}`), 200);
    expect(details['event']).toMatchObject({ type: 'user.created', resourceId: userId, tenant: 'default' });
    expect(details['attempts']).toEqual([{ attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number), statusCode: 500, error: null, responseExcerpt: 'down' }]);

    expectAdminError(await admin.request('POST', `/tenants/default/webhooks/${id}/deliveries/${next['deliveries'][0]['id'] as string}/replay`), 400, 'bad_request');
    const replayed = expectJson(await admin.request('POST', `/tenants/default/webhooks/${id}/deliveries/${failedId}/replay`), 200);
    expect(replayed).toMatchObject({ id: failedId, status: 'pending' });
    await expect.poll(() => forThisHook().length, { timeout: 15_000 }).toBe(3);
    await expect.poll(async () => expectJson(await admin.request('GET', `/tenants/default/webhooks/${id}/deliveries/${failedId}`), 200)['status'], { timeout: 15_000 }).toBe('succeeded');
    expect(expectJson(await admin.request('POST', `/tenants/default/webhooks/${id}/replay-failed`), 200)).toEqual({ replayed: 0 });
    expect((await admin.request('DELETE', `/tenants/default/webhooks/${id}`)).statusCode).toBe(204);
  });
});
