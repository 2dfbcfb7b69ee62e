/**
 * The webhook store's contract: where a new webhook starts, exactly-once
 * enqueueing (also from two stores on one database at once), claims that
 * keep per-resource order and skip what another instance holds, leases,
 * attempt records, replay, release and retention.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventType, NewEvent, ScimitarEvent } from '../../src/events/event.js';
import type { Store } from '../../src/store/store.js';
import type { AttemptRecord, ClaimedDelivery, NewWebhook } from '../../src/store/webhook-store.js';
import { NOW, TENANT, type OpenedStore, type OpenStore } from './support.js';

const T0 = new Date(NOW);
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs).toISOString();

function newWebhook(overrides: Partial<NewWebhook> = {}): NewWebhook {
  return {
    id: randomUUID(),
    tenantId: TENANT,
    url: 'https://hooks.example.com/scim',
    eventTypes: [],
    enabled: true,
    description: '',
    secret: 'sealed-secret',
    now: at(0),
    ...overrides,
  };
}

interface EventSpec {
  readonly type?: EventType;
  readonly resourceId?: string;
  readonly resourceType?: 'User' | 'Group';
}

/** Commits one transaction's events for the tenant; returns them numbered. */
function commitEvents(store: Store, specs: readonly EventSpec[]): Promise<readonly ScimitarEvent[]> {
  const events: NewEvent[] = specs.map((spec) => {
    const resourceId = spec.resourceId ?? randomUUID();
    return {
      id: randomUUID(),
      type: spec.type ?? 'user.updated',
      timestamp: at(0),
      tenant: TENANT,
      resourceType: spec.resourceType ?? 'User',
      resourceId,
      externalId: null,
      requestId: null,
      data: { resource: { id: resourceId } },
    };
  });
  return store.transaction((writer) => writer.appendEvents(events));
}

async function enqueueAll(store: Store): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await store.webhooks.enqueueDeliveries({ now: at(0), webhookLimit: 10, eventLimit: 3, newDeliveryId: randomUUID });
    total += result.enqueued;
    if (!result.more) return total;
  }
}

function claim(store: Store, options: { now?: number; limit?: number; lease?: number } = {}): Promise<readonly ClaimedDelivery[]> {
  return store.webhooks.claimDeliveries({
    now: at(options.now ?? 0),
    claimedUntil: at((options.now ?? 0) + (options.lease ?? 30_000)),
    limit: options.limit ?? 100,
    claimToken: randomUUID(),
    targets: { webhooks: true, consumers: [] },
  });
}

function attempt(delivery: ClaimedDelivery, fields: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    deliveryId: delivery.id,
    claimToken: delivery.claimToken,
    startedAt: at(0),
    durationMs: 12,
    statusCode: 204,
    error: undefined,
    responseExcerpt: undefined,
    outcome: { kind: 'succeeded' },
    now: at(0),
    ...fields,
  };
}

/** One attempt recorded on its own: whether its delivery existed. */
async function recordAttempt(store: Store, record: AttemptRecord): Promise<boolean> {
  const [found] = await store.webhooks.recordAttempts([record]);
  return found!;
}

const failedWith500 = { statusCode: 500, outcome: { kind: 'failed' } } as const;
const everything = { status: undefined, limit: 500, afterSequence: undefined } as const;

