/**
 * The delivery dispatcher of one instance, for HTTP webhooks and durable
 * in-process consumers alike (src/consumers: a consumer's delivery is a
 * call of its handler instead of a POST). Each pass enqueues new events,
 * then claims, in one statement, as many due deliveries as this instance
 * may hold (`claimBatch`) and queues them per target (a webhook, or a
 * consumer in a tenant), each target sending at most `concurrency` at once.
 * Finished attempts are written together, one transaction for all that
 * finished since the last write, not one per delivery: at a few thousand
 * deliveries a second, a transaction each is what the database cannot keep
 * up with. A pass runs at once when this instance commits events (the
 * EventNotifier) or a write of attempts frees room, and otherwise every
 * `pollIntervalMs`, which is how events committed by other instances, and
 * retries falling due, are found.
 *
 * Order per resource holds without any bookkeeping here: a claim never
 * takes a delivery while an earlier one of the same resource is pending
 * (webhook-store.ts), and a delivery stays pending until its attempt is
 * written, so one claim holds at most one delivery per resource and the
 * next is claimed only after the last was recorded.
 *
 * A webhook whose `maxEventsPerRequest` is above 1 gets up to that many of
 * its waiting deliveries in one request (a JSON array, delivery-attempt.ts)
 * per free slot, in the order claimed. The same rule keeps its order per
 * resource: what waits here was claimed, so it holds at most one delivery of
 * a resource — also across claims, since a resource's next delivery is not
 * claimable while one is pending here — and a request therefore never
 * carries two events of one resource, nor one whose earlier event has not
 * been recorded as sent (or given up). Every delivery of a request gets the
 * request's outcome recorded and retries on its own schedule. Batches form
 * from what is waiting when a slot frees: under load, when the receiver is
 * slower than events come; no delivery is held back to fill one.
 *
 * Several instances on one database share the work through the store's
 * row locks and leases (webhook-store.ts): nothing is coordinated in memory.
 *
 * Passes start at most every MIN_PASS_INTERVAL_MS: under a burst of writes
 * (an initial sync commits thousands of changes a second) one pass takes
 * all the events committed since the last, instead of one pass per commit
 * competing with the writes for the database.
 *
 * `stop()`: no new pass, claim or send; claimed deliveries not yet sent are
 * released, those being sent get `shutdownGraceMs` to finish, then are
 * aborted without an attempt being recorded and their claims are released,
 * so another instance (or this one restarted) sends them at once instead of
 * after the lease.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ScimitarEvent } from '../events/event.js';
import type { EventNotifier } from '../events/notifier.js';
import type { DeliveryObserver } from '../metrics/observers.js';
import type { AttemptRecord, ClaimedDelivery, WebhookStore } from '../store/webhook-store.js';
import type { RegisteredConsumer } from '../consumers/consumer.js';
import { attemptConsumerDelivery, type ConsumerAttemptSettings } from '../consumers/consumer-attempt.js';
import { attemptDeliveries, type AttemptSettings } from './delivery-attempt.js';
import { enqueueNewEvents } from './enqueuer.js';

export interface DispatcherSettings {
  /** Whether this instance sends HTTP webhooks' deliveries (consumers' are taken by the instances that registered them). */
  readonly deliverWebhooks: boolean;
  readonly pollIntervalMs: number;
  /** Deliveries sent at once to one target (a webhook, or a consumer in a tenant). */
  readonly concurrency: number;
  /** Deliveries this instance holds at once (claimed, waiting, being sent or being recorded): the most one claim takes. */
  readonly claimBatch: number;
  /** How long a claim holds a delivery; longer than an attempt can take plus the wait for a free slot, so a live instance rarely loses one. */
  readonly leaseMs: number;
  /**
   * The least lease a delivery must have left to be sent: the longest an
   * attempt and its recording take. One that waited longer for a slot is
   * released unsent, so no other instance can claim it while it is sent.
   */
  readonly attemptWindowMs: number;
  /** How long `stop()` waits for deliveries in flight. */
  readonly shutdownGraceMs: number;
  /** Completed deliveries (and their attempts) are removed after this long. */
  readonly deliveryRetentionMs: number;
}

/** What the dispatcher logs: pino's (Fastify's logger) shape. */
export interface DispatcherLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DispatcherDependencies {
  readonly webhooks: WebhookStore;
  readonly notifier: EventNotifier | undefined;
  readonly attempt: AttemptSettings;
  /** The consumers registered in this process, by name (src/consumers/event-consumers.ts keeps it). */
  readonly consumers: ReadonlyMap<string, RegisteredConsumer>;
  readonly consumerAttempt: ConsumerAttemptSettings;
  readonly settings: DispatcherSettings;
  readonly logger: DispatcherLogger;
  /** Told of every recorded attempt (metrics); default: nobody. */
  readonly observer?: DeliveryObserver;
}

