/** Builds an instance's webhook dispatcher from the configuration: the composition root's one call. */
import type { WebhookSettings } from '../config/config.js';
import type { EventNotifier } from '../events/notifier.js';
import type { DeliveryObserver } from '../metrics/observers.js';
import type { WebhookStore } from '../store/webhook-store.js';
import { webhookUserAgent } from './delivery-attempt.js';
import { WebhookDispatcher, type DispatcherLogger } from './dispatcher.js';
import type { RetrySettings } from './retry-policy.js';
import { SecretBox } from './secret-box.js';
import type { RegisteredConsumer } from '../consumers/consumer.js';

/** What is kept of a response body, per attempt. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** An attempt is started only with this much of its lease left beyond the timeout: time to record it. */
const RECORD_MARGIN_MS = 5_000;
/** A claim outlives the longest attempt by this much, besides the wait for a free slot (one timeout). */
const LEASE_MARGIN_MS = 15_000;
/**
 * Deliveries one claim takes, at most: enough for a pass every few
 * milliseconds to keep thousands a second in flight, few enough that a
 * slow target's claimed deliveries are sent well within their lease.
 */
export const CLAIM_BATCH = 256;

export interface WebhookDispatcherOptions {
  readonly webhooks: WebhookStore;
  readonly notifier: EventNotifier | undefined;
  /** The server secret, from which the key of the sealed signing secrets is derived. */
  readonly serverSecret: string;
  readonly settings: WebhookSettings;
  /** Completed deliveries are kept this many days (the events' retention). */
  readonly retentionDays: number;
  readonly now: () => Date;
  readonly logger: DispatcherLogger;
  /** Told of every recorded attempt (metrics). */
  readonly observer?: DeliveryObserver;
  /** Jitter source of retry waits (default Math.random). */
  readonly random?: () => number;
  /** Whether this instance sends HTTP webhooks (default true). */
  readonly deliverWebhooks?: boolean;
  /** The durable consumers this process registers (src/consumers), by name (default none). */
  readonly consumers?: ReadonlyMap<string, RegisteredConsumer>;
}

export function retrySettingsOf(settings: WebhookSettings): RetrySettings {
  return {
    baseDelayMs: settings.retryBaseMs,
    maxDelayMs: settings.retryMaxMs,
    maxAttempts: settings.maxAttempts,
    maxAgeMs: settings.maxAgeHours * 3_600_000,
  };
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { settings } = options;
  return new WebhookDispatcher({
    webhooks: options.webhooks,
    notifier: options.notifier,
    logger: options.logger,
    ...(options.observer !== undefined ? { observer: options.observer } : {}),
    consumers: options.consumers ?? new Map(),
    consumerAttempt: { baseDelayMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxMs, now: options.now, random: options.random ?? Math.random },
    attempt: {
      secrets: new SecretBox(options.serverSecret),
      send: {
        timeoutMs: settings.timeoutMs,
        policy: { allowPrivate: settings.allowPrivate, allowedHosts: settings.allowedHosts },
        excerptBytes: RESPONSE_EXCERPT_BYTES,
      },
      retry: retrySettingsOf(settings),
      userAgent: webhookUserAgent(),
      now: options.now,
      random: options.random ?? Math.random,
    },
    settings: {
      deliverWebhooks: options.deliverWebhooks ?? true,
      pollIntervalMs: settings.pollIntervalMs,
      concurrency: settings.concurrency,
      claimBatch: Math.max(CLAIM_BATCH, settings.concurrency),
      // A delivery may wait for a slot behind others of its target: up to about one timeout's worth.
      leaseMs: 2 * settings.timeoutMs + LEASE_MARGIN_MS,
      attemptWindowMs: settings.timeoutMs + RECORD_MARGIN_MS,
      shutdownGraceMs: settings.timeoutMs + 1_000,
      deliveryRetentionMs: options.retentionDays * 86_400_000,
    },
  });
}
