/**
 * `scimitar.events.consume(…)`: registers a durable consumer in this process.
 * Its rows are written first (the consumer's cursor per tenant, its event
 * types), then the dispatcher starts handing it events; a database that
 * does not answer at start-up delays the registration, which is tried
 * again each poll interval, and loses nothing (the cursor waits in the
 * database, retention keeps the events it has not taken).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { EventType } from '../events/event.js';
import type { WebhookStore } from '../store/webhook-store.js';
import type { DispatcherLogger, WebhookDispatcher } from '../webhooks/dispatcher.js';
import { registeredConsumer, type ConsumerHandle, type ConsumerOptions, type RegisteredConsumer } from './consumer.js';

export interface EventConsumersDependencies {
  readonly webhooks: WebhookStore;
  /** The map the dispatcher claims for: a consumer is in it while this process hands it events. */
  readonly registered: Map<string, RegisteredConsumer>;
  readonly dispatcher: WebhookDispatcher;
  /** The event types of this server (built-in and registered resource types'). */
  readonly catalogue: readonly EventType[];
  readonly now: () => Date;
  readonly retryIntervalMs: number;
  readonly logger: () => DispatcherLogger;
}

export class EventConsumers {
  /** Names consumed in this process, registered or still registering. */
  private readonly names = new Set<string>();
  private readonly closing = new AbortController();

  constructor(private readonly dependencies: EventConsumersDependencies) {}

  /** Hands the events of `options.types` to `options.handler`, at least once, in order per resource, after commit (docs/embedding.md). */
  consume(options: ConsumerOptions): ConsumerHandle {
    const consumer = registeredConsumer(options, this.dependencies.catalogue);
    const { name } = consumer;
    if (this.names.has(name)) throw new TypeError(`Consumer ${name} is already consumed in this process; stop its handle first`);
    if (this.closing.signal.aborted) throw new TypeError('Scimitar is closed: no consumer can start');
    this.names.add(name);
    const stopped = new AbortController();
    const signal = AbortSignal.any([stopped.signal, this.closing.signal]);
    const registering = this.register(consumer, signal);
    let stopping: Promise<void> | undefined;
    return {
      name,
      stop: () => {
        stopping ??= (async () => {
          stopped.abort();
          await registering;
          this.dependencies.registered.delete(name);
          await this.dependencies.dispatcher.settleConsumer(name);
          this.names.delete(name);
        })();
        return stopping;
      },
    };
  }

  /** No new registration; those being retried give up (the dispatcher's stop handles the rest). */
  close(): void {
    this.closing.abort();
  }

  private async register(consumer: RegisteredConsumer, signal: AbortSignal): Promise<void> {
    const { webhooks, registered, dispatcher } = this.dependencies;
    while (!signal.aborted) {
      try {
        await webhooks.registerConsumer({ name: consumer.name, eventTypes: consumer.types, tenants: consumer.tenants, now: this.dependencies.now().toISOString(), newTargetId: randomUUID });
        if (signal.aborted) return;
        registered.set(consumer.name, consumer);
        dispatcher.start();
        dispatcher.wake();
        return;
      } catch (error) {
        this.dependencies.logger().error({ err: error, consumer: consumer.name }, 'could not register a consumer; trying again');
        await delay(this.dependencies.retryIntervalMs, undefined, { signal, ref: false }).catch(() => undefined);
      }
    }
  }
}