interface InFlight {
  readonly delivery: ClaimedDelivery;
  readonly abort: AbortController;
  /** Settles once the delivery's attempt is written or its claim released. */
  readonly done: Promise<void>;
  readonly settle: () => void;
}

/** One target's claimed deliveries waiting for a slot, and how many are being sent. */
interface TargetQueue {
  readonly waiting: ClaimedDelivery[];
  sending: number;
}

/** An attempt finished and waiting to be written with the others. */
interface FinishedAttempt {
  readonly flight: InFlight;
  readonly record: AttemptRecord;
}

const PRUNE_EVERY_MS = 3_600_000;
/** Finished attempts written at once without waiting for more. */
const WRITE_BATCH = 64;
/** How long fewer finished attempts wait for others to join their write: a few milliseconds of lag for a commit shared by many. */
const WRITE_WAIT_MS = 5;
/** The least time between the starts of two passes: what a delivery may wait, at most, for a burst to coalesce. */
const MIN_PASS_INTERVAL_MS = 25;

/** From the event's timestamp (taken in the transaction that committed it) to now. */
function commitLagSeconds(delivery: ClaimedDelivery, now: Date): number | undefined {
  const { timestamp } = JSON.parse(delivery.payload) as Pick<ScimitarEvent, 'timestamp'>;
  const committedAt = Date.parse(timestamp);
  return Number.isNaN(committedAt) ? undefined : (now.getTime() - committedAt) / 1000;
}

