import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signatureHeaders } from './signer.js';
import { generateSigningSecret, signingKey } from './signing-secret.js';

describe('Standard Webhooks signatures', () => {
  it('signs `${id}.${timestamp}.${body}` with HMAC-SHA256 of the decoded secret, as v1,<base64>', () => {
    const secret = generateSigningSecret();
    expect(signingKey(secret)).toHaveLength(32);
    const timestamp = new Date();
    const body = '{"type":"user.created","résumé":"ü"}';
    const headers = signatureHeaders('evt-1', timestamp, body, [secret]);
    const seconds = String(Math.floor(timestamp.getTime() / 1000));
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-timestamp']).toBe(seconds);
    const expected = createHmac('sha256', signingKey(secret)).update(`evt-1.${seconds}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    // A receiver using the reference library accepts it.
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('carries one signature per secret, space-separated, and each secret verifies alone', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const headers = signatureHeaders('evt-2', new Date(), '{}', [current, previous]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify('{}', { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify('{}', { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSigningSecret()).verify('{}', { ...headers })).toThrow();
  });
});
