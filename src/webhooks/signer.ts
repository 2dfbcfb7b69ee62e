/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the
 * HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}` keyed with
 * the secret, as `v1,<base64>`. During a secret rotation every valid secret
 * signs and the signatures are space-separated in one header, which the
 * spec allows so receivers can switch secrets without a failed delivery.
 */
import { Webhook } from 'standardwebhooks';

export interface SignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** `secrets` in order of preference (the current one first); at least one. */
export function signatureHeaders(messageId: string, timestamp: Date, body: string, secrets: readonly string[]): SignatureHeaders {
  if (secrets.length === 0) throw new TypeError('signatureHeaders needs at least one secret');
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
