/**
 * Signing secrets in the Standard Webhooks format: `whsec_` followed by the
 * base64 of the key bytes. The spec asks for 24 to 64 random bytes; 32 is
 * the HMAC-SHA256 block-size sweet spot receivers' libraries expect.
 */
import { randomBytes } from 'node:crypto';

export const SIGNING_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The key bytes of a secret (what the HMAC is keyed with). */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(SIGNING_SECRET_PREFIX)) throw new TypeError('A webhook signing secret starts with whsec_');
  return Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64');
}
