/**
 * One call of a consumer's handler with one claimed delivery, and what to
 * record: success when it returns, a retry with the webhooks' backoff when
 * it throws, `failed` (parked for this consumer) once `maxAttempts` calls
 * have failed. The delivery's stored body is the event's JSON, parsed
 * afresh for each call so a handler cannot change what a retry sees.
 */
import type { AttemptRecord, ClaimedDelivery } from '../store/webhook-store.js';
import type { ScimitarEvent } from '../events/event.js';
import { decideRetry, type RetrySettings } from '../webhooks/retry-policy.js';
import type { RegisteredConsumer } from './consumer.js';

/** What is kept of a handler's error per attempt, like a response excerpt. */
const ERROR_CHARACTERS = 1024;

export interface ConsumerAttemptSettings {
  /** Backoff bounds (the webhooks' SCIMITAR_WEBHOOK_RETRY_BASE_MS / _MAX_MS). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly now: () => Date;
  readonly random: () => number;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > ERROR_CHARACTERS ? `${text.slice(0, ERROR_CHARACTERS)}…` : text;
}

export async function attemptConsumerDelivery(delivery: ClaimedDelivery, consumer: RegisteredConsumer, settings: ConsumerAttemptSettings): Promise<AttemptRecord> {
  const startedAt = settings.now();
  const started = performance.now();
  let failure: unknown;
  let failed = false;
  try {
    await consumer.handler(JSON.parse(delivery.payload) as ScimitarEvent);
  } catch (error) {
    failed = true;
    failure = error;
  }
  const now = settings.now();
  const base = {
    deliveryId: delivery.id,
    claimToken: delivery.claimToken,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    statusCode: undefined,
    responseExcerpt: undefined,
    now: now.toISOString(),
  };
  if (!failed) return { ...base, error: undefined, outcome: { kind: 'succeeded' } };
  const retry: RetrySettings = { baseDelayMs: settings.baseDelayMs, maxDelayMs: settings.maxDelayMs, maxAttempts: consumer.maxAttempts, maxAgeMs: Number.POSITIVE_INFINITY };
  const attemptsInWindow = delivery.attempts + 1 - delivery.retryWindow.attempts;
  const decision = decideRetry(retry, attemptsInWindow, new Date(delivery.retryWindow.start), now, settings.random);
  return {
    ...base,
    error: errorText(failure),
    outcome: decision.kind === 'retry' ? { kind: 'retry', nextAttemptAt: decision.nextAttemptAt.toISOString() } : { kind: 'failed' },
  };
}
