/**
 * The storage port of webhooks: their configuration, the deliveries made
 * from the outbox's events, and every attempt.
 *
 * Everything that must hold with several instances on one database is done
 * here, in one transaction each: enqueueing (each event becomes at most one
 * delivery per webhook: the webhook row is locked while its events are
 * read, and UNIQUE (webhook_id, sequence) backs it), claiming (row locks
 * that skip rows another instance holds, plus a lease) and recording an
 * attempt (the delivery row is locked, so attempt numbers never collide).
 */
import type { EventType } from '../events/event.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface StoredWebhook {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  /** Empty: every event type. */
  readonly eventTypes: readonly EventType[];
  readonly enabled: boolean;
  readonly description: string;
  /** The signing secret, encrypted (secret-box.ts); the store never sees it in clear. */
  readonly secret: string;
  /** The secret before the last rotation, encrypted; it signs too until `previousSecretExpiresAt`. */
  readonly previousSecret: string | undefined;
  readonly previousSecretExpiresAt: string | undefined;
  /** Why Scimitar itself disabled the webhook (e.g. the endpoint answered 410 Gone); cleared when it is enabled again. */
  readonly disabledReason: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The last sequence of the tenant's events already turned into deliveries (or skipped) for this webhook. */
  readonly enqueuedThrough: number;
  /**
   * Set when the row is a durable in-process consumer's target in this
   * tenant (src/consumers), not an HTTP webhook: no URL, no secret; its
   * deliveries are calls of the consumer's handler.
   */
  readonly consumerName: string | undefined;
  /**
   * How many of its deliveries one POST may carry, as a JSON array of the
   * events; 1 (the default): one event per request, the event itself the body.
   */
  readonly maxEventsPerRequest: number;
}

export interface NewWebhook {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly eventTypes: readonly EventType[];
  readonly enabled: boolean;
  readonly description: string;
  readonly secret: string;
  readonly now: string;
  /** Absent: 1, one event per request. */
  readonly maxEventsPerRequest?: number;
}

/** What an update changes; absent fields are kept. */
export interface WebhookChanges {
  readonly url?: string;
  readonly eventTypes?: readonly EventType[];
  readonly enabled?: boolean;
  readonly description?: string;
  readonly maxEventsPerRequest?: number;
  /** Sets `disabled_reason` (null clears it). */
  readonly disabledReason?: string | null;
  /** A rotation: the new secret, and the old one with the end of its overlap. */
  readonly rotation?: { readonly secret: string; readonly previousSecret: string; readonly previousSecretExpiresAt: string };
}

export interface StoredDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly tenantId: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly eventType: EventType;
  readonly resourceType: string;
  readonly resourceId: string;
  /** The event's JSON, exactly the body sent. */
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  /**
   * Where the retry budget (max attempts, max age) starts: creation, or the
   * last replay, which gives a delivery a fresh schedule; `attempts` is the
   * attempt count at that point.
   */
  readonly retryWindow: { readonly start: string; readonly attempts: number };
  /** Set while an instance holds the delivery (its lease end). */
  readonly claimedUntil: string | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: string;
  readonly completedAt: string | undefined;
}

export interface StoredAttempt {
  readonly deliveryId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** The HTTP status answered; undefined when no response came (refused, timed out, connection error). */
  readonly statusCode: number | undefined;
  readonly error: string | undefined;
  /** The first bytes of the response body (at most 1 KiB), as text. */
  readonly responseExcerpt: string | undefined;
}

/** A delivery claimed for sending, with what sending needs from its webhook. */
export interface ClaimedDelivery extends StoredDelivery {
  readonly claimToken: string;
  /** The consumer whose handler takes the delivery; undefined for an HTTP webhook. */
  readonly consumerName: string | undefined;
  readonly url: string;
  readonly secret: string;
  readonly previousSecret: string | undefined;
  readonly previousSecretExpiresAt: string | undefined;
  /** The webhook's setting when claimed: above 1, the dispatcher sends its claimed deliveries together, this many at most per request. */
  readonly maxEventsPerRequest: number;
}

export interface EnqueueOptions {
  readonly now: string;
  /** Most webhooks handled in one call (one transaction). */
  readonly webhookLimit: number;
  /** Most events read per webhook in one call. */
  readonly eventLimit: number;
  readonly newDeliveryId: () => string;
}

export interface EnqueueResult {
  /** Deliveries created. */
  readonly enqueued: number;
  /** Whether some webhook still has events to enqueue (call again). */
  readonly more: boolean;
}

/** Whose deliveries a claim takes: an instance claims only what it can deliver. */
export interface ClaimTargets {
  /** HTTP webhooks' deliveries. */
  readonly webhooks: boolean;
  /** The deliveries of these consumers (those registered in this process). */
  readonly consumers: readonly string[];
}

export interface ClaimOptions {
  readonly now: string;
  readonly targets: ClaimTargets;
  /** The lease: another instance may claim the delivery after this. */
  readonly claimedUntil: string;
  readonly limit: number;
  readonly claimToken: string;
}

