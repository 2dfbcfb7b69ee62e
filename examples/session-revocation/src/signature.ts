/**
 * Verifies Scimitar's webhook signatures with the Standard Webhooks
 * library: an HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`,
 * keyed with the webhook's `whsec_…` secret. The signature is over the exact
 * bytes sent, so it must be checked against the raw body — never against
 * JSON re-serialised after parsing.
 *
 * The library also refuses a `webhook-timestamp` more than five minutes
 * from this machine's clock: a captured delivery cannot be replayed later.
 * A retry is not a replay: Scimitar signs each attempt anew, with the
 * attempt's timestamp and the same `webhook-id`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** A delivery whose signature matched: its id (the event's id, the same on every retry) and its body's text. */
export interface VerifiedDelivery {
  readonly webhookId: string;
  readonly body: string;
}

/** Why a delivery was refused; the receiver answers 401 and applies nothing. */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

const SIGNED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

export class WebhookVerifier {
  private readonly webhook: Webhook;

  /** `secret`: the `whsec_…` value Scimitar showed when the webhook was created. */
  constructor(secret: string) {
    if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
      throw new TypeError('The webhook secret must be the whsec_… value printed when the webhook was created');
    }
    this.webhook = new Webhook(secret);
  }

  /** Throws SignatureError unless the headers carry a valid, recent signature of exactly `rawBody`. */
  verify(rawBody: Buffer, headers: IncomingHttpHeaders): VerifiedDelivery {
    const signed: Record<string, string> = {};
    for (const name of SIGNED_HEADERS) {
      const value = headers[name];
      if (typeof value !== 'string' || value === '') throw new SignatureError(`missing or repeated ${name} header`);
      signed[name] = value;
    }
    try {
      this.webhook.verify(rawBody, signed, { jsonParse: false });
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new SignatureError(error.message);
      throw error;
    }
    return { webhookId: signed['webhook-id'] as string, body: rawBody.toString('utf8') };
  }
}
