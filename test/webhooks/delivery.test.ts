/**
 * Webhook delivery end to end below HTTP management: real stores (SQLite and
 * PostgreSQL), the real dispatcher and sender, and a real receiver on
 * 127.0.0.1. Time is a manual clock and retry jitter fixed, so retries and
 * secret overlaps are stepped through without waiting.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookSettings } from '../../src/config/config.js';
import { EventNotifier } from '../../src/events/notifier.js';
import type { Store } from '../../src/store/store.js';
import { createWebhookDispatcher, retrySettingsOf } from '../../src/webhooks/create-dispatcher.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { SecretBox } from '../../src/webhooks/secret-box.js';
import { WebhookService } from '../../src/webhooks/webhook-service.js';
import { commitEvents, dispatcherStoppingSoon, silentLogger, TEST_WEBHOOK_SETTINGS, ManualClock, openTestStore, Receiver, storeKinds, TENANT, verifiesWith, type OpenedStore } from './support.js';

const kinds = await storeKinds();
const SERVER_SECRET = 'webhook-delivery-test-secret-0123456789abcdef';


describe.each(kinds)('webhook delivery on %s', (kind) => {
  let opened: OpenedStore;
  let store: Store;
  let receiver: Receiver;
  let clock: ManualClock;
  let service: WebhookService;
  const dispatchers: WebhookDispatcher[] = [];

  function dispatcher(settings: Partial<WebhookSettings> = {}, notifier?: EventNotifier): WebhookDispatcher {
    const created = createWebhookDispatcher({
      webhooks: store.webhooks,
      notifier,
      serverSecret: SERVER_SECRET,
      settings: { ...TEST_WEBHOOK_SETTINGS, ...settings },
      retentionDays: 7,
      now: clock.now,
      logger: silentLogger,
      // Half the backoff bound each time: deterministic, and still jittered in shape.
      random: () => 0.5,
    });
    dispatchers.push(created);
    return created;
  }

  beforeEach(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    await store.tenants.ensureTenant(TENANT, 'Acme', new Date().toISOString());
    receiver = await new Receiver().listen();
    clock = new ManualClock();
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

  it('POSTs the stored event, signed per Standard Webhooks (verified by an independent HMAC), with its headers', async () => {
    const { webhook, secret } = await service.create(TENANT, { url: receiver.url() });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const [event] = await commitEvents(store, [{ type: 'user.created' }]);
    await dispatcher().drain();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/hook');
    expect(JSON.parse(request!.body)).toEqual(event);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^Scimitar-Webhooks\/\d+\.\d+\.\d+/);
    expect(request!.headers['webhook-id']).toBe(event!.id);
    expect(request!.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now().getTime() / 1000)));
    expect(String(request!.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifiesWith(secret, request!)).toBe(true);
    expect(verifiesWith(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, request!)).toBe(false);
    const [delivery] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('signs with both secrets during a rotation’s overlap, then with the new one only', async () => {
    const { webhook, secret: oldSecret } = await service.create(TENANT, { url: receiver.url() });
    const rotated = await service.rotateSecret(TENANT, webhook.id, { overlapSeconds: 3600 });
    expect(rotated.previousSecretExpiresAt).toBe(new Date(clock.now().getTime() + 3_600_000).toISOString());
    await commitEvents(store, [{}]);
    const run = dispatcher();
    await run.drain();
    const during = receiver.received[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiesWith(oldSecret, during)).toBe(true);
    expect(verifiesWith(rotated.secret, during)).toBe(true);

    clock.advance(3_600_000);
    await commitEvents(store, [{}]);
    await run.drain();
    const after = receiver.received[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifiesWith(rotated.secret, after)).toBe(true);
    expect(verifiesWith(oldSecret, after)).toBe(false);
  });

  it('retries with backoff against a receiver that fails three times, recording every attempt', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    receiver.respond = (_request, index) => (index < 3 ? { status: 503, body: `down ${index}` } : { status: 200, body: 'ok' });
    await commitEvents(store, [{}]);
    const run = dispatcher();
    await run.drain();
    const waits: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const [pending] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
      expect(pending!.status).toBe('pending');
      const wait = Date.parse(pending!.nextAttemptAt) - clock.now().getTime();
      waits.push(wait);
      clock.advance(wait - 1);
      await run.drain();
      // Not yet due: nothing sent.
      expect(receiver.received).toHaveLength(round + 1);
      clock.advance(1);
      await run.drain();
    }
    // Full jitter at 0.5 of a bound that doubles from the 1 s base.
    expect(waits).toEqual([500, 1_000, 2_000]);
    expect(receiver.received).toHaveLength(4);
    const [delivery] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
    const details = await service.getDelivery(TENANT, webhook.id, delivery!.id);
    expect(details.delivery).toMatchObject({ status: 'succeeded', attempts: 4 });
    expect(details.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.responseExcerpt])).toEqual([
      [1, 503, 'down 0'],
      [2, 503, 'down 1'],
      [3, 503, 'down 2'],
      [4, 200, 'ok'],
    ]);
    for (const attempt of details.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    // Every retry carries the same webhook-id: receivers deduplicate on it.
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('keeps order per resource while another resource’s deliveries go ahead', async () => {
    await service.create(TENANT, { url: receiver.url() });
    let aliceFailures = 0;
    receiver.respond = (request) => {
      const event = JSON.parse(request.body) as { resourceId: string; sequence: number };
      if (event.resourceId === 'alice' && event.sequence === 1 && aliceFailures < 2) {
        aliceFailures += 1;
        return { status: 500 };
      }
      return { status: 204 };
    };
    await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'bob' }, { resourceId: 'alice' }, { resourceId: 'bob' }, { resourceId: 'alice' }]);
    const run = dispatcher();
    await run.drain();
    // Bob's two went out; alice's first failed and holds her later ones back.
    const delivered = () => receiver.received.map((request) => JSON.parse(request.body) as { resourceId: string; sequence: number });
    expect(delivered().filter((event) => event.resourceId === 'bob').map((event) => event.sequence)).toEqual([2, 4]);
    expect(delivered().filter((event) => event.resourceId === 'alice').map((event) => event.sequence)).toEqual([1]);
    for (let round = 0; round < 3; round += 1) {
      clock.advance(60_000);
      await run.drain();
    }
    expect(delivered().filter((event) => event.resourceId === 'alice').map((event) => event.sequence)).toEqual([1, 1, 1, 3, 5]);
  });

  it('claims many deliveries at once and sends each webhook at most `concurrency` of them at a time, then records every attempt', async () => {
    const first = await service.create(TENANT, { url: receiver.url('/first') });
    const second = await service.create(TENANT, { url: receiver.url('/second') });
    // Per path: requests answered later than they arrived. A slot is freed only after its answer, so the most outstanding at an arrival is the most sent at once.
    const outstanding = new Map<string, number>();
    const most = new Map<string, number>();
    receiver.respond = (request) => {
      const now = (outstanding.get(request.url) ?? 0) + 1;
      outstanding.set(request.url, now);
      most.set(request.url, Math.max(most.get(request.url) ?? 0, now));
      setTimeout(() => outstanding.set(request.url, outstanding.get(request.url)! - 1), 100);
      return { status: 204, delayMs: 100 };
    };
    await commitEvents(store, Array.from({ length: 12 }, () => ({})));
    const run = dispatcher({ concurrency: 3 });
    await run.drain();
    expect(receiver.received.filter((request) => request.url === '/first')).toHaveLength(12);
    expect(receiver.received.filter((request) => request.url === '/second')).toHaveLength(12);
    expect(most.get('/first')).toBe(3);
    expect(most.get('/second')).toBe(3);
    for (const { webhook } of [first, second]) {
      const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
      expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual(Array.from({ length: 12 }, () => ['succeeded', 1]));
    }
    expect(run.inFlightCount).toBe(0);
  });

  it('gives up after the most attempts (failed), and a replay delivers it with its earlier attempts kept', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    let up = false;
    receiver.respond = () => (up ? { status: 200 } : { status: 500, body: 'nope' });
    await commitEvents(store, [{}]);
    const run = dispatcher({ maxAttempts: 3 });
    for (let round = 0; round < 3; round += 1) {
      await run.drain();
      clock.advance(60_000);
    }
    const [failed] = (await service.listDeliveries(TENANT, webhook.id, { status: 'failed' })).deliveries;
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 500' });
    await run.drain();
    expect(receiver.received).toHaveLength(3);

    up = true;
    const replayed = await service.replayDelivery(TENANT, webhook.id, failed!.id);
    expect(replayed.status).toBe('pending');
    await run.drain();
    const details = await service.getDelivery(TENANT, webhook.id, failed!.id);
    expect(details.delivery.status).toBe('succeeded');
    expect(details.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 200]);
    expect(await service.replayFailed(TENANT, webhook.id)).toBe(0);
  });

  it('gives up once a delivery is older than the maximum age', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    receiver.respond = () => ({ status: 500 });
    await commitEvents(store, [{}]);
    const run = dispatcher({ maxAgeHours: 1, retryBaseMs: 600_000, retryMaxMs: 3_600_000 });
    await run.drain();
    clock.advance(3_600_000);
    await run.drain();
    const [delivery] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('refuses loopback, private and metadata addresses unless allowed, without connecting', async () => {
    const refusing = dispatcher({ allowPrivate: false });
    const targets = [receiver.url(), `http://localhost:${receiver.port}/hook`, 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hook', `http://[::ffff:127.0.0.1]:${receiver.port}/hook`];
    const webhooks = [];
    for (const url of targets) webhooks.push((await service.create(TENANT, { url })).webhook);
    await commitEvents(store, [{}]);
    await refusing.drain();
    expect(receiver.connections).toBe(0);
    const errors = [];
    for (const webhook of webhooks) {
      const [delivery] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
      expect(delivery!.status).toBe('pending');
      errors.push(delivery!.lastError);
    }
    expect(errors[0]).toMatch(/127\.0\.0\.1 is a loopback address: refused/);
    expect(errors[1]).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback/);
    expect(errors[2]).toMatch(/169\.254\.169\.254 is a link-local \(incl\. cloud metadata/);
    expect(errors[3]).toMatch(/10\.0\.0\.1 is a private \(RFC 1918\) address/);
    expect(errors[4]).toMatch(/IPv4-mapped loopback/);

    // Allowed by host name: only that one goes through.
    const allowing = dispatcher({ allowPrivate: false, allowedHosts: ['localhost'] });
    clock.advance(3_600_000);
    await allowing.drain();
    expect(receiver.received.map((request) => request.headers.host)).toEqual([`localhost:${receiver.port}`]);
  });

  it('reuses a kept-alive connection for the next deliveries, while every new connection still goes through the address guard', async () => {
    // 127.0.0.1 is allowed by address; the name localhost, which resolves to that same address, is not.
    const allowed = await service.create(TENANT, { url: receiver.url('/allowed') });
    const refused = await service.create(TENANT, { url: `http://localhost:${receiver.port}/refused` });
    // One resource: each delivery goes after the last was recorded, so one connection can carry them all.
    await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'alice' }, { resourceId: 'alice' }]);
    const run = dispatcher({ allowPrivate: false, allowedHosts: ['127.0.0.1'] });
    await run.drain();
    expect(receiver.received.map((request) => request.url)).toEqual(['/allowed', '/allowed', '/allowed']);
    expect(receiver.connections).toBe(1);
    const [first] = (await service.listDeliveries(TENANT, refused.webhook.id)).deliveries;
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first!.lastError).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback/);
    expect((await service.listDeliveries(TENANT, allowed.webhook.id)).deliveries.map((delivery) => delivery.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('sends again on a new connection when the receiver closes the kept-alive one as the next request arrives, without counting a failed attempt', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    const run = dispatcher();
    await commitEvents(store, [{}]);
    await run.drain();
    expect(receiver.connections).toBe(1);
    // The receiver closes the kept-alive connection as the next request arrives on it.
    receiver.dropNextOnReusedConnection = true;
    await commitEvents(store, [{}]);
    await run.drain();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.connections).toBe(2);
    const { deliveries } = await service.listDeliveries(TENANT, webhook.id);
    expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
  });

  it('never follows a redirect: the 3xx is a failed attempt, recorded with where it pointed', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    receiver.respond = () => ({ status: 302, headers: { location: receiver.url('/elsewhere') } });
    await commitEvents(store, [{}]);
    await dispatcher().drain();
    expect(receiver.received.map((request) => request.url)).toEqual(['/hook']);
    const [delivery] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
    const details = await service.getDelivery(TENANT, webhook.id, delivery!.id);
    expect(details.delivery.status).toBe('pending');
    expect(details.attempts[0]).toMatchObject({ statusCode: 302, error: `redirect to ${receiver.url('/elsewhere')} not followed` });
  });

  it('records a timeout when the receiver does not answer in time, and keeps at most 1 KiB of a response', async () => {
    const slow = await service.create(TENANT, { url: receiver.url('/slow') });
    const chatty = await service.create(TENANT, { url: receiver.url('/chatty') });
    receiver.respond = (request) => (request.url === '/slow' ? { status: 200, hang: true } : { status: 500, body: 'x'.repeat(50_000) });
    await commitEvents(store, [{}]);
    await dispatcher({ timeoutMs: 300 }).drain();
    const attemptOf = async (webhookId: string) => {
      const [delivery] = (await service.listDeliveries(TENANT, webhookId)).deliveries;
      return (await service.getDelivery(TENANT, webhookId, delivery!.id)).attempts[0]!;
    };
    expect(await attemptOf(slow.webhook.id)).toMatchObject({ statusCode: undefined, error: 'timed out after 300 ms' });
    const chattyAttempt = await attemptOf(chatty.webhook.id);
    expect(chattyAttempt.statusCode).toBe(500);
    expect(chattyAttempt.responseExcerpt).toBe('x'.repeat(1024));
  });

  it('sends only the event types a webhook asked for, and nothing to a disabled one', async () => {
    await service.create(TENANT, { url: receiver.url('/deactivations'), eventTypes: ['user.deactivated'] });
    const disabled = await service.create(TENANT, { url: receiver.url('/disabled'), enabled: false });
    await commitEvents(store, [{ type: 'user.created' }, { type: 'user.deactivated' }, { type: 'user.deleted' }]);
    const run = dispatcher();
    await run.drain();
    expect(receiver.received.map((request) => [request.url, (JSON.parse(request.body) as { type: string }).type])).toEqual([['/deactivations', 'user.deactivated']]);
    expect((await service.listDeliveries(TENANT, disabled.webhook.id)).deliveries).toEqual([]);
  });

  it('disables a webhook whose endpoint answers 410 Gone, saying why', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    receiver.respond = () => ({ status: 410 });
    // One resource, so the second waits for the first: by then the webhook is disabled.
    await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'alice' }]);
    await dispatcher().drain();
    expect(receiver.received).toHaveLength(1);
    const gone = await service.get(TENANT, webhook.id);
    expect(gone.enabled).toBe(false);
    expect(gone.disabledReason).toMatch(/410 Gone/);
    expect((await service.update(TENANT, webhook.id, { enabled: true })).disabledReason).toBeUndefined();
  });

  it('on stop, waits a bounded time for a hanging delivery, then aborts it unrecorded and releases its claim', async () => {
    const { webhook } = await service.create(TENANT, { url: receiver.url() });
    receiver.respond = () => ({ status: 200, hang: true });
    const stopping = dispatcherStoppingSoon(store, { serverSecret: SERVER_SECRET, retry: retrySettingsOf(TEST_WEBHOOK_SETTINGS), now: clock.now });
    dispatchers.push(stopping);
    await commitEvents(store, [{}]);
    stopping.start();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    expect(stopping.inFlightCount).toBe(1);
    await stopping.stop();
    expect(stopping.inFlightCount).toBe(0);
    const [delivery] = (await service.listDeliveries(TENANT, webhook.id)).deliveries;
    // Pending, no attempt counted, and claimable at once by another instance despite the hour-long lease.
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, claimedUntil: undefined });
    receiver.respond = () => ({ status: 200 });
    await dispatcher().drain();
    expect((await service.listDeliveries(TENANT, webhook.id)).deliveries[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('wakes at once when the notifier says events committed (no poll needed)', async () => {
    await service.create(TENANT, { url: receiver.url() });
    const notifier = new EventNotifier();
    const run = dispatcher({ pollIntervalMs: 3_600_000 }, notifier);
    run.start();
    // Let the start pass finish with nothing to do.
    await run.drain();
    const [event] = await commitEvents(store, [{}]);
    notifier.committed(TENANT, event!.sequence);
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
  });
});