/** What an attempt led to. */
export type AttemptOutcome =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'retry'; readonly nextAttemptAt: string }
  | { readonly kind: 'failed' };

export interface AttemptRecord {
  readonly deliveryId: string;
  readonly claimToken: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly statusCode: number | undefined;
  readonly error: string | undefined;
  readonly responseExcerpt: string | undefined;
  readonly outcome: AttemptOutcome;
  readonly now: string;
  /** Disable the delivery's webhook, for this reason (the endpoint answered 410 Gone). */
  readonly disableWebhook?: string;
}

/** A durable consumer as its process declares it (src/consumers). */
export interface ConsumerRegistration {
  readonly name: string;
  /** Empty: every event type. */
  readonly eventTypes: readonly EventType[];
  /** The tenants it reads; undefined: every tenant, those created later included. */
  readonly tenants: readonly string[] | undefined;
  readonly now: string;
  readonly newTargetId: () => string;
}

export interface DeliveryPageQuery {
  readonly status: DeliveryStatus | undefined;
  readonly limit: number;
  /** Deliveries with a sequence above this one (the previous page's last). */
  readonly afterSequence: number | undefined;
}

export interface WebhookStore {
  /** Starts the webhook at the tenant's current last sequence: it receives the changes made from now on. */
  insertWebhook(webhook: NewWebhook): Promise<StoredWebhook>;
  /** By id alone: ids are unique across tenants (callers check the tenant). Never a consumer's row. */
  getWebhook(webhookId: string): Promise<StoredWebhook | undefined>;
  /** A tenant's webhooks, oldest first (consumers' rows are not webhooks). */
  listWebhooks(tenantId: string): Promise<readonly StoredWebhook[]>;
  /** Undefined when absent. */
  updateWebhook(webhookId: string, changes: WebhookChanges, now: string): Promise<StoredWebhook | undefined>;
  /** Deletes it with its deliveries and attempts. False when absent. */
  deleteWebhook(webhookId: string): Promise<boolean>;

  /**
   * Turns webhooks' new events (sequence > enqueued_through) into pending
   * deliveries — only those of the types a webhook asked for; a disabled
   * webhook gets none — and advances enqueued_through past every event read.
   * Webhooks another instance is enqueueing are skipped, never waited for.
   */
  enqueueDeliveries(options: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Claims due deliveries of enabled webhooks: pending, next attempt due,
   * no live lease, and no earlier pending delivery of the same webhook for
   * the same resource (order per resource). Rows another instance is
   * claiming are skipped.
   */
  claimDeliveries(options: ClaimOptions): Promise<readonly ClaimedDelivery[]>;
  /**
   * Records attempts and their outcomes, in one transaction (the dispatcher
   * writes a batch of finished deliveries at once instead of a transaction
   * per delivery). Each counts as one attempt of its delivery, in the order
   * given. A success always completes a pending delivery; a failure changes
   * its state only while the claim is still the record's (a lease that
   * expired and was taken over leaves the new holder in charge). Returns,
   * per record in order, whether its delivery existed.
   */
  recordAttempts(records: readonly AttemptRecord[]): Promise<readonly boolean[]>;
  /** Gives up these claims (shutdown), so another instance may send the deliveries at once. */
  releaseClaims(claimToken: string, deliveryIds: readonly string[]): Promise<void>;

  /**
   * Makes a consumer's rows match its registration: one per tenant it reads,
   * a new one starting before the tenant's oldest retained event (a consumer
   * misses nothing that is still kept), its event types on every row, and
   * none left for a tenant it no longer reads. Idempotent, and safe from
   * several instances at once.
   */
  registerConsumer(registration: ConsumerRegistration): Promise<void>;
  /**
   * Adds the rows of tenants created since the consumer was registered;
   * the usual answer, "none missing", is read without a transaction.
   */
  addConsumerTenants(registration: ConsumerRegistration): Promise<number>;
  /** A tenant's consumer rows, by name. */
  listConsumers(tenantId: string): Promise<readonly StoredWebhook[]>;
  findConsumer(name: string, tenantId: string): Promise<StoredWebhook | undefined>;
  /** Removes a consumer that is no longer used, in every tenant, with its deliveries; returns how many rows (tenants) it had. */
  deleteConsumer(name: string): Promise<number>;

  /** A webhook's deliveries in sequence order. */
  listDeliveries(webhookId: string, query: DeliveryPageQuery): Promise<readonly StoredDelivery[]>;
  getDelivery(webhookId: string, deliveryId: string): Promise<StoredDelivery | undefined>;
  listAttempts(deliveryId: string): Promise<readonly StoredAttempt[]>;
  /** A failed delivery becomes pending again, due now; its attempts are kept. False when it is not failed. */
  replayDelivery(webhookId: string, deliveryId: string, now: string): Promise<boolean>;
  /** Every failed delivery of the webhook becomes pending again. Returns how many. */
  replayFailed(webhookId: string, now: string): Promise<number>;
  /** Removes succeeded and failed deliveries completed before `before`. Returns how many. */
  pruneDeliveries(before: string): Promise<number>;
}
