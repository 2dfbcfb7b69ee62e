/**
 * One attempt at one claimed delivery: sign the stored body with the
 * webhook's valid secrets, POST it, and decide what the answer means.
 *
 * - 2xx: delivered.
 * - 410 Gone: the receiver says the endpoint is gone for good; the delivery
 *   fails and the webhook is disabled (with the reason shown), instead of
 *   retrying for a day against an endpoint that asked to be left alone.
 *   Enabling it again resumes deliveries.
 * - Anything else (other statuses, 3xx included, timeouts, refused
 *   addresses, network errors): retried with backoff until the retry budget
 *   runs out (retry-policy.ts).
 */
import { readFileSync } from 'node:fs';
import type { AttemptRecord, ClaimedDelivery } from '../store/webhook-store.js';
import { decideRetry, type RetrySettings } from './retry-policy.js';
import type { SecretBox } from './secret-box.js';
import { sendDelivery, type SendResult, type SendSettings } from './sender.js';
import { signatureHeaders } from './signer.js';

export interface AttemptSettings {
  readonly secrets: SecretBox;
  readonly send: SendSettings;
  readonly retry: RetrySettings;
  readonly userAgent: string;
  readonly now: () => Date;
  /** [0, 1): the jitter of retry waits (tests inject a fixed one). */
  readonly random: () => number;
}

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `Scimitar-Webhooks/<version>`: receivers can tell the sender and its version in their logs. */
export function webhookUserAgent(): string {
  return `Scimitar-Webhooks/${packageVersion()}`;
}

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
export function signingSecrets(delivery: ClaimedDelivery, secrets: SecretBox, now: Date): string[] {
  const current = secrets.open(delivery.secret, delivery.webhookId);
  const overlapping =
    delivery.previousSecret !== undefined && delivery.previousSecretExpiresAt !== undefined && Date.parse(delivery.previousSecretExpiresAt) > now.getTime();
  return overlapping ? [current, secrets.open(delivery.previousSecret!, delivery.webhookId)] : [current];
}

function isSuccess(statusCode: number | undefined): boolean {
  return statusCode !== undefined && statusCode >= 200 && statusCode < 300;
}

/** Sends the delivery once and returns what to record; undefined when `signal` aborted it (shutdown: nothing to record). */
export async function attemptDelivery(delivery: ClaimedDelivery, settings: AttemptSettings, signal?: AbortSignal): Promise<AttemptRecord | undefined> {
  const startedAt = settings.now();
  let result: SendResult;
  try {
    const headers = {
      'content-type': 'application/json',
      'user-agent': settings.userAgent,
      // The event id: the same on every retry, so receivers deduplicate on it.
      ...signatureHeaders(delivery.eventId, startedAt, delivery.payload, signingSecrets(delivery, settings.secrets, startedAt)),
    };
    result = await sendDelivery({ url: delivery.url, headers, body: delivery.payload }, settings.send, signal);
  } catch (error) {
    // Signing failed (a secret that no longer opens): recorded like any failure, so an operator sees why.
    result = { statusCode: undefined, error: (error as Error).message, responseExcerpt: undefined, durationMs: 0 };
  }
  if (signal?.aborted === true) return undefined;
  const now = settings.now();
  const base = {
    deliveryId: delivery.id,
    claimToken: delivery.claimToken,
    startedAt: startedAt.toISOString(),
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
    now: now.toISOString(),
  };
  if (isSuccess(result.statusCode)) return { ...base, outcome: { kind: 'succeeded' } };
  if (result.statusCode === 410) {
    return { ...base, outcome: { kind: 'failed' }, disableWebhook: `The endpoint answered 410 Gone at ${now.toISOString()}; enable the webhook again to resume deliveries` };
  }
  const attemptsInWindow = delivery.attempts + 1 - delivery.retryWindow.attempts;
  const decision = decideRetry(settings.retry, attemptsInWindow, new Date(delivery.retryWindow.start), now, settings.random);
  return { ...base, outcome: decision.kind === 'retry' ? { kind: 'retry', nextAttemptAt: decision.nextAttemptAt.toISOString() } : { kind: 'failed' } };
}
