/**
 * Between webhook, delivery and attempt rows and the port's objects: the
 * tables have the same columns on every database (booleans, JSON text and
 * bigints aside, which the dialect's decoders and `Number` absorb), so the row shapes, column lists,
 * mappers and the enqueue plan live here once.
 */
import type { EventType, ScimitarEvent } from '../events/event.js';
import type { SqlDialect } from './sql/dialect.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryStatus, StoredAttempt, StoredDelivery, StoredWebhook } from './webhook-store.js';

export const WEBHOOK_COLUMNS =
  'id, tenant_id, url, event_types, enabled, description, secret, previous_secret, previous_secret_expires_at, disabled_reason, created_at, updated_at, enqueued_through, consumer_name, max_events_per_request';

/** How the database returns the columns whose form differs between drivers (see SqlDialect). */
export type ColumnDecoding = Pick<SqlDialect, 'decodeBoolean' | 'decodeJson'>;

export interface WebhookRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly url: string;
  /** A JSON array, as text (or parsed, should a driver parse it). */
  readonly event_types: unknown;
  readonly enabled: unknown;
  readonly description: string;
  readonly secret: string;
  readonly previous_secret: string | null;
  readonly previous_secret_expires_at: string | null;
  readonly disabled_reason: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** node-postgres returns bigint as a string. */
  readonly enqueued_through: number | string;
  readonly consumer_name: string | null;
  readonly max_events_per_request: number | string;
}

export function webhookFromRow(row: WebhookRow, decoding: ColumnDecoding): StoredWebhook {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    eventTypes: decoding.decodeJson(row.event_types) as EventType[],
    enabled: decoding.decodeBoolean(row.enabled) === true,
    description: row.description,
    secret: row.secret,
    previousSecret: row.previous_secret ?? undefined,
    previousSecretExpiresAt: row.previous_secret_expires_at ?? undefined,
    disabledReason: row.disabled_reason ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    enqueuedThrough: Number(row.enqueued_through),
    consumerName: row.consumer_name ?? undefined,
    maxEventsPerRequest: Number(row.max_events_per_request),
  };
}

export const DELIVERY_COLUMNS =
  'id, webhook_id, tenant_id, sequence, event_id, event_type, resource_type, resource_id, payload, status, attempts, next_attempt_at, retry_window_start, retry_window_attempts, claimed_until, last_error, created_at, completed_at';

/** DELIVERY_COLUMNS qualified by a table alias, for joins. */
export function deliveryColumnsOf(alias: string): string {
  return DELIVERY_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

export interface DeliveryRow {
  readonly id: string;
  readonly webhook_id: string;
  readonly tenant_id: string;
  readonly sequence: number | string;
  readonly event_id: string;
  readonly event_type: string;
  readonly resource_type: string;
  readonly resource_id: string;
  readonly payload: string;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: string;
  readonly retry_window_start: string;
  readonly retry_window_attempts: number;
  readonly claimed_until: string | null;
  readonly last_error: string | null;
  readonly created_at: string;
  readonly completed_at: string | null;
}

export function deliveryFromRow(row: DeliveryRow): StoredDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    sequence: Number(row.sequence),
    eventId: row.event_id,
    eventType: row.event_type as EventType,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    retryWindow: { start: row.retry_window_start, attempts: Number(row.retry_window_attempts) },
    claimedUntil: row.claimed_until ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: row.created_at,
    completedAt: row.completed_at ?? undefined,
  };
}

/** A claimed delivery row: the delivery's columns, its claim token, and its target's url and secrets (a webhook) or name (a consumer). */
export interface ClaimedRow extends DeliveryRow {
  readonly claim_token: string;
  readonly consumer_name: string | null;
  readonly url: string;
  readonly secret: string;
  readonly previous_secret: string | null;
  readonly previous_secret_expires_at: string | null;
  readonly max_events_per_request: number | string;
}

