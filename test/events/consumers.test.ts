/**
 * Durable in-process consumers (scimitar.events.consume): events handed over
 * after commit, at least once, in order per resource; a throwing handler
 * retried, then the event parked and replayable through the admin API
 * without holding back other resources; a stopped consumer catching up from
 * its cursor, with retention keeping what it has not taken. Runs on every
 * store (vitest.config.ts).
 *
 * The tests share one server, and a new consumer reads every event still
 * retained: each handler looks only at its own test's users.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerHandle } from '../../src/consumers/consumer.js';
import type { ScimitarEvent } from '../../src/events/event.js';
import { build, type TestServer } from '../helpers/build.js';
import { createUser, createGroup, expectStatus, patchBody, userBody } from '../http/support.js';
import { adminClient, expectJson, type AdminClient } from '../admin/support.js';

/** Quick retries and polls, so the suite waits milliseconds instead of seconds. */
const QUICK = { SCIMITAR_WEBHOOK_RETRY_BASE_MS: '10', SCIMITAR_WEBHOOK_RETRY_MAX_MS: '40', SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '50' };
/** Whether the event is about a user of this test (named with its prefix). */
function about(event: ScimitarEvent, prefix: string): boolean {
  return String(event.data.resource['userName']).startsWith(prefix);
}

const USER_TYPES = ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted', 'user.roles_changed'] as const;

function deactivate(server: TestServer, id: unknown) {
  return server.request({ method: 'PATCH', url: `/scim/v2/Users/${String(id)}`, body: patchBody({ op: 'replace', path: 'active', value: false }) });
}

function reactivate(server: TestServer, id: unknown) {
  return server.request({ method: 'PATCH', url: `/scim/v2/Users/${String(id)}`, body: patchBody({ op: 'replace', path: 'active', value: true }) });
}