export class WebhookDispatcher {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly queues = new Map<string, TargetQueue>();
  private finished: FinishedAttempt[] = [];
  private toRelease: InFlight[] = [];
  private writing: Promise<void> | undefined;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private pumping: Promise<void> | undefined;
  private wakeRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastPrune = 0;
  private lastConsumerTenantsCheck = Number.NEGATIVE_INFINITY;
  private lastPassStartedAt = Number.NEGATIVE_INFINITY;
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly dependencies: DispatcherDependencies) {}

  /** Deliveries this instance holds: waiting for a slot, being sent, or being recorded. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.unsubscribe = this.dependencies.notifier?.subscribe(() => this.wake());
    this.wake();
  }

  /** Asks for a pass now (coalesced with one under way). */
  wake(): void {
    if (this.state !== 'running') return;
    this.wakeRequested = true;
    if (this.pumping !== undefined || this.wakeTimer !== undefined) return;
    const wait = this.lastPassStartedAt + MIN_PASS_INTERVAL_MS - performance.now();
    if (wait > 0) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.wake();
      }, wait);
      this.wakeTimer.unref();
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      this.schedule();
    });
  }

  /**
   * Runs passes until nothing is due and nothing is in flight. For tests and
   * tools that want the deliveries done now; works whether or not the
   * dispatcher was started (it does not start its timer).
   */
  async drain(): Promise<void> {
    for (;;) {
      await this.pumping;
      const claimed = await this.pass();
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((flight) => flight.done));
      else if (claimed === 0) return;
    }
  }

  /** Waits for the calls of this consumer's handler under way (its handle's stop, once it is out of `consumers`). */
  async settleConsumer(name: string): Promise<void> {
    await Promise.all([...this.inFlight.values()].filter((flight) => flight.delivery.consumerName === name).map((flight) => flight.done));
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    this.unsubscribe?.();
    clearTimeout(this.timer);
    clearTimeout(this.wakeTimer);
    await this.pumping;
    // Claimed but not sent: handed back at once.
    for (const queue of this.queues.values()) {
      for (const delivery of queue.waiting.splice(0)) this.release(this.inFlight.get(delivery.id)!);
    }
    const flights = [...this.inFlight.values()];
    const allDone = Promise.all(flights.map((flight) => flight.done));
    await Promise.race([allDone, delay(this.dependencies.settings.shutdownGraceMs, undefined, { ref: false })]);
    const unfinished = [...this.inFlight.values()];
    for (const flight of unfinished) flight.abort.abort();
    await Promise.all(unfinished.map((flight) => flight.done));
    this.state = 'stopped';
  }

  private schedule(): void {
    if (this.state !== 'running') return;
    if (this.wakeRequested) return this.wake();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), this.dependencies.settings.pollIntervalMs);
    // The poll alone never keeps the process alive.
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    if (this.wakeRequested && this.state === 'running') {
      this.wakeRequested = false;
      this.lastPassStartedAt = performance.now();
      await this.pass();
    }
  }

  /** Enqueue, then claim into the free slots and start sending. Returns how many were claimed. */
  private async pass(): Promise<number> {
    const { webhooks, attempt, settings, logger } = this.dependencies;
    try {
      const { more } = await enqueueNewEvents(webhooks, attempt.now);
      if (more) this.wakeRequested = true;
      await this.pruneNowAndThen();
      await this.addConsumerTenantsNowAndThen();
      const free = settings.claimBatch - this.inFlight.size;
      if (free <= 0 || this.state === 'stopping' || this.state === 'stopped') return 0;
      const now = attempt.now();
      const claimed = await webhooks.claimDeliveries({
        targets: { webhooks: settings.deliverWebhooks, consumers: [...this.dependencies.consumers.keys()] },
        now: now.toISOString(),
        claimedUntil: new Date(now.getTime() + settings.leaseMs).toISOString(),
        limit: free,
        claimToken: randomUUID(),
      });
      // All are queued before any is sent, so a webhook taking several events per request finds them together.
      const targets = new Set(claimed.map((delivery) => this.launch(delivery)));
      for (const targetId of targets) {
        const queue = this.queues.get(targetId);
        if (queue !== undefined) this.sendFrom(targetId, queue);
      }
      // A full batch suggests more are due.
      if (claimed.length === free) this.wakeRequested = true;
      return claimed.length;
    } catch (error) {
      // The database may be briefly unreachable: the next poll tries again; pending work stays in the tables.
      logger.error({ err: error }, 'webhook dispatcher pass failed; retrying at the next poll');
      return 0;
    }
  }

  /** Holds the claimed delivery in its target's queue; returns the target's id. */
  private launch(delivery: ClaimedDelivery): string {
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const flight: InFlight = { delivery, abort: new AbortController(), done, settle };
    this.inFlight.set(delivery.id, flight);
    let queue = this.queues.get(delivery.webhookId);
    if (queue === undefined) {
      queue = { waiting: [], sending: 0 };
      this.queues.set(delivery.webhookId, queue);
    }
    // Claims come in (next attempt, sequence) order, and each target sends in the order it was handed them.
    queue.waiting.push(delivery);
    return delivery.webhookId;
  }

  /** Starts the target's next requests while it has free slots: each takes one delivery, or several for a webhook that accepts them. */
  private sendFrom(targetId: string, queue: TargetQueue): void {
    const { settings } = this.dependencies;
    while (queue.sending < settings.concurrency && queue.waiting.length > 0) {
      const flights = this.nextRequest(queue);
      if (flights.length === 0) continue;
      queue.sending += 1;
      void this.send(flights).finally(() => {
        queue.sending -= 1;
        this.sendFrom(targetId, queue);
      });
    }
    if (queue.sending === 0 && queue.waiting.length === 0) this.queues.delete(targetId);
  }

  /**
   * The next request's deliveries, taken from the front of the queue: up to
   * the webhook's `maxEventsPerRequest` (a consumer's handler takes one at a
   * time). Those with too little lease left, or any once stopping, are
   * released instead; the result is empty when all were.
   */
  private nextRequest(queue: TargetQueue): InFlight[] {
    const { settings, attempt } = this.dependencies;
    const head = queue.waiting[0]!;
    const most = head.consumerName === undefined ? Math.max(1, head.maxEventsPerRequest) : 1;
    const now = attempt.now().getTime();
    const flights: InFlight[] = [];
    for (const delivery of queue.waiting.splice(0, most)) {
      const flight = this.inFlight.get(delivery.id)!;
      const leaseLeft = Date.parse(delivery.claimedUntil ?? '') - now;
      if (this.state === 'stopping' || this.state === 'stopped' || !(leaseLeft >= settings.attemptWindowMs)) this.release(flight);
      else flights.push(flight);
    }
    return flights;
  }

  private async send(flights: readonly InFlight[]): Promise<void> {
    const [first] = flights;
    if (first === undefined) return;
    let records: readonly AttemptRecord[] | undefined;
    try {
      const consumerName = first.delivery.consumerName;
      if (consumerName !== undefined) {
        const record = await this.callConsumer(first.delivery, consumerName, first.abort.signal);
        records = record === undefined ? undefined : [record];
      } else {
        // Each delivery keeps its own abort (stop() aborts them one by one); the request stops at the first.
        const signal = flights.length === 1 ? first.abort.signal : AbortSignal.any(flights.map((flight) => flight.abort.signal));
        records = await attemptDeliveries(flights.map((flight) => flight.delivery), this.dependencies.attempt, signal);
      }
    } catch (error) {
      // Not recorded: the claims are handed back and the deliveries tried again (at least once, never lost).
      this.dependencies.logger.error({ err: error, deliveryIds: flights.map((flight) => flight.delivery.id) }, 'webhook delivery attempt failed unexpectedly');
    }
    for (const [index, flight] of flights.entries()) {
      const record = records?.[index];
      if (record === undefined) this.release(flight);
      else this.finished.push({ flight, record });
    }
    this.write();
  }

  private release(flight: InFlight): void {
    this.toRelease.push(flight);
    this.write();
  }

  /**
   * Writes every finished attempt and release so far in one go; what
   * finishes meanwhile waits for the next write, so under load each write
   * carries a batch and the writes never outnumber the database.
   */
  private write(): void {
    if (this.writing !== undefined) return;
    const waiting = this.finished.length + this.toRelease.length;
    if (waiting === 0) return;
    // A small batch waits a moment for the answers on their way: started at once, each attempt would be written
    // alone (SQLite's statements block the loop that would deliver the others), a commit per delivery again.
    const wait = waiting >= WRITE_BATCH ? 0 : WRITE_WAIT_MS;
    this.writing = delay(wait)
      .then(() => this.writeBatch())
      .finally(() => {
        this.writing = undefined;
        this.write();
        // Room to claim, and the next delivery of each recorded resource may be due.
        this.wake();
      });
  }

  private async writeBatch(): Promise<void> {
    const { webhooks, attempt, logger, observer } = this.dependencies;
    const finished = this.finished;
    const released = this.toRelease;
    this.finished = [];
    this.toRelease = [];
    try {
      const byToken = new Map<string, string[]>();
      for (const { delivery } of released) {
        const ids = byToken.get(delivery.claimToken);
        if (ids === undefined) byToken.set(delivery.claimToken, [delivery.id]);
        else ids.push(delivery.id);
      }
      for (const [claimToken, deliveryIds] of byToken) await webhooks.releaseClaims(claimToken, deliveryIds);
    } catch (error) {
      // Not released: the lease runs out and another pass claims them.
      logger.error({ err: error, deliveries: released.length }, 'could not release webhook delivery claims');
    }
    try {
      if (finished.length > 0) await webhooks.recordAttempts(finished.map(({ record }) => record));
      const now = attempt.now();
      for (const { flight, record } of finished) {
        observer?.deliveryAttempted(record.outcome.kind, record.outcome.kind === 'succeeded' ? commitLagSeconds(flight.delivery, now) : undefined);
        if (record.disableWebhook !== undefined) logger.warn({ webhookId: flight.delivery.webhookId }, record.disableWebhook);
      }
    } catch (error) {
      // Not recorded: the lease runs out and the deliveries are tried again (at least once, never lost).
      logger.error({ err: error, deliveries: finished.length }, 'could not record webhook delivery attempts');
    }
    for (const flight of [...released, ...finished.map(({ flight }) => flight)]) {
      this.inFlight.delete(flight.delivery.id);
      flight.settle();
    }
  }

  /**
   * A consumer's handler with the delivery. Undefined (nothing recorded, the
   * claim released) when the consumer was stopped since the claim, or when
   * shutdown gave up waiting for the handler: it is called again later, at
   * least once, never lost.
   */
  private async callConsumer(delivery: ClaimedDelivery, name: string, signal: AbortSignal): Promise<AttemptRecord | undefined> {
    const consumer = this.dependencies.consumers.get(name);
    if (consumer === undefined) return undefined;
    const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    const record = await Promise.race([attemptConsumerDelivery(delivery, consumer, this.dependencies.consumerAttempt), aborted]);
    if (record?.error !== undefined) {
      const parked = record.outcome.kind === 'failed';
      this.dependencies.logger.warn(
        { consumer: name, deliveryId: delivery.id, eventId: delivery.eventId, eventType: delivery.eventType, attempt: delivery.attempts + 1, error: record.error },
        parked ? 'consumer handler failed; the event is parked for this consumer (replay it through the admin API or CLI)' : 'consumer handler failed; retrying with backoff',
      );
    }
    return record;
  }

  /** Tenants created since a consumer was registered get its row, checked once a poll interval. */
  private async addConsumerTenantsNowAndThen(): Promise<void> {
    const { consumers, webhooks, attempt, settings } = this.dependencies;
    if (consumers.size === 0) return;
    const now = performance.now();
    if (now - this.lastConsumerTenantsCheck < settings.pollIntervalMs) return;
    this.lastConsumerTenantsCheck = now;
    for (const consumer of consumers.values()) {
      await webhooks.addConsumerTenants({ name: consumer.name, eventTypes: consumer.types, tenants: consumer.tenants, now: attempt.now().toISOString(), newTargetId: randomUUID });
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.dependencies.attempt.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.dependencies.webhooks.pruneDeliveries(new Date(now - this.dependencies.settings.deliveryRetentionMs).toISOString());
  }
}
