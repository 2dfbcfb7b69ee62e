/**
 * The delivery dispatcher of one instance, for HTTP webhooks and durable
 * in-process consumers alike (src/consumers: a consumer's delivery is a
 * call of its handler instead of a POST). Each pass enqueues new events,
 * then claims as many due deliveries as it has free slots (`concurrency`)
 * and sends them; when one finishes, its slot is free and the next pass
 * starts. A pass runs at once when this instance commits events (the
 * EventNotifier) and otherwise every `pollIntervalMs`, which is how events
 * committed by other instances, and retries falling due, are found.
 *
 * Several instances on one database share the work through the store's
 * row locks and leases (webhook-store.ts): nothing is coordinated in memory.
 *
 * Passes start at most every MIN_PASS_INTERVAL_MS: under a burst of writes
 * (an initial sync commits thousands of changes a second) one pass takes
 * all the events committed since the last, instead of one pass per commit
 * competing with the writes for the database.
 *
 * `stop()`: no new pass or claim; deliveries in flight get `shutdownGraceMs`
 * to finish, then are aborted without an attempt being recorded and their
 * claims are released, so another instance (or this one restarted) sends
 * them at once instead of after the lease.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ScimitarEvent } from '../events/event.js';
import type { EventNotifier } from '../events/notifier.js';
import type { DeliveryObserver } from '../metrics/observers.js';
import type { AttemptRecord, ClaimedDelivery, WebhookStore } from '../store/webhook-store.js';
import type { RegisteredConsumer } from '../consumers/consumer.js';
import { attemptConsumerDelivery, type ConsumerAttemptSettings } from '../consumers/consumer-attempt.js';
import { attemptDelivery, type AttemptSettings } from './delivery-attempt.js';
import { enqueueNewEvents } from './enqueuer.js';

export interface DispatcherSettings {
  /** Whether this instance sends HTTP webhooks' deliveries (consumers' are taken by the instances that registered them). */
  readonly deliverWebhooks: boolean;
  readonly pollIntervalMs: number;
  /** Deliveries in flight at once in this instance. */
  readonly concurrency: number;
  /** How long a claim holds a delivery; longer than an attempt can take, so a live instance never loses one. */
  readonly leaseMs: number;
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
  readonly done: Promise<void>;
}

const PRUNE_EVERY_MS = 3_600_000;
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

  /** Deliveries being sent right now. */
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
      const free = settings.concurrency - this.inFlight.size;
      if (free <= 0 || this.state === 'stopping' || this.state === 'stopped') return 0;
      const now = attempt.now();
      const claimed = await webhooks.claimDeliveries({
        targets: { webhooks: settings.deliverWebhooks, consumers: [...this.dependencies.consumers.keys()] },
        now: now.toISOString(),
        claimedUntil: new Date(now.getTime() + settings.leaseMs).toISOString(),
        limit: free,
        claimToken: randomUUID(),
      });
      for (const delivery of claimed) this.launch(delivery);
      // A full batch suggests more are due.
      if (claimed.length === free) this.wakeRequested = true;
      return claimed.length;
    } catch (error) {
      // The database may be briefly unreachable: the next poll tries again; pending work stays in the tables.
      logger.error({ err: error }, 'webhook dispatcher pass failed; retrying at the next poll');
      return 0;
    }
  }

  private launch(delivery: ClaimedDelivery): void {
    const abort = new AbortController();
    const done = this.deliver(delivery, abort.signal).finally(() => {
      this.inFlight.delete(delivery.id);
      // A free slot, and maybe the next delivery of the same resource is due.
      this.wake();
    });
    this.inFlight.set(delivery.id, { delivery, abort, done });
  }

  private async deliver(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const { webhooks, attempt, logger } = this.dependencies;
    try {
      const record = delivery.consumerName === undefined ? await attemptDelivery(delivery, attempt, signal) : await this.callConsumer(delivery, delivery.consumerName, signal);
      if (record === undefined) {
        await webhooks.releaseClaims(delivery.claimToken, [delivery.id]);
        return;
      }
      await webhooks.recordAttempt(record);
      this.dependencies.observer?.deliveryAttempted(record.outcome.kind, record.outcome.kind === 'succeeded' ? commitLagSeconds(delivery, attempt.now()) : undefined);
      if (record.disableWebhook !== undefined) logger.warn({ webhookId: delivery.webhookId }, record.disableWebhook);
    } catch (error) {
      // Not recorded: the lease runs out and the delivery is tried again (at least once, never lost).
      logger.error({ err: error, deliveryId: delivery.id }, 'could not record a webhook delivery attempt');
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
