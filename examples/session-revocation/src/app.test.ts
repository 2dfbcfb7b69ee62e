import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReceiverApp, WEBHOOK_PATH } from './app.js';
import { MemoryEventLedger } from './event-ledger.js';
import { MemorySessionStore } from './session-store.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const signer = new Webhook(SECRET);

function eventBody(sequence: number, type: string, resourceId: string): string {
  return JSON.stringify({
    id: `evt_${sequence}`,
    type,
    timestamp: new Date().toISOString(),
    tenant: 'default',
    sequence,
    resourceType: 'User',
    resourceId,
    externalId: null,
    data: { resource: { id: resourceId, active: type !== 'user.deactivated' } },
  });
}

function signedHeaders(webhookId: string, body: string, contentType = 'application/json'): Record<string, string> {
  const now = new Date();
  return {
    'content-type': contentType,
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signer.sign(webhookId, now, body),
  };
}

describe('the session-revocation app', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    app = await buildReceiverApp({ secret: SECRET, sessions: new MemorySessionStore(), ledger: new MemoryEventLedger() });
  });
  afterEach(() => app.close());

  async function openSession(scimId: string): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/sessions', payload: { scimId } });
    expect(response.statusCode).toBe(201);
    return response.json<{ token: string }>().token;
  }

  async function me(token: string): Promise<number> {
    return (await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
  }

  it('opens sessions and answers /me with 200 for a session and 401 without one', async () => {
    const token = await openSession('u1');
    expect((await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } })).json()).toEqual({ scimId: 'u1' });
    expect(await me('not-a-token')).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/me' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/sessions', payload: {} })).statusCode).toBe(400);
  });

  it('revokes the sessions of a deactivated user on a signed delivery, answering 204', async () => {
    const token = await openSession('u1');
    const body = eventBody(1, 'user.deactivated', 'u1');
    const response = await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: signedHeaders('evt_1', body), payload: body });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await me(token)).toBe(401);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/webhook+json'])(
    'verifies the exact bytes received as %s',
    async (contentType) => {
      // Whitespace a JSON parser would drop: verifying re-serialised JSON would fail here.
      const body = eventBody(1, 'user.deleted', 'u1').replace('{', '{ \n');
      const response = await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: signedHeaders('evt_1', body, contentType), payload: body });
      expect(response.statusCode).toBe(204);
    },
  );

  it('refuses a forged or stale signature with 401 and revokes nothing', async () => {
    const token = await openSession('u1');
    const body = eventBody(1, 'user.deactivated', 'u1');
    const forged = new Webhook(`whsec_${randomBytes(24).toString('base64')}`);
    const now = new Date();
    const forgedHeaders = { ...signedHeaders('evt_1', body), 'webhook-signature': forged.sign('evt_1', now, body) };
    expect((await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: forgedHeaders, payload: body })).statusCode).toBe(401);

    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const staleHeaders = {
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(tenMinutesAgo.getTime() / 1000)),
      'webhook-signature': signer.sign('evt_1', tenMinutesAgo, body),
    };
    expect((await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: staleHeaders, payload: body })).statusCode).toBe(401);

    const tampered = body.replace('"u1"', '"u2"');
    expect((await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: signedHeaders('evt_1', body), payload: tampered })).statusCode).toBe(401);

    expect(await me(token)).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/events-seen' })).json()).toEqual({ events: [] });
  });

  it('applies a redelivery once and lists every arrival in order', async () => {
    await openSession('u1');
    for (const [webhookId, body] of [
      ['evt_1', eventBody(1, 'user.deactivated', 'u1')],
      ['evt_1', eventBody(1, 'user.deactivated', 'u1')],
      ['evt_2', eventBody(2, 'user.reactivated', 'u1')],
    ] as const) {
      expect((await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: signedHeaders(webhookId, body), payload: body })).statusCode).toBe(204);
    }
    const seen = (await app.inject({ method: 'GET', url: '/events-seen' })).json<{ events: { eventId: string; outcome: string }[] }>();
    expect(seen.events.map((arrival) => [arrival.eventId, arrival.outcome])).toEqual([
      ['evt_1', 'applied'],
      ['evt_1', 'duplicate'],
      ['evt_2', 'applied'],
    ]);
  });

  it('answers 400 to a validly signed body that is not a Scimitar event', async () => {
    for (const body of ['not json', '[]', JSON.stringify({ id: 'evt_1', type: 'user.deleted', tenant: 'default', sequence: 0, resourceType: 'User', resourceId: 'u1' })]) {
      const response = await app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: signedHeaders('evt_1', body), payload: body });
      expect(response.statusCode, body).toBe(400);
    }
  });
});