describe('durable in-process consumers', () => {
  let server: TestServer;
  let admin: AdminClient;
  const handles: ConsumerHandle[] = [];

  beforeAll(async () => {
    server = await build(QUICK, { deliverWebhooks: false });
    admin = await adminClient(server);
  });
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.stop();
  });
  afterAll(async () => {
    await server.close();
  });

  function consume(options: Parameters<TestServer['scimitar']['events']['consume']>[0]): ConsumerHandle {
    const handle = server.scimitar.events.consume(options);
    handles.push(handle);
    return handle;
  }

  it('hands over each committed event of the asked types once, with its id and sequence, in order per resource', async () => {
    const received: ScimitarEvent[] = [];
    consume({ name: 'in-order', types: [...USER_TYPES], handler: (event) => void (about(event, 'order-') && received.push(event)) });
    const users = [];
    for (let index = 0; index < 4; index += 1) users.push(await createUser(server, `order-${index}@example.com`));
    for (const user of users) expectStatus(await deactivate(server, user['id']), 200);
    for (const user of users) expectStatus(await reactivate(server, user['id']), 200);
    for (const user of users) expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${String(user['id'])}` }), 204);
    await createGroup(server, 'not-asked-for');

    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(16);
    expect(new Set(received.map((event) => event.id)).size).toBe(16);
    expect(received.every((event) => event.type.startsWith('user.') && Number.isSafeInteger(event.sequence))).toBe(true);
    for (const user of users) {
      const ofUser = received.filter((event) => event.resourceId === user['id']);
      expect(ofUser.map((event) => event.type)).toEqual(['user.created', 'user.deactivated', 'user.reactivated', 'user.deleted']);
      expect(ofUser.map((event) => event.sequence)).toEqual([...ofUser.map((event) => event.sequence)].sort((left, right) => left - right));
    }
    // The outbox holds exactly what the consumer was given.
    const stored = await server.scimitar.store.events.listEvents('default', 0, 1000);
    for (const event of received) expect(stored.find((candidate) => candidate.id === event.id)).toEqual(event);
  });

  it('retries a handler that throws, with backoff, until it succeeds; every call is recorded', async () => {
    let calls = 0;
    const done: string[] = [];
    consume({
      name: 'flaky',
      types: ['user.created'],
      handler: (event) => {
        if (!about(event, 'flaky@')) return;
        calls += 1;
        if (calls <= 2) throw new Error(`the auth system is busy (call ${calls})`);
        done.push(event.id);
      },
    });
    await createUser(server, 'flaky@example.com');
    await expect.poll(() => done.length, { timeout: 20_000 }).toBe(1);
    expect(calls).toBe(3);
    // The handler returned before its success was recorded: wait for the record, not for the call.
    const findDelivery = async () =>
      expectJson(await admin.request('GET', '/tenants/default/consumers/flaky/deliveries'), 200)['deliveries'].find(
        (candidate: { eventId: string }) => candidate.eventId === done[0],
      );
    await expect.poll(async () => (await findDelivery())?.status, { timeout: 20_000 }).toBe('succeeded');
    const delivery = await findDelivery();
    expect(delivery).toMatchObject({ consumer: 'flaky', status: 'succeeded', attemptCount: 3 });
    const details = expectJson(await admin.request('GET', `/tenants/default/consumers/flaky/deliveries/${delivery.id}`), 200);
    expect(details['attempts'].map((attempt: { error: string | null }) => attempt.error)).toEqual([
      'Error: the auth system is busy (call 1)',
      'Error: the auth system is busy (call 2)',
      null,
    ]);
    expect(details['event']['id']).toBe(done[0]);
  });

  it('parks an event after maxAttempts without holding back other resources, and hands it over again on replay', async () => {
    let broken = true;
    const handled: ScimitarEvent[] = [];
    const calls = new Map<string, number>();
    consume({
      name: 'parking',
      types: ['user.created', 'user.deactivated'],
      maxAttempts: 3,
      handler: (event) => {
        if (!about(event, 'poison@') && !about(event, 'healthy@')) return;
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        if (broken && event.data.resource['userName'] === 'poison@example.com' && event.type === 'user.created') throw new TypeError('cannot map this user');
        handled.push(event);
      },
    });
    const poison = await createUser(server, 'poison@example.com');
    const healthy = await createUser(server, 'healthy@example.com');
    expectStatus(await deactivate(server, healthy['id']), 200);

    const parked = async () => expectJson(await admin.request('GET', '/tenants/default/consumers/parking/deliveries?status=failed'), 200)['deliveries'];
    await expect.poll(async () => (await parked()).length, { timeout: 20_000 }).toBe(1);
    const [delivery] = await parked();
    expect(delivery).toMatchObject({ consumer: 'parking', resourceId: poison['id'], eventType: 'user.created', attemptCount: 3 });
    expect(calls.get(delivery.eventId)).toBe(3);
    // The other user's events went through meanwhile, in order.
    await expect.poll(() => handled.filter((event) => event.resourceId === healthy['id']).map((event) => event.type), { timeout: 20_000 }).toEqual(['user.created', 'user.deactivated']);
    // A later event of the parked user is not held back either.
    expectStatus(await deactivate(server, poison['id']), 200);
    await expect.poll(() => handled.some((event) => event.resourceId === poison['id'] && event.type === 'user.deactivated'), { timeout: 20_000 }).toBe(true);

    broken = false;
    const replayed = expectJson(await admin.request('POST', `/tenants/default/consumers/parking/deliveries/${delivery.id}/replay`), 200);
    expect(replayed).toMatchObject({ id: delivery.id, status: 'pending' });
    await expect.poll(() => handled.some((event) => event.id === delivery.eventId), { timeout: 20_000 }).toBe(true);
    expect(calls.get(delivery.eventId)).toBe(4);
    expect(await parked()).toEqual([]);
  });

  it('a stopped consumer catches up from its cursor, and retention keeps what it has not taken', async () => {
    const first: ScimitarEvent[] = [];
    const before = consume({ name: 'catch-up', types: ['user.created'], handler: (event) => void (about(event, 'before-stop@') && first.push(event)) });
    await createUser(server, 'before-stop@example.com');
    await expect.poll(() => first.length, { timeout: 20_000 }).toBe(1);
    await before.stop();

    const missed = [];
    for (let index = 0; index < 3; index += 1) missed.push(await createUser(server, `while-stopped-${index}@example.com`));
    // Retention far past every event: only what a cursor has not taken stays.
    await server.scimitar.store.events.prune(new Date(Date.now() + 365 * 86_400_000).toISOString());

    const second: ScimitarEvent[] = [];
    consume({ name: 'catch-up', types: ['user.created'], handler: (event) => void (about(event, 'while-stopped-') && second.push(event)) });
    await expect.poll(() => second.map((event) => event.resourceId).sort(), { timeout: 20_000 }).toEqual(missed.map((user) => user['id']).sort());
    expect(first).toHaveLength(1);
  });

  it('reads tenants created after it started, and lists its cursor per tenant', async () => {
    const received: ScimitarEvent[] = [];
    consume({ name: 'every-tenant', types: ['user.created'], handler: (event) => void received.push(event) });
    const token = expectJson(await admin.request('POST', '/tenants', { id: 'later', name: 'Created later' }), 201)['token'] as string;
    const created = await server.scimitar.app.inject({
      method: 'POST',
      url: '/t/later/scim/v2/Users',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify(userBody('in-later@example.com')),
    });
    expect(created.statusCode, created.body).toBe(201);
    await expect.poll(() => received.filter((event) => event.tenant === 'later').length, { timeout: 20_000 }).toBe(1);
    const listed = expectJson(await admin.request('GET', '/tenants/later/consumers'), 200)['consumers'];
    expect(listed.find((consumer: { name: string }) => consumer.name === 'every-tenant')).toMatchObject({ tenant: 'later', eventTypes: ['user.created'], cursor: 1 });
  });

  it('refuses a second consumer of the same name in one process, and unknown event types', () => {
    consume({ name: 'unique', handler: () => undefined });
    expect(() => server.scimitar.events.consume({ name: 'unique', handler: () => undefined })).toThrow(TypeError);
    expect(() => server.scimitar.events.consume({ name: 'typo', types: ['user.creatd' as 'user.created'], handler: () => undefined })).toThrow(/unknown event types: user\.creatd/);
  });

  it('answers 404 in the admin error format for an unknown consumer', async () => {
    const response = await admin.request('GET', '/tenants/default/consumers/nobody/deliveries');
    expect(expectJson(response, 404)).toMatchObject({ status: 404 });
  });
});