export function describeWebhookContract(openStore: OpenStore): void {
  describe('webhooks', () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await openStore();
      store = opened.store;
      await store.tenants.ensureTenant(TENANT, 'Acme', at(0));
      return () => opened.close();
    });

    it('starts a new webhook at the tenant’s last sequence: earlier events are never delivered to it', async () => {
      await commitEvents(store, [{}, {}, {}]);
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      expect(webhook).toMatchObject({ tenantId: TENANT, enabled: true, eventTypes: [], enqueuedThrough: 3, createdAt: at(0), previousSecret: undefined });
      expect(await store.webhooks.getWebhook(webhook.id)).toEqual(webhook);
      const [later] = await commitEvents(store, [{}]);
      expect(await enqueueAll(store)).toBe(1);
      const deliveries = await store.webhooks.listDeliveries(webhook.id, everything);
      expect(deliveries.map((delivery) => delivery.sequence)).toEqual([later!.sequence]);
      expect(JSON.parse(deliveries[0]!.payload)).toEqual(later);
    });

    it('lists a tenant’s webhooks oldest first', async () => {
      const second = await store.webhooks.insertWebhook(newWebhook({ now: at(2) }));
      const first = await store.webhooks.insertWebhook(newWebhook({ now: at(1), eventTypes: ['user.created', 'group.deleted'] }));
      expect(await store.webhooks.listWebhooks(TENANT)).toEqual([first, second]);
      expect(first.eventTypes).toEqual(['user.created', 'group.deleted']);
      expect(await store.webhooks.listWebhooks('no-such-tenant')).toEqual([]);
    });

    it('keeps how many events one request of a webhook may carry: 1 unless set, changed by an update, and claimed with its deliveries', async () => {
      const single = await store.webhooks.insertWebhook(newWebhook({ url: 'https://hooks.example.com/single', now: at(1) }));
      const batched = await store.webhooks.insertWebhook(newWebhook({ url: 'https://hooks.example.com/batched', now: at(2), maxEventsPerRequest: 25 }));
      expect(single.maxEventsPerRequest).toBe(1);
      expect(batched.maxEventsPerRequest).toBe(25);
      expect((await store.webhooks.getWebhook(batched.id))?.maxEventsPerRequest).toBe(25);
      const changed = await store.webhooks.updateWebhook(single.id, { maxEventsPerRequest: 100 }, at(3));
      expect(changed).toMatchObject({ maxEventsPerRequest: 100, url: 'https://hooks.example.com/single', updatedAt: at(3) });
      // An update of other fields keeps it.
      expect((await store.webhooks.updateWebhook(batched.id, { description: 'bulk' }, at(4)))?.maxEventsPerRequest).toBe(25);
      expect((await store.webhooks.listWebhooks(TENANT)).map((webhook) => [webhook.url, webhook.maxEventsPerRequest])).toEqual([
        ['https://hooks.example.com/single', 100],
        ['https://hooks.example.com/batched', 25],
      ]);
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      const claimed = await claim(store);
      expect(claimed.map((delivery) => [delivery.webhookId, delivery.maxEventsPerRequest]).sort()).toEqual(
        [
          [single.id, 100],
          [batched.id, 25],
        ].sort(),
      );
    });

    it('enqueues only the event types a webhook asked for, and reads past the others', async () => {
      const filtered = await store.webhooks.insertWebhook(newWebhook({ eventTypes: ['user.deactivated'] }));
      await commitEvents(store, [{ type: 'user.created' }, { type: 'user.deactivated' }, { type: 'group.created', resourceType: 'Group' }]);
      await enqueueAll(store);
      const deliveries = await store.webhooks.listDeliveries(filtered.id, everything);
      expect(deliveries.map((delivery) => delivery.eventType)).toEqual(['user.deactivated']);
      expect((await store.webhooks.getWebhook(filtered.id))?.enqueuedThrough).toBe(3);
    });

    it('gives a disabled webhook nothing, not even once it is enabled again', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook({ enabled: false }));
      await commitEvents(store, [{}, {}]);
      expect(await enqueueAll(store)).toBe(0);
      expect((await store.webhooks.getWebhook(webhook.id))?.enqueuedThrough).toBe(2);
      await store.webhooks.updateWebhook(webhook.id, { enabled: true }, at(1));
      const [after] = await commitEvents(store, [{}]);
      expect(await enqueueAll(store)).toBe(1);
      const deliveries = await store.webhooks.listDeliveries(webhook.id, everything);
      expect(deliveries.map((delivery) => delivery.sequence)).toEqual([after!.sequence]);
    });

    it('enqueues each event once per webhook, however often and from however many stores enqueueing runs', async () => {
      const webhooks = await Promise.all([store.webhooks.insertWebhook(newWebhook()), store.webhooks.insertWebhook(newWebhook())]);
      for (let batch = 0; batch < 10; batch += 1) await commitEvents(store, Array.from({ length: 10 }, () => ({})));
      const second = await opened.another();
      const counts = await Promise.all([enqueueAll(store), enqueueAll(second), enqueueAll(store), enqueueAll(second)]);
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(200);
      for (const webhook of webhooks) {
        const deliveries = await store.webhooks.listDeliveries(webhook.id, everything);
        expect(deliveries.map((delivery) => delivery.sequence)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
      }
    });

    it('enqueues a backlog larger than one statement’s rows in one call', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, Array.from({ length: 1_203 }, () => ({})));
      const result = await store.webhooks.enqueueDeliveries({ now: at(0), webhookLimit: 10, eventLimit: 1_500, newDeliveryId: randomUUID });
      expect(result).toEqual({ enqueued: 1_203, more: false });
      expect((await store.webhooks.getWebhook(webhook.id))?.enqueuedThrough).toBe(1_203);
      const claimed = await claim(store, { limit: 1_300 });
      expect(claimed.length).toBe(1_203);
      expect(claimed.map((delivery) => delivery.sequence)).toEqual(Array.from({ length: 1_203 }, (_, index) => index + 1));
    });

    it('claims deliveries in order per resource: a later one waits while an earlier one of the same resource is pending', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook({ url: 'https://hooks.example.com/order' }));
      await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'bob' }, { resourceId: 'alice' }, { resourceId: 'alice' }]);
      await enqueueAll(store);
      const first = await claim(store);
      expect(first.map((delivery) => [delivery.resourceId, delivery.sequence])).toEqual([
        ['alice', 1],
        ['bob', 2],
      ]);
      // What sending needs comes with the claim.
      expect(first[0]).toMatchObject({ webhookId: webhook.id, url: 'https://hooks.example.com/order', secret: 'sealed-secret', previousSecret: undefined, status: 'pending' });
      // In flight: nothing more of alice's; bob had only one.
      expect(await claim(store)).toEqual([]);
      await recordAttempt(store, attempt(first[0]!));
      expect((await claim(store)).map((delivery) => delivery.sequence)).toEqual([3]);
    });

    it('claims nothing for a disabled webhook', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      await store.webhooks.updateWebhook(webhook.id, { enabled: false }, at(1));
      expect(await claim(store)).toEqual([]);
      await store.webhooks.updateWebhook(webhook.id, { enabled: true }, at(2));
      expect((await claim(store)).length).toBe(1);
    });

    it('a failed delivery no longer holds back the later ones of its resource', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'alice' }]);
      await enqueueAll(store);
      const [first] = await claim(store);
      await recordAttempt(store, attempt(first!, { ...failedWith500, responseExcerpt: 'boom', durationMs: 5 }));
      expect((await claim(store)).map((delivery) => delivery.sequence)).toEqual([2]);
      const failed = await store.webhooks.getDelivery(webhook.id, first!.id);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 500', completedAt: at(0), claimedUntil: undefined });
      expect(await store.webhooks.listAttempts(first!.id)).toEqual([
        { deliveryId: first!.id, attempt: 1, startedAt: at(0), durationMs: 5, statusCode: 500, error: undefined, responseExcerpt: 'boom' },
      ]);
    });

    it('holds a claimed delivery until its lease ends; then another instance may claim it', async () => {
      await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      const second = await opened.another();
      const [held] = await claim(store, { lease: 30_000 });
      expect(held).toMatchObject({ claimedUntil: at(30_000) });
      expect(await claim(second, { now: 29_999 })).toEqual([]);
      const [taken] = await claim(second, { now: 30_000 });
      expect(taken?.id).toBe(held!.id);
      expect(taken?.claimToken).not.toBe(held!.claimToken);
    });

    it('never gives one delivery to two stores claiming at the same time', async () => {
      await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, Array.from({ length: 60 }, () => ({})));
      await enqueueAll(store);
      const second = await opened.another();
      const batches = await Promise.all([claim(store, { limit: 7 }), claim(second, { limit: 7 }), claim(store, { limit: 7 }), claim(second, { limit: 7 })]);
      const ids = batches.flat().map((delivery) => delivery.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(28);
    });

    it('gives released claims to the next claimer at once, and keeps the claims it was not given back', async () => {
      await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}, {}]);
      await enqueueAll(store);
      const [first, second] = await claim(store);
      await store.webhooks.releaseClaims('not-the-holder', [first!.id]);
      expect(await claim(store)).toEqual([]);
      await store.webhooks.releaseClaims(first!.claimToken, [first!.id]);
      expect((await claim(store)).map((delivery) => delivery.id)).toEqual([first!.id]);
      expect((await store.webhooks.listDeliveries(first!.webhookId, everything)).find((delivery) => delivery.id === second!.id)?.claimedUntil).toBe(at(30_000));
    });

    it('records each attempt with its number; a retry keeps it pending and due later', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      const [first] = await claim(store);
      await recordAttempt(store, 
        attempt(first!, { durationMs: 10_000, statusCode: undefined, error: 'timed out after 10000 ms', outcome: { kind: 'retry', nextAttemptAt: at(5_000) }, now: at(10_000) }),
      );
      expect(await store.webhooks.getDelivery(webhook.id, first!.id)).toMatchObject({ status: 'pending', nextAttemptAt: at(5_000), lastError: 'timed out after 10000 ms' });
      expect(await claim(store, { now: 4_999 })).toEqual([]);
      const [second] = await claim(store, { now: 5_000 });
      await recordAttempt(store, attempt(second!));
      const attempts = await store.webhooks.listAttempts(first!.id);
      expect(attempts.map((recorded) => [recorded.attempt, recorded.statusCode, recorded.error])).toEqual([
        [1, undefined, 'timed out after 10000 ms'],
        [2, 204, undefined],
      ]);
      expect(await store.webhooks.getDelivery(webhook.id, first!.id)).toMatchObject({ status: 'succeeded', attempts: 2, lastError: undefined });
    });

    it('numbers attempts recorded at the same time from two stores without a collision', async () => {
      await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      const [delivery] = await claim(store);
      const second = await opened.another();
      const retry = { statusCode: 503, outcome: { kind: 'retry', nextAttemptAt: at(1_000) } } as const;
      expect(await Promise.all([store, second, store, second].map((each) => recordAttempt(each, attempt(delivery!, retry))))).toEqual([true, true, true, true]);
      expect((await store.webhooks.listAttempts(delivery!.id)).map((recorded) => recorded.attempt)).toEqual([1, 2, 3, 4]);
    });

    it('keeps what an endpoint answered even when it holds U+0000, and finds nothing by an id holding one', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      const [delivery] = await claim(store);
      const said = 'bad\u0000gateway';
      await recordAttempt(store, attempt(delivery!, { ...failedWith500, error: said, responseExcerpt: said, disableWebhook: `gone: ${said}` }));
      const [recorded] = await store.webhooks.listAttempts(delivery!.id);
      // Kept as sent, or with U+FFFD in place of U+0000 where text cannot hold it.
      expect(recorded?.error?.replaceAll('\uFFFD', '\u0000')).toBe(said);
      expect(recorded?.responseExcerpt?.replaceAll('\uFFFD', '\u0000')).toBe(said);
      expect((await store.webhooks.getWebhook(webhook.id))?.disabledReason?.replaceAll('\uFFFD', '\u0000')).toBe(`gone: ${said}`);
      const withNul = `${webhook.id}\u0000`;
      expect(await store.webhooks.getWebhook(withNul)).toBeUndefined();
      expect(await store.webhooks.getDelivery(withNul, delivery!.id)).toBeUndefined();
      expect(await store.webhooks.listDeliveries(withNul, everything)).toEqual([]);
      expect(await store.webhooks.listAttempts(`${delivery!.id}\u0000`)).toEqual([]);
      expect(await store.webhooks.updateWebhook(withNul, { enabled: true }, at(1))).toBeUndefined();
      expect(await store.webhooks.deleteWebhook(withNul)).toBe(false);
      expect(await recordAttempt(store, attempt(delivery!, { deliveryId: `${delivery!.id}\u0000` }))).toBe(false);
    });

    it('a stale claim cannot push back a delivery another instance took over, but its success still counts', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}]);
      await enqueueAll(store);
      const [stale] = await claim(store, { lease: 1_000 });
      const [current] = await claim(store, { now: 1_000 });
      await recordAttempt(store, attempt(stale!, { statusCode: 503, outcome: { kind: 'failed' }, now: at(1_500) }));
      expect(await store.webhooks.getDelivery(webhook.id, stale!.id)).toMatchObject({ status: 'pending', attempts: 1 });
      await recordAttempt(store, attempt(current!));
      expect(await store.webhooks.getDelivery(webhook.id, stale!.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    });

    it('records a batch of attempts in one call exactly as one call each would', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}, {}, {}, {}, {}]);
      await enqueueAll(store);
      // `stale`'s lease runs out and the next claim takes it over with the others: its failure counts but changes nothing.
      const [stale] = await claim(store, { limit: 1, lease: 1_000 });
      const [takenOver, succeeded, retried, parked, twice] = await claim(store, { now: 1_000 });
      expect(takenOver?.id).toBe(stale!.id);
      const results = await store.webhooks.recordAttempts([
        attempt(succeeded!, { durationMs: 3, now: at(10) }),
        attempt(retried!, { statusCode: 503, outcome: { kind: 'retry', nextAttemptAt: at(5_000) }, now: at(11) }),
        attempt(parked!, { ...failedWith500, error: 'boom', now: at(12) }),
        attempt(stale!, { ...failedWith500, now: at(13) }),
        attempt(twice!, { statusCode: 503, outcome: { kind: 'retry', nextAttemptAt: at(6_000) }, now: at(14) }),
        { ...attempt(twice!, { now: at(15) }), deliveryId: randomUUID() },
        attempt(twice!, { now: at(16) }),
      ]);
      expect(results).toEqual([true, true, true, true, true, false, true]);
      const state = async (id: string) => {
        const { status, attempts, nextAttemptAt, completedAt, lastError, claimedUntil } = (await store.webhooks.getDelivery(webhook.id, id))!;
        return { status, attempts, nextAttemptAt, completedAt, lastError, claimedUntil };
      };
      expect(await state(succeeded!.id)).toEqual({ status: 'succeeded', attempts: 1, nextAttemptAt: at(0), completedAt: at(10), lastError: undefined, claimedUntil: undefined });
      expect(await state(retried!.id)).toEqual({ status: 'pending', attempts: 1, nextAttemptAt: at(5_000), completedAt: undefined, lastError: 'HTTP 503', claimedUntil: undefined });
      expect(await state(parked!.id)).toEqual({ status: 'failed', attempts: 1, nextAttemptAt: at(0), completedAt: at(12), lastError: 'boom', claimedUntil: undefined });
      expect(await state(stale!.id)).toMatchObject({ status: 'pending', attempts: 1, claimedUntil: at(31_000) });
      // The same delivery twice in one batch: two attempts, numbered in order, the second (a success) last.
      expect(await state(twice!.id)).toMatchObject({ status: 'succeeded', attempts: 2, completedAt: at(16) });
      expect((await store.webhooks.listAttempts(twice!.id)).map((recorded) => [recorded.attempt, recorded.statusCode])).toEqual([
        [1, 503],
        [2, 204],
      ]);
      expect((await store.webhooks.listAttempts(parked!.id)).map((recorded) => [recorded.attempt, recorded.statusCode, recorded.error])).toEqual([[1, 500, 'boom']]);
      expect(await store.webhooks.recordAttempts([])).toEqual([]);
    });

    it('disables the webhook of a delivery when its endpoint is gone', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}, {}]);
      await enqueueAll(store);
      const [first] = await claim(store, { limit: 1 });
      expect(await recordAttempt(store, attempt(first!, { statusCode: 410, outcome: { kind: 'failed' }, disableWebhook: 'HTTP 410 Gone', now: at(7) }))).toBe(true);
      expect(await store.webhooks.getWebhook(webhook.id)).toMatchObject({ enabled: false, disabledReason: 'HTTP 410 Gone', updatedAt: at(7) });
      expect(await claim(store)).toEqual([]);
    });

    it('replays failed deliveries: pending and due again, attempts kept, a fresh retry window', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}, {}]);
      await enqueueAll(store);
      for (const delivery of await claim(store)) await recordAttempt(store, attempt(delivery, failedWith500));
      const [one, two] = await store.webhooks.listDeliveries(webhook.id, { status: 'failed', limit: 10, afterSequence: undefined });
      expect(await store.webhooks.replayDelivery(webhook.id, one!.id, at(60_000))).toBe(true);
      expect(await store.webhooks.replayDelivery(webhook.id, one!.id, at(60_000))).toBe(false);
      expect(await store.webhooks.getDelivery(webhook.id, one!.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: at(60_000),
        retryWindow: { start: at(60_000), attempts: 1 },
        completedAt: undefined,
      });
      expect(await store.webhooks.replayFailed(webhook.id, at(60_000))).toBe(1);
      expect((await store.webhooks.getDelivery(webhook.id, two!.id))?.status).toBe('pending');
      expect(await store.webhooks.replayFailed(webhook.id, at(60_000))).toBe(0);
      expect((await claim(store, { now: 60_000 })).length).toBe(2);
    });

    it('pages deliveries by sequence and filters them by status', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, Array.from({ length: 5 }, () => ({})));
      await enqueueAll(store);
      const page = await store.webhooks.listDeliveries(webhook.id, { status: 'pending', limit: 2, afterSequence: 2 });
      expect(page.map((delivery) => delivery.sequence)).toEqual([3, 4]);
      expect(page[0]).toMatchObject({ webhookId: webhook.id, tenantId: TENANT, attempts: 0, retryWindow: { start: at(0), attempts: 0 }, createdAt: at(0) });
      expect(await store.webhooks.listDeliveries(webhook.id, { status: 'succeeded', limit: 2, afterSequence: undefined })).toEqual([]);
      expect(await store.webhooks.getDelivery('another-webhook', page[0]!.id)).toBeUndefined();
    });

    it('prunes completed deliveries before the cut with their attempts, never pending ones', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      await commitEvents(store, [{}, {}, {}, {}]);
      await enqueueAll(store);
      const [early, late, failed] = await claim(store, { limit: 3 });
      await recordAttempt(store, attempt(early!, { now: at(1_000) }));
      await recordAttempt(store, attempt(late!, { now: at(5_000) }));
      await recordAttempt(store, attempt(failed!, { ...failedWith500, now: at(1_000) }));
      expect(await store.webhooks.pruneDeliveries(at(5_000))).toBe(2);
      const left = await store.webhooks.listDeliveries(webhook.id, everything);
      expect(left.map((delivery) => [delivery.sequence, delivery.status])).toEqual([
        [2, 'succeeded'],
        [4, 'pending'],
      ]);
      expect(await store.webhooks.listAttempts(early!.id)).toEqual([]);
      expect(await store.webhooks.pruneDeliveries(at(5_000))).toBe(0);
    });

    it('rotates secrets, disables with a reason, and deletes a webhook with its deliveries and attempts', async () => {
      const webhook = await store.webhooks.insertWebhook(newWebhook());
      const rotated = await store.webhooks.updateWebhook(webhook.id, { rotation: { secret: 'new', previousSecret: 'sealed-secret', previousSecretExpiresAt: at(86_400_000) } }, at(1));
      expect(rotated).toMatchObject({ secret: 'new', previousSecret: 'sealed-secret', previousSecretExpiresAt: at(86_400_000), updatedAt: at(1) });
      const disabled = await store.webhooks.updateWebhook(webhook.id, { enabled: false, disabledReason: 'gone' }, at(2));
      expect(disabled).toMatchObject({ enabled: false, disabledReason: 'gone', url: webhook.url, secret: 'new' });
      expect(await store.webhooks.updateWebhook(webhook.id, { enabled: true, disabledReason: null }, at(3))).toMatchObject({ enabled: true, disabledReason: undefined });
      const changed = await store.webhooks.updateWebhook(webhook.id, { url: 'https://hooks.example.com/v2', eventTypes: ['user.created'], description: 'CRM' }, at(4));
      expect(changed).toMatchObject({ url: 'https://hooks.example.com/v2', eventTypes: ['user.created'], description: 'CRM', enabled: true, previousSecret: 'sealed-secret' });
      // The same values again still find the webhook.
      expect(await store.webhooks.updateWebhook(webhook.id, { description: 'CRM' }, at(4))).toEqual(changed);
      expect(await store.webhooks.updateWebhook('no-such-webhook', { enabled: false }, at(5))).toBeUndefined();
      await commitEvents(store, [{ type: 'user.created' }]);
      await enqueueAll(store);
      const [delivery] = await claim(store);
      await recordAttempt(store, attempt(delivery!, failedWith500));
      expect(await store.webhooks.deleteWebhook(webhook.id)).toBe(true);
      expect(await store.webhooks.getWebhook(webhook.id)).toBeUndefined();
      expect(await store.webhooks.listDeliveries(webhook.id, everything)).toEqual([]);
      expect(await store.webhooks.listAttempts(delivery!.id)).toEqual([]);
      expect(await store.webhooks.deleteWebhook(webhook.id)).toBe(false);
    });
  });
}
