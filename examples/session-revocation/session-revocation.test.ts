/**
 * End to end: the real Scimitar server on a real socket delivers its
 * webhooks to the example app on a real socket; the test drives Scimitar
 * over SCIM HTTP the way an identity provider does, and the app's own HTTP
 * API the way its users do.
 *
 * The app's sessions and event ledger outlive its listener (as the app's
 * database would outlive its process), so "the receiver is off" is the
 * listener closed: Scimitar's deliveries are refused and retried.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../../test/helpers/build.js';
import { sessionRevocationRoutes, WEBHOOK_PATH } from './src/app.js';
import { type Arrival, MemoryEventLedger } from './src/event-ledger.js';
import { MemorySessionStore } from './src/session-store.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const TENANT = 'default';

/**
 * Scimitar's webhook settings for the test: a plain-http receiver on the
 * loopback allowed, and a refused delivery retried within a second (not
 * the production 5 s, doubling), so "off, then on" takes a moment.
 */
const WEBHOOK_ENV = {
  SCIMITAR_WEBHOOK_ALLOW_PRIVATE: 'true',
  SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true',
  SCIMITAR_WEBHOOK_RETRY_BASE_MS: '200',
  SCIMITAR_WEBHOOK_RETRY_MAX_MS: '1000',
  SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '50',
};

