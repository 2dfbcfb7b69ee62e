/**
 * Durable in-process consumers: the embedding app's handlers of the outbox's
 * events, each with a named cursor in Scimitar's database, so a change
 * reaches the app's own systems (an auth library's users and sessions)
 * even when the process died between the commit and the call.
 *
 * A consumer is delivered to like a webhook (its rows are webhook rows with
 * a `consumer_name`, migration 0014): enqueued from its cursor, claimed
 * with the same row locks and leases (one instance handles each event),
 * retried with the same backoff, parked (`failed`) after `maxAttempts`,
 * replayed through the admin API and CLI. Only the "send" differs: a call
 * of the handler in this process.
 */
import type { EventType, ScimitarEvent } from '../events/event.js';

/** Handles one event; throwing (or rejecting) means "try again later". */
export type ConsumerHandler = (event: ScimitarEvent) => unknown;

export interface ConsumerOptions {
  /** The durable cursor's name, unique per Scimitar database: the same name after a restart continues where it stopped. */
  readonly name: string;
  /** The event types it takes; default every type. */
  readonly types?: readonly EventType[];
  /** The tenants it reads; default every tenant, those created later included. */
  readonly tenants?: readonly string[];
  readonly handler: ConsumerHandler;
  /** Calls of one event before it is parked for this consumer (default DEFAULT_CONSUMER_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
}

export interface ConsumerHandle {
  readonly name: string;
  /**
   * Stops handing events to this consumer in this process and waits for the
   * calls under way. Its cursor stays: consuming again under the same name
   * (here or in another process) continues from it.
   */
  stop(): Promise<void>;
}

export const DEFAULT_CONSUMER_MAX_ATTEMPTS = 10;
const MAX_CONSUMER_NAME_LENGTH = 200;

/** A registered consumer as the dispatcher calls it. */
export interface RegisteredConsumer {
  readonly name: string;
  readonly types: readonly EventType[];
  readonly tenants: readonly string[] | undefined;
  readonly handler: ConsumerHandler;
  readonly maxAttempts: number;
}

/** Checks what the app passed (programming mistakes are TypeErrors, at the call). */
export function registeredConsumer(options: ConsumerOptions, catalogue: readonly EventType[]): RegisteredConsumer {
  const { name } = options;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_CONSUMER_NAME_LENGTH || name.includes('\u0000')) {
    throw new TypeError(`A consumer needs a name of 1 to ${MAX_CONSUMER_NAME_LENGTH} characters`);
  }
  if (typeof options.handler !== 'function') throw new TypeError(`Consumer ${name} needs a handler function`);
  const types = options.types ?? [];
  const unknown = types.filter((type) => !catalogue.includes(type));
  if (unknown.length > 0) throw new TypeError(`Consumer ${name} asks for unknown event types: ${unknown.join(', ')}`);
  const maxAttempts = options.maxAttempts ?? DEFAULT_CONSUMER_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new TypeError(`Consumer ${name}: maxAttempts must be a whole number of at least 1`);
  if (options.tenants !== undefined && options.tenants.some((tenant) => typeof tenant !== 'string' || tenant === '' || tenant.includes('\u0000'))) {
    throw new TypeError(`Consumer ${name}: tenants must be tenant ids`);
  }
  return { name, types: [...new Set(types)], tenants: options.tenants === undefined ? undefined : [...new Set(options.tenants)], handler: options.handler, maxAttempts };
}
