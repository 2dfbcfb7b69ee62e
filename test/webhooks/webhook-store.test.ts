/**
 * The webhook store contract, on SQLite and PostgreSQL alike: where a new
 * webhook starts, exactly-once enqueueing (also from two stores at once),
 * claims that keep per-resource order and skip what another instance holds,
 * leases, attempt records and replay.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAIMABLE_DELIVERIES } from '../../src/store/sqlite/sqlite-webhook-store.js';
import type { Store } from '../../src/store/store.js';
import type { ClaimedDelivery, NewWebhook } from '../../src/store/webhook-store.js';
import { commitEvents, openTestStore, storeKinds, T0, TENANT, type OpenedStore } from './support.js';

const kinds = await storeKinds();

function newWebhook(overrides: Partial<NewWebhook> = {}): NewWebhook {
  return {
    id: randomUUID(),
    tenantId: TENANT,
    url: 'https://hooks.example.com/scim',
    eventTypes: [],
    enabled: true,
    description: '',
    secret: 'sealed-secret',
    now: T0.toISOString(),
    ...overrides,
  };
}

const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs).toISOString();

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
  });
}

async function succeed(store: Store, delivery: ClaimedDelivery): Promise<void> {
  await store.webhooks.recordAttempt({
    deliveryId: delivery.id,
    claimToken: delivery.claimToken,
    startedAt: at(0),
    durationMs: 12,
    statusCode: 204,
    error: undefined,
    responseExcerpt: undefined,
    outcome: { kind: 'succeeded' },
    now: at(0),
  });
}

describe.each(kinds)('webhook store on %s', (kind) => {
  let opened: OpenedStore;
  let store: Store;

  beforeEach(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    await store.tenants.ensureTenant(TENANT, 'Acme', T0.toISOString());
  });
  afterEach(async () => {
    await opened.close();
  });

  it('starts a new webhook at the tenant’s last sequence: earlier events are never delivered to it', async () => {
    await commitEvents(store, [{}, {}, {}]);
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    expect(webhook.enqueuedThrough).toBe(3);
    const [later] = await commitEvents(store, [{}]);
    expect(await enqueueAll(store)).toBe(1);
    const deliveries = await store.webhooks.listDeliveries(webhook.id, { status: undefined, limit: 10, afterSequence: undefined });
    expect(deliveries.map((delivery) => delivery.sequence)).toEqual([later!.sequence]);
    expect(JSON.parse(deliveries[0]!.payload)).toEqual(later);
  });

  it('enqueues only the event types a webhook asked for, and reads past the others', async () => {
    const filtered = await store.webhooks.insertWebhook(newWebhook({ eventTypes: ['user.deactivated'] }));
    await commitEvents(store, [{ type: 'user.created' }, { type: 'user.deactivated' }, { type: 'group.created', resourceType: 'Group' }]);
    await enqueueAll(store);
    const deliveries = await store.webhooks.listDeliveries(filtered.id, { status: undefined, limit: 10, afterSequence: undefined });
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
    const deliveries = await store.webhooks.listDeliveries(webhook.id, { status: undefined, limit: 10, afterSequence: undefined });
    expect(deliveries.map((delivery) => delivery.sequence)).toEqual([after!.sequence]);
  });

  it('enqueues each event once per webhook, however often and from however many stores enqueueing runs', async () => {
    const webhooks = await Promise.all([store.webhooks.insertWebhook(newWebhook()), store.webhooks.insertWebhook(newWebhook())]);
    for (let batch = 0; batch < 10; batch += 1) await commitEvents(store, Array.from({ length: 10 }, () => ({})));
    const second = await opened.another();
    const counts = await Promise.all([enqueueAll(store), enqueueAll(second), enqueueAll(store), enqueueAll(second)]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(200);
    for (const webhook of webhooks) {
      const deliveries = await store.webhooks.listDeliveries(webhook.id, { status: undefined, limit: 500, afterSequence: undefined });
      expect(deliveries.map((delivery) => delivery.sequence)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    }
  });

  it('claims deliveries in order per resource: a later one waits while an earlier one of the same resource is pending', async () => {
    await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'bob' }, { resourceId: 'alice' }, { resourceId: 'alice' }]);
    await enqueueAll(store);
    const first = await claim(store);
    expect(first.map((delivery) => [delivery.resourceId, delivery.sequence])).toEqual([
      ['alice', 1],
      ['bob', 2],
    ]);
    // In flight: nothing more of alice's; bob had only one.
    expect(await claim(store)).toEqual([]);
    await succeed(store, first[0]!);
    expect((await claim(store)).map((delivery) => delivery.sequence)).toEqual([3]);
  });

  it('a failed delivery no longer holds back the later ones of its resource', async () => {
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, [{ resourceId: 'alice' }, { resourceId: 'alice' }]);
    await enqueueAll(store);
    const [first] = await claim(store);
    await store.webhooks.recordAttempt({
      deliveryId: first!.id,
      claimToken: first!.claimToken,
      startedAt: at(0),
      durationMs: 5,
      statusCode: 500,
      error: undefined,
      responseExcerpt: 'boom',
      outcome: { kind: 'failed' },
      now: at(0),
    });
    expect((await claim(store)).map((delivery) => delivery.sequence)).toEqual([2]);
    const failed = await store.webhooks.getDelivery(webhook.id, first!.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 500', completedAt: at(0) });
  });

  it('holds a claimed delivery until its lease ends; then another instance may claim it', async () => {
    await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, [{}]);
    await enqueueAll(store);
    const second = await opened.another();
    const [held] = await claim(store, { lease: 30_000 });
    expect(held).toBeDefined();
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

  it('records each attempt with its number; a retry keeps it pending and due later', async () => {
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, [{}]);
    await enqueueAll(store);
    const [first] = await claim(store);
    await store.webhooks.recordAttempt({
      deliveryId: first!.id,
      claimToken: first!.claimToken,
      startedAt: at(0),
      durationMs: 10_000,
      statusCode: undefined,
      error: 'timed out after 10000 ms',
      responseExcerpt: undefined,
      outcome: { kind: 'retry', nextAttemptAt: at(5_000) },
      now: at(10_000),
    });
    expect(await claim(store, { now: 4_999 })).toEqual([]);
    const [second] = await claim(store, { now: 5_000 });
    await succeed(store, second!);
    const attempts = await store.webhooks.listAttempts(first!.id);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.error])).toEqual([
      [1, undefined, 'timed out after 10000 ms'],
      [2, 204, undefined],
    ]);
    expect(await store.webhooks.getDelivery(webhook.id, first!.id)).toMatchObject({ status: 'succeeded', attempts: 2, lastError: undefined });
  });

  it('a stale claim cannot push back a delivery another instance took over, but its success still counts', async () => {
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, [{}]);
    await enqueueAll(store);
    const [stale] = await claim(store, { lease: 1_000 });
    const [current] = await claim(store, { now: 1_000 });
    await store.webhooks.recordAttempt({
      deliveryId: stale!.id,
      claimToken: stale!.claimToken,
      startedAt: at(0),
      durationMs: 1,
      statusCode: 503,
      error: undefined,
      responseExcerpt: undefined,
      outcome: { kind: 'failed' },
      now: at(1_500),
    });
    expect(await store.webhooks.getDelivery(webhook.id, stale!.id)).toMatchObject({ status: 'pending', attempts: 1 });
    await succeed(store, current!);
    expect(await store.webhooks.getDelivery(webhook.id, stale!.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('replays failed deliveries: pending and due again, attempts kept, a fresh retry window', async () => {
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, [{}, {}]);
    await enqueueAll(store);
    for (const delivery of await claim(store)) {
      await store.webhooks.recordAttempt({
        deliveryId: delivery.id,
        claimToken: delivery.claimToken,
        startedAt: at(0),
        durationMs: 1,
        statusCode: 500,
        error: undefined,
        responseExcerpt: undefined,
        outcome: { kind: 'failed' },
        now: at(0),
      });
    }
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
    expect((await claim(store, { now: 60_000 })).length).toBe(2);
  });

  it('pages deliveries by sequence and filters them by status', async () => {
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    await commitEvents(store, Array.from({ length: 5 }, () => ({})));
    await enqueueAll(store);
    const page = await store.webhooks.listDeliveries(webhook.id, { status: 'pending', limit: 2, afterSequence: 2 });
    expect(page.map((delivery) => delivery.sequence)).toEqual([3, 4]);
    expect(await store.webhooks.listDeliveries(webhook.id, { status: 'succeeded', limit: 2, afterSequence: undefined })).toEqual([]);
  });

  it('rotates secrets, disables with a reason, and deletes a webhook with its deliveries', async () => {
    const webhook = await store.webhooks.insertWebhook(newWebhook());
    const rotated = await store.webhooks.updateWebhook(webhook.id, { rotation: { secret: 'new', previousSecret: 'sealed-secret', previousSecretExpiresAt: at(86_400_000) } }, at(1));
    expect(rotated).toMatchObject({ secret: 'new', previousSecret: 'sealed-secret', previousSecretExpiresAt: at(86_400_000), updatedAt: at(1) });
    const disabled = await store.webhooks.updateWebhook(webhook.id, { enabled: false, disabledReason: 'gone' }, at(2));
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'gone', url: webhook.url });
    expect(await store.webhooks.updateWebhook(webhook.id, { enabled: true, disabledReason: null }, at(3))).toMatchObject({ enabled: true, disabledReason: undefined });
    await commitEvents(store, [{}]);
    await enqueueAll(store);
    expect(await store.webhooks.deleteWebhook(webhook.id)).toBe(true);
    expect(await store.webhooks.getWebhook(webhook.id)).toBeUndefined();
    expect(await store.webhooks.listDeliveries(webhook.id, { status: undefined, limit: 10, afterSequence: undefined })).toEqual([]);
    expect(await store.webhooks.deleteWebhook(webhook.id)).toBe(false);
  });

  it.runIf(kind === 'sqlite')('finds claimable deliveries through the due index and checks order through the per-resource index', () => {
    const database = new Database(opened.sqliteFile!, { readonly: true });
    try {
      const plan = (database.prepare(`EXPLAIN QUERY PLAN ${CLAIMABLE_DELIVERIES}`).all(at(0), at(0), 10) as { detail: string }[]).map((step) => step.detail).join('\n');
      expect(plan).toMatch(/SEARCH d USING INDEX webhook_deliveries_due/);
      expect(plan).toMatch(/SEARCH e USING COVERING INDEX webhook_deliveries_resource_order/);
      expect(plan).not.toMatch(/SCAN d\b/);
    } finally {
      database.close();
    }
  });
});