/** Bounded polling: the condition is awaited, never timed. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on now: the webhook's URL must be known before the app (which needs the webhook's secret) starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface CapturedDelivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

describe('the session-revocation example, driven through Scimitar', () => {
  let scimitar: TestServer;
  let scimitarOrigin: string;
  let adminKey: string;
  let webhookId: string;
  let secret: string;
  let receiverPort: number;
  let receiverOrigin: string;
  let receiver: FastifyInstance | undefined;
  // Kept across the receiver's restarts, like the app's database.
  const sessions = new MemorySessionStore();
  const ledger = new MemoryEventLedger();
  /** Every delivery that reached the webhook route, as received. */
  const captured: CapturedDelivery[] = [];

  async function startReceiver(): Promise<void> {
    const app = Fastify();
    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.url === WEBHOOK_PATH && Buffer.isBuffer(request.body)) captured.push({ headers: request.headers, body: request.body });
    });
    await app.register(sessionRevocationRoutes, { secret, sessions, ledger });
    await app.listen({ port: receiverPort, host: '127.0.0.1' });
    receiver = app;
  }

  async function stopReceiver(): Promise<void> {
    await receiver?.close();
    receiver = undefined;
  }

  async function scim(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> | undefined }> {
    const response = await fetch(`${scimitarOrigin}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
  }

  async function createUser(userName: string): Promise<string> {
    const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true });
    expect(created.status).toBe(201);
    return created.json?.['id'] as string;
  }

  function patchUser(id: string, path: string, value: unknown) {
    return scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path, value }] });
  }

  async function openSession(scimId: string): Promise<string> {
    const response = await fetch(`${receiverOrigin}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scimId }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  }

  async function me(token: string): Promise<number> {
    return (await fetch(`${receiverOrigin}/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  async function eventsSeen(): Promise<Arrival[]> {
    return ((await (await fetch(`${receiverOrigin}/events-seen`)).json()) as { events: Arrival[] }).events;
  }

  /** Waits until every event of the tenant so far was applied by the app; returns the last sequence. */
  async function allDelivered(): Promise<number> {
    const { lastSequence } = await scimitar.scimitar.store.events.position(TENANT);
    await waitFor(`events 1–${lastSequence} applied`, async () => {
      const applied = new Set((await eventsSeen()).filter((arrival) => arrival.outcome === 'applied').map((arrival) => arrival.sequence));
      return applied.size === lastSequence ? true : undefined;
    });
    return lastSequence;
  }

  beforeAll(async () => {
    scimitar = await build(WEBHOOK_ENV);
    await scimitar.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    scimitarOrigin = `http://127.0.0.1:${(scimitar.scimitar.app.server.address() as AddressInfo).port}`;
    adminKey = (await scimitar.scimitar.adminKeys.create('session-revocation example')).key;

    receiverPort = await freePort();
    receiverOrigin = `http://127.0.0.1:${receiverPort}`;
    const response = await fetch(`${scimitarOrigin}/admin/v1/tenants/${TENANT}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiverOrigin}${WEBHOOK_PATH}`, description: 'session-revocation example' }),
    });
    const created = (await response.json()) as Record<string, any>;
    expect(response.status, JSON.stringify(created)).toBe(201);
    webhookId = created['id'] as string;
    secret = created['secret'] as string;
    expect(secret).toMatch(/^whsec_/);
    await startReceiver();
  });

  afterAll(async () => {
    await stopReceiver();
    await scimitar?.close();
  });

  it('revokes the session of a user deactivated over SCIM', async () => {
    const userId = await createUser('deactivated@example.com');
    const bystanderId = await createUser('bystander@example.com');
    const token = await openSession(userId);
    const bystanderToken = await openSession(bystanderId);
    expect(await me(token)).toBe(200);

    const sent = performance.now();
    expect((await patchUser(userId, 'active', false)).status).toBe(200);
    await waitFor('the session to be revoked', async () => ((await me(token)) === 401 ? true : undefined));
    const latencyMs = performance.now() - sent;
    console.log(`[session-revocation] PATCH active=false → /me answers 401 after ${latencyMs.toFixed(0)} ms`);

    expect(await me(bystanderToken)).toBe(200);
    const deactivation = (await eventsSeen()).find((arrival) => arrival.resourceId === userId && arrival.type === 'user.deactivated');
    expect(deactivation?.outcome).toBe('applied');
  });

  it('revokes every session of a user deleted over SCIM', async () => {
    const userId = await createUser('deleted@example.com');
    const tokens = [await openSession(userId), await openSession(userId)];
    expect((await scim('DELETE', `/Users/${userId}`)).status).toBe(204);
    for (const token of tokens) await waitFor('the session to be revoked', async () => ((await me(token)) === 401 ? true : undefined));
  });

  it('refuses a forged or stale delivery with 401 and revokes nothing', async () => {
    const userId = await createUser('target@example.com');
    const token = await openSession(userId);
    await allDelivered();
    const arrivalsBefore = (await eventsSeen()).length;

    const eventId = `forged-${randomBytes(4).toString('hex')}`;
    const body = JSON.stringify({
      id: eventId,
      type: 'user.deleted',
      timestamp: new Date().toISOString(),
      tenant: TENANT,
      sequence: 1_000_000,
      resourceType: 'User',
      resourceId: userId,
      externalId: null,
      data: { resource: { id: userId } },
    });
    const post = (signer: Webhook, at: Date) =>
      fetch(`${receiverOrigin}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': eventId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(eventId, at, body),
        },
        body,
      });
    // Signed with a secret other than the webhook's.
    expect((await post(new Webhook(`whsec_${randomBytes(32).toString('base64')}`), new Date())).status).toBe(401);
    // Signed with the right secret, but ten minutes ago: a replay.
    expect((await post(new Webhook(secret), new Date(Date.now() - 10 * 60_000))).status).toBe(401);

    expect(await me(token)).toBe(200);
    expect((await eventsSeen()).length).toBe(arrivalsBefore);
  });

  it('applies a delivery received twice (same webhook-id) once', async () => {
    const userId = await createUser('twice@example.com');
    await openSession(userId);
    expect((await patchUser(userId, 'active', false)).status).toBe(200);
    const original = await waitFor('the deactivation delivery', async () =>
      captured.find((delivery) => {
        const event = JSON.parse(delivery.body.toString('utf8')) as { type: string; resourceId: string };
        return event.type === 'user.deactivated' && event.resourceId === userId;
      }),
    );
    expect((await patchUser(userId, 'active', true)).status).toBe(200);
    await allDelivered();
    const laterToken = await openSession(userId);

    // The deactivation again, byte for byte: what a retry whose first answer was lost looks like.
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) headers[name] = original.headers[name] as string;
    const repeated = await fetch(`${receiverOrigin}${WEBHOOK_PATH}`, { method: 'POST', headers, body: original.body });
    expect(repeated.status).toBe(204);

    expect(await me(laterToken)).toBe(200);
    const arrivals = (await eventsSeen()).filter((arrival) => arrival.webhookId === original.headers['webhook-id']);
    expect(arrivals.map((arrival) => arrival.outcome)).toEqual(['applied', 'duplicate']);
  });

  it('receives every event missed while it was off, in order, once', async () => {
    const stayingId = await createUser('staying@example.com');
    const leavingId = await createUser('leaving@example.com');
    const stayingToken = await openSession(stayingId);
    const leavingToken = await openSession(leavingId);
    const before = await allDelivered();

    await stopReceiver();
    expect((await patchUser(stayingId, 'active', false)).status).toBe(200);
    expect((await patchUser(stayingId, 'active', true)).status).toBe(200);
    expect((await patchUser(stayingId, 'displayName', 'Still Here')).status).toBe(200);
    expect((await patchUser(leavingId, 'active', false)).status).toBe(200);
    const missed = await scimitar.scimitar.store.events.listEvents(TENANT, before, 100);
    expect(missed.map((event) => [event.resourceId, event.type])).toEqual([
      [stayingId, 'user.deactivated'],
      [stayingId, 'user.reactivated'],
      [stayingId, 'user.updated'],
      [leavingId, 'user.deactivated'],
    ]);

    // Off for a while: until the first pending delivery of each user was refused, retried, and refused again.
    const refused = await waitFor('refused and retried deliveries', async () => {
      const pending = await scimitar.scimitar.store.webhooks.listDeliveries(webhookId, { status: 'pending', limit: 100, afterSequence: before });
      const heads = [stayingId, leavingId].map((resourceId) => pending.find((delivery) => delivery.resourceId === resourceId));
      return heads.every((delivery) => delivery !== undefined && delivery.attempts >= 2) ? pending : undefined;
    });
    console.log(
      `[session-revocation] while off: attempts per pending delivery ${refused.map((delivery) => `${delivery.sequence}:${delivery.attempts}`).join(', ')}; ` +
        `last error: ${refused.find((delivery) => delivery.lastError !== undefined)?.lastError}`,
    );
    expect(await me(stayingToken).catch(() => 'refused')).toBe('refused');

    await startReceiver();
    await waitFor('every missed delivery to succeed', async () => {
      const deliveries = await scimitar.scimitar.store.webhooks.listDeliveries(webhookId, { status: undefined, limit: 100, afterSequence: before });
      return deliveries.length === missed.length && deliveries.every((delivery) => delivery.status === 'succeeded') ? true : undefined;
    });

    const arrived = (await eventsSeen()).filter((arrival) => arrival.sequence > before);
    console.log(`[session-revocation] after restart, arrival order: ${arrived.map((arrival) => `${arrival.sequence} ${arrival.type}`).join(', ')}`);
    // Once: each missed event arrived exactly one time, and was applied.
    expect(arrived.map((arrival) => arrival.eventId).sort()).toEqual(missed.map((event) => event.id).sort());
    expect(arrived.every((arrival) => arrival.outcome === 'applied')).toBe(true);
    // In order: Scimitar keeps commit order per resource.
    for (const resourceId of [stayingId, leavingId]) {
      const sequences = arrived.filter((arrival) => arrival.resourceId === resourceId).map((arrival) => arrival.sequence);
      expect(sequences).toEqual([...sequences].sort((left, right) => left - right));
    }

    // Both deactivations took effect on return; the reactivation lets the user log in again.
    expect(await me(stayingToken)).toBe(401);
    expect(await me(leavingToken)).toBe(401);
    expect(await me(await openSession(stayingId))).toBe(200);
  });
});