export function claimedFromRow(row: ClaimedRow): ClaimedDelivery {
  return {
    ...deliveryFromRow(row),
    claimToken: row.claim_token,
    consumerName: row.consumer_name ?? undefined,
    url: row.url,
    secret: row.secret,
    previousSecret: row.previous_secret ?? undefined,
    previousSecretExpiresAt: row.previous_secret_expires_at ?? undefined,
    maxEventsPerRequest: Number(row.max_events_per_request),
  };
}

export const ATTEMPT_COLUMNS = 'delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt';

export interface AttemptRow {
  readonly delivery_id: string;
  readonly attempt: number;
  readonly started_at: string;
  readonly duration_ms: number;
  readonly status_code: number | null;
  readonly error: string | null;
  readonly response_excerpt: string | null;
}

export function attemptFromRow(row: AttemptRow): StoredAttempt {
  return {
    deliveryId: row.delivery_id,
    attempt: Number(row.attempt),
    startedAt: row.started_at,
    durationMs: Number(row.duration_ms),
    statusCode: row.status_code ?? undefined,
    error: row.error ?? undefined,
    responseExcerpt: row.response_excerpt ?? undefined,
  };
}

/** A delivery row to insert. */
export interface NewDeliveryRow {
  readonly id: string;
  readonly webhookId: string;
  readonly tenantId: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly eventType: EventType;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload: string;
  readonly now: string;
}

/** A webhook with events to enqueue, as the enqueue reads it. */
export interface EnqueueCandidate {
  readonly id: string;
  readonly tenantId: string;
  readonly eventTypes: readonly EventType[];
  readonly enabled: boolean;
  readonly enqueuedThrough: number;
  /** The tenant's last event sequence when the candidate was read. */
  readonly lastSequence: number;
}

export interface EnqueueCandidateRow extends Pick<WebhookRow, 'id' | 'tenant_id' | 'event_types' | 'enabled' | 'enqueued_through'> {
  readonly last_sequence: number | string;
}

export function enqueueCandidateFromRow(row: EnqueueCandidateRow, decoding: ColumnDecoding): EnqueueCandidate {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    eventTypes: decoding.decodeJson(row.event_types) as EventType[],
    enabled: decoding.decodeBoolean(row.enabled) === true,
    enqueuedThrough: Number(row.enqueued_through),
    lastSequence: Number(row.last_sequence),
  };
}

/** Outbox rows as an enqueue reads them: the event for its fields, the text for the body sent. */
export function eventsFromPayloads(rows: readonly { readonly payload: string }[]): { event: ScimitarEvent; payload: string }[] {
  return rows.map(({ payload }) => ({ event: JSON.parse(payload) as ScimitarEvent, payload }));
}

/** The delivery's `last_error`: the attempt's error, or its HTTP status when that was the failure. */
export function attemptSummary(record: AttemptRecord): string | undefined {
  if (record.outcome.kind === 'succeeded') return undefined;
  return record.error ?? (record.statusCode !== undefined ? `HTTP ${record.statusCode}` : 'failed');
}

/**
 * What enqueueing `events` (the webhook's next events, in sequence order)
 * does: the deliveries of the types it asked for, and how far it has now
 * read. A disabled webhook reads past its events without deliveries, so it
 * never holds back retention nor floods its endpoint when enabled again.
 */
export function planEnqueue(
  webhook: EnqueueCandidate,
  events: readonly { readonly event: ScimitarEvent; readonly payload: string }[],
  now: string,
  newDeliveryId: () => string,
): NewDeliveryRow[] {
  if (!webhook.enabled) return [];
  const wanted = webhook.eventTypes.length === 0 ? undefined : new Set<string>(webhook.eventTypes);
  return events
    .filter(({ event }) => wanted === undefined || wanted.has(event.type))
    .map(({ event, payload }) => ({
      id: newDeliveryId(),
      webhookId: webhook.id,
      tenantId: webhook.tenantId,
      sequence: event.sequence,
      eventId: event.id,
      eventType: event.type,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      payload,
      now,
    }));
}
