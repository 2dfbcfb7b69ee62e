/**
 * Webhooks that take several events per request (`maxEventsPerRequest`
 * above 1), end to end below HTTP management: real stores, the real
 * dispatcher and sender, and a real receiver on 127.0.0.1 that verifies
 * each request with the Standard Webhooks reference library, as a receiver
 * would. The clock starts at the real time (the library refuses timestamps
 * more than five minutes off) and is moved by hand for retries.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookSettings } from '../../src/config/config.js';
import type { ScimitarEvent } from '../../src/events/event.js';
import type { Store } from '../../src/store/store.js';
import { createWebhookDispatcher, retrySettingsOf } from '../../src/webhooks/create-dispatcher.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { SecretBox } from '../../src/webhooks/secret-box.js';
import { WebhookService } from '../../src/webhooks/webhook-service.js';
import { commitEvents, dispatcherStoppingSoon, silentLogger, TEST_WEBHOOK_SETTINGS, ManualClock, openTestStore, Receiver, storeKinds, TENANT, type OpenedStore, type ReceivedRequest } from './support.js';

const kinds = await storeKinds();
const SERVER_SECRET = 'webhook-batch-test-secret-0123456789abcdef';


/** The request as the reference library verifies it: throws unless signed with `secret`; returns the parsed body. */
function verified(secret: string, request: ReceivedRequest): unknown {
  const header = (name: string) => String(request.headers[name]);
  return new Webhook(secret).verify(request.body, { 'webhook-id': header('webhook-id'), 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') });
}

/** The events of a request that carried an array. */
function eventsOf(request: ReceivedRequest): ScimitarEvent[] {
  const body = JSON.parse(request.body) as unknown;
  expect(Array.isArray(body)).toBe(true);
  return body as ScimitarEvent[];
}

describe.each(kinds)('webhook deliveries of several events per request on %s', (kind) => {
  let opened: OpenedStore;
  let store: Store;
  let receiver: Receiver;
  let clock: ManualClock;
  let service: WebhookService;
  const dispatchers: WebhookDispatcher[] = [];

  function dispatcher(settings: Partial<WebhookSettings> = {}, random: () => number = () => 0.5): WebhookDispatcher {
    const created = createWebhookDispatcher({
      webhooks: store.webhooks,
      notifier: undefined,
      serverSecret: SERVER_SECRET,
      settings: { ...TEST_WEBHOOK_SETTINGS, ...settings },
      retentionDays: 7,
      now: clock.now,
      logger: silentLogger,
      random,
    });
    dispatchers.push(created);
    return created;
  }

  beforeEach(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    await store.tenants.ensureTenant(TENANT, 'Acme', new Date().toISOString());
    receiver = await new Receiver().listen();
    clock = new ManualClock(new Date());
    service = new WebhookService({
      webhooks: store.webhooks,
      tenants: store.tenants,
      secrets: new SecretBox(SERVER_SECRET),
      urlPolicy: { allowHttp: true, allowPrivate: true, allowedHosts: [] },
      now: clock.now,
    });
  });
  afterEach(async () => {
    for (const created of dispatchers.splice(0)) await created.stop();
    await receiver.close();
    await opened.close();
  });

  it('POSTs up to N events per request as a JSON array of the stored events, in order, signed over the whole body; a webhook left at 1 gets each event alone as before', async () => {
    const batched = await service.create(TENANT, { url: receiver.url('/batched'), maxEventsPerRequest: 5 });
    const single = await service.create(TENANT, { url: receiver.url('/single') });
    expect(batched.webhook.maxEventsPerRequest).toBe(5);
    expect(single.webhook.maxEventsPerRequest).toBe(1);
    const events = await commitEvents(store, Array.from({ length: 12 }, () => ({ type: 'user.created' as const })));
    // One slot: the twelve claimed together leave in requests of five, five and two.
    await dispatcher({ concurrency: 1 }).drain();

    const batches = receiver.received.filter((request) => request.url === '/batched');
    expect(batches.map((request) => eventsOf(request).length)).toEqual([5, 5, 2]);
    for (const request of batches) {
      // The reference library accepts the signature, and what it parses is the array sent.
      expect(verified(batched.secret, request)).toEqual(eventsOf(request));
      expect(() => verified(single.secret, request)).toThrow();
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/^Scimitar-Webhooks\//);
      expect(String(request.headers['webhook-id'])).toMatch(/^batch_[A-Za-z0-9_-]{43}$/);
    }
    expect(new Set(batches.map((request) => request.headers['webhook-id'])).size).toBe(3);
    // Each element is the event exactly as stored, and together they are every event in sequence order.
    expect(batches.flatMap(eventsOf)).toEqual(events);
    expect(batches[0]!.body).toBe(`[${events.slice(0, 5).map((event) => JSON.stringify(event)).join(',')}]`);

    const singles = receiver.received.filter((request) => request.url === '/single');
    expect(singles).toHaveLength(12);
    expect(singles.map((request) => verified(single.secret, request))).toEqual(events);
    expect(singles.map((request) => request.headers['webhook-id'])).toEqual(events.map((event) => event.id));

    for (const { webhook } of [batched, single]) {
      const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
      expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual(Array.from({ length: 12 }, () => ['succeeded', 1]));
    }
  });

  it('sends an array even when one event is due, and several requests at once up to the concurrency', async () => {
    const { secret } = await service.create(TENANT, { url: receiver.url(), maxEventsPerRequest: 4 });
    const [lone] = await commitEvents(store, [{}]);
    const run = dispatcher({ concurrency: 2 });
    await run.drain();
    expect(receiver.received).toHaveLength(1);
    expect(verified(secret, receiver.received[0]!)).toEqual([lone]);

    let outstanding = 0;
    let most = 0;
    receiver.respond = () => {
      outstanding += 1;
      most = Math.max(most, outstanding);
      setTimeout(() => (outstanding -= 1), 100);
      return { status: 204, delayMs: 100 };
    };
    await commitEvents(store, Array.from({ length: 16 }, () => ({})));
    await run.drain();
    const later = receiver.received.slice(1);
    expect(later.map((request) => eventsOf(request).length).reduce((sum, length) => sum + length, 0)).toBe(16);
    expect(later.every((request) => eventsOf(request).length <= 4)).toBe(true);
    expect(most).toBe(2);
  });

  it('keeps order per resource: a request never carries two events of one resource, and a resource’s next event goes only after the last was recorded', async () => {
    await service.create(TENANT, { url: receiver.url(), maxEventsPerRequest: 10 });
    const resources = ['alice', 'bob', 'alice', 'carol', 'alice', 'bob', 'carol', 'dave'];
    await commitEvents(store, resources.map((resourceId) => ({ resourceId })));
    await dispatcher().drain();
    const requests = receiver.received.map((request) => eventsOf(request).map((event) => [event.resourceId, event.sequence] as const));
    expect(requests).toEqual([
      [
        ['alice', 1],
        ['bob', 2],
        ['carol', 4],
        ['dave', 8],
      ],
      [
        ['alice', 3],
        ['bob', 6],
        ['carol', 7],
      ],
      [['alice', 5]],
    ]);
  });

  it('retries the whole set when the receiver fails it: the same events in the same order under the same webhook-id, each delivery recording every attempt', async () => {
    const { webhook, secret } = await service.create(TENANT, { url: receiver.url(), maxEventsPerRequest: 10 });
    receiver.respond = (_request, index) => (index < 2 ? { status: 503, body: `down ${index}` } : { status: 200, body: 'ok' });
    const events = await commitEvents(store, Array.from({ length: 4 }, () => ({})));
    // A different jitter each draw: the set still comes due at one instant, because a request's deliveries share one.
    let draws = 0;
    const run = dispatcher({}, () => [0.2, 0.9, 0.5, 0.7][draws++ % 4]!);
    await run.drain();
    for (let round = 0; round < 2; round += 1) {
      const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
      expect(deliveries.map((delivery) => delivery.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
      expect(new Set(deliveries.map((delivery) => delivery.nextAttemptAt)).size).toBe(1);
      clock.advance(Date.parse(deliveries[0]!.nextAttemptAt) - clock.now().getTime());
      await run.drain();
    }
    expect(receiver.received).toHaveLength(3);
    for (const request of receiver.received) expect(verified(secret, request)).toEqual(events);
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);

    const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
    for (const delivery of deliveries) {
      const details = await service.getDelivery(TENANT, webhook.id, delivery.id);
      expect(details.delivery).toMatchObject({ status: 'succeeded', attempts: 3 });
      expect(details.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.responseExcerpt])).toEqual([
        [1, 503, 'down 0'],
        [2, 503, 'down 1'],
        [3, 200, 'ok'],
      ]);
    }
  });

  it('fails every delivery of a request answered 410 Gone and disables the webhook once, saying why', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url(), maxEventsPerRequest: 10 });
    receiver.respond = () => ({ status: 410 });
    await commitEvents(store, [{}, {}, {}]);
    await dispatcher().drain();
    expect(receiver.received).toHaveLength(1);
    const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
    expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['failed', 1],
    ]);
    const gone = await service.get(TENANT, webhook.id);
    expect(gone.enabled).toBe(false);
    expect(gone.disabledReason).toMatch(/410 Gone/);
  });

  it('on stop, aborts a hanging request unrecorded and releases the claims of every delivery it carried', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url(), maxEventsPerRequest: 10 });
    receiver.respond = () => ({ status: 200, hang: true });
    const stopping = dispatcherStoppingSoon(store, { serverSecret: SERVER_SECRET, retry: retrySettingsOf(TEST_WEBHOOK_SETTINGS), now: clock.now });
    dispatchers.push(stopping);
    await commitEvents(store, [{}, {}, {}]);
    stopping.start();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    expect(eventsOf(receiver.received[0]!)).toHaveLength(3);
    expect(stopping.inFlightCount).toBe(3);
    await stopping.stop();
    expect(stopping.inFlightCount).toBe(0);
    const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
    expect(deliveries.map((delivery) => [delivery.status, delivery.attempts, delivery.claimedUntil])).toEqual([
      ['pending', 0, undefined],
      ['pending', 0, undefined],
      ['pending', 0, undefined],
    ]);
  });
});
