/**
 * One attempt at claimed deliveries of one webhook: sign the body with the
 * webhook's valid secrets, POST it, and decide what the answer means for
 * each delivery it carried.
 *
 * What one request carries depends on the webhook's `maxEventsPerRequest`:
 * 1 (the default), one delivery, its stored event the body and the event id
 * the `webhook-id`, exactly as before batching existed; above 1, up to that
 * many deliveries, the body a JSON array of their stored events in the
 * order given (the dispatcher's claim order) — always an array, even of
 * one, so a receiver that opted in reads one shape.
 *
 * - 2xx: delivered.
 * - 410 Gone: the receiver says the endpoint is gone for good; the delivery
 *   fails and the webhook is disabled (with the reason shown), instead of
 *   retrying for a day against an endpoint that asked to be left alone.
 *   Enabling it again resumes deliveries.
 * - Anything else (other statuses, 3xx included, timeouts, refused
 *   addresses, network errors): retried with backoff until the retry budget
 *   runs out (retry-policy.ts), each delivery of a request on its own budget.
 */
import { createHash } from 'node:crypto';
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

/** What one request sends: the Standard Webhooks message id and the body. */
export interface OutgoingMessage {
  readonly messageId: string;
  readonly body: string;
}

/**
 * The `webhook-id` of a request carrying several events: derived from their
 * ids in order, so a retry of the same events in the same order carries the
 * same id (a receiver may drop the whole request as already handled) while
 * any other set gets another. Retries are regrouped with whatever else is
 * due, so the same set is not guaranteed: receivers deduplicate on each
 * event's `id` in the array, which never changes.
 */
export function batchMessageId(eventIds: readonly string[]): string {
  return `batch_${createHash('sha256').update(eventIds.join('\n')).digest('base64url')}`;
}

/** The message for these deliveries of one webhook (at least one; more only for a webhook above one event per request). */
export function messageOf(deliveries: readonly ClaimedDelivery[]): OutgoingMessage {
  const [first] = deliveries;
  if (first === undefined) throw new TypeError('messageOf needs at least one delivery');
  if (first.maxEventsPerRequest === 1) {
    if (deliveries.length > 1) throw new TypeError(`Webhook ${first.webhookId} takes one event per request, not ${deliveries.length}`);
    // The event id: the same on every retry, so receivers deduplicate on it.
    return { messageId: first.eventId, body: first.payload };
  }
  // Each payload is the event's stored JSON text, so joining them is the array of those events, byte for byte.
  return { messageId: batchMessageId(deliveries.map((delivery) => delivery.eventId)), body: `[${deliveries.map((delivery) => delivery.payload).join(',')}]` };
}

/**
 * Sends the deliveries (of one webhook) in one request, once, and returns
 * what to record for each, in their order; undefined when `signal` aborted
 * it (shutdown: nothing to record). URL and secrets are the first
 * delivery's: those claimed together read the same webhook row, and one
 * claimed earlier differs only if the webhook changed meanwhile, which is
 * what a lone delivery claimed then would have sent.
 */
export async function attemptDeliveries(deliveries: readonly ClaimedDelivery[], settings: AttemptSettings, signal?: AbortSignal): Promise<AttemptRecord[] | undefined> {
  const [first] = deliveries;
  if (first === undefined) return [];
  const message = messageOf(deliveries);
  const startedAt = settings.now();
  let result: SendResult;
  try {
    const headers = {
      'content-type': 'application/json',
      'user-agent': settings.userAgent,
      ...signatureHeaders(message.messageId, startedAt, message.body, signingSecrets(first, settings.secrets, startedAt)),
    };
    result = await sendDelivery({ url: first.url, headers, body: message.body }, settings.send, signal);
  } catch (error) {
    // Signing failed (a secret that no longer opens): recorded like any failure, so an operator sees why.
    result = { statusCode: undefined, error: (error as Error).message, responseExcerpt: undefined, durationMs: 0 };
  }
  if (signal?.aborted === true) return undefined;
  const now = settings.now();
  // One jitter for the whole request: its deliveries that retry on the same count come due together and are
  // claimed, and sent, together again, instead of scattering over requests of their own.
  let jitter: number | undefined;
  const sharedRandom = () => (jitter ??= settings.random());
  return deliveries.map((delivery, index): AttemptRecord => {
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
      // The webhook is disabled once, with the request's first delivery: the others fail with it.
      const disabling = index === 0 ? { disableWebhook: `The endpoint answered 410 Gone at ${now.toISOString()}; enable the webhook again to resume deliveries` } : {};
      return { ...base, outcome: { kind: 'failed' }, ...disabling };
    }
    const attemptsInWindow = delivery.attempts + 1 - delivery.retryWindow.attempts;
    const decision = decideRetry(settings.retry, attemptsInWindow, new Date(delivery.retryWindow.start), now, sharedRandom);
    return { ...base, outcome: decision.kind === 'retry' ? { kind: 'retry', nextAttemptAt: decision.nextAttemptAt.toISOString() } : { kind: 'failed' } };
  });
}
