import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureError, WebhookVerifier } from './signature.js';

const KEY = randomBytes(24);
const SECRET = `whsec_${KEY.toString('base64')}`;
const BODY = Buffer.from('{"id":"evt_1","type":"user.deactivated","tenant":"default","sequence":1,"resourceType":"User","resourceId":"u1"}');

/** The Standard Webhooks signature, computed here with node:crypto rather than by the library under test. */
function signature(key: Buffer, webhookId: string, timestamp: number, body: Buffer): string {
  const signed = Buffer.concat([Buffer.from(`${webhookId}.${timestamp}.`), body]);
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

function headers(overrides: Record<string, string> = {}, timestamp = Math.floor(Date.now() / 1000)) {
  return { 'webhook-id': 'evt_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(KEY, 'evt_1', timestamp, BODY), ...overrides };
}

describe('WebhookVerifier', () => {
  const verifier = new WebhookVerifier(SECRET);

  it('accepts a valid signature of the exact bytes and returns the webhook-id and body', () => {
    expect(verifier.verify(BODY, headers())).toEqual({ webhookId: 'evt_1', body: BODY.toString('utf8') });
  });

  it('accepts a delivery signed with several secrets (Scimitar rotating the webhook secret) when one matches', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const other = signature(randomBytes(24), 'evt_1', timestamp, BODY);
    const ours = signature(KEY, 'evt_1', timestamp, BODY);
    expect(() => verifier.verify(BODY, headers({ 'webhook-signature': `${other} ${ours}` }, timestamp))).not.toThrow();
  });

  it('refuses a body that differs by one byte, even if it is the same JSON', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 1));
    expect(() => verifier.verify(reformatted, headers())).toThrow(SignatureError);
  });

  it('refuses a signature made with another secret', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const forged = signature(randomBytes(24), 'evt_1', timestamp, BODY);
    expect(() => verifier.verify(BODY, headers({ 'webhook-signature': forged }, timestamp))).toThrow(SignatureError);
  });

  it('refuses a signature moved to another webhook-id (the id is signed)', () => {
    expect(() => verifier.verify(BODY, headers({ 'webhook-id': 'evt_2' }))).toThrow(SignatureError);
  });

  it('refuses a replay older than the five-minute window, and a timestamp from the future', () => {
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    expect(() => verifier.verify(BODY, headers({}, old))).toThrow(/too old/);
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect(() => verifier.verify(BODY, headers({}, future))).toThrow(/too new/);
  });

  it('refuses missing or repeated signature headers', () => {
    const { 'webhook-signature': _omitted, ...unsigned } = headers();
    expect(() => verifier.verify(BODY, unsigned)).toThrow(/webhook-signature/);
    expect(() => verifier.verify(BODY, { ...headers(), 'webhook-id': ['evt_1', 'evt_1'] })).toThrow(/webhook-id/);
  });

  it('rejects a secret that is not a whsec_ value as a programming mistake', () => {
    expect(() => new WebhookVerifier('not-a-secret')).toThrow(TypeError);
  });
});
