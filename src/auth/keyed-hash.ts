/**
 * Keyed hashes of bearer tokens and admin keys: HMAC-SHA256 under the server
 * secret. A stolen database (a backup, a replica) then holds nothing an
 * attacker can test guesses against without the secret, which lives
 * elsewhere (an environment variable, or a 0600 key file).
 *
 * Stored format: `hmac-sha256:` followed by 64 lowercase hex digits, the
 * HMAC of the whole credential (UTF-8) keyed by the UTF-8 bytes of the
 * secret. The label names the scheme so a later change of scheme can tell
 * rows apart; an unlabelled 64-hex SHA-256 digest (the earlier format)
 * never matches and can simply be deleted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HASH_SCHEME = 'hmac-sha256:';

export interface KeyedHasher {
  /** The stored form of a credential. */
  hash(credential: string): string;
  /** Whether `credential` hashes to `stored`, compared in constant time. */
  matches(credential: string, stored: string): boolean;
}

/**
 * Whether two stored forms are the same, in constant time: for comparing a
 * hash computed once per request with several stored ones (the fixed token,
 * a looked-up row) without hashing the credential again for each.
 */
export function sameKeyedHash(computed: string, stored: string): boolean {
  const expected = Buffer.from(computed, 'utf8');
  const actual = Buffer.from(stored, 'utf8');
  // timingSafeEqual needs equal lengths; a length difference says nothing about the secret.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function createKeyedHasher(secret: string): KeyedHasher {
  if (secret.length === 0) throw new TypeError('The server secret must not be empty');
  const key = Buffer.from(secret, 'utf8');
  const digest = (credential: string): Buffer => createHmac('sha256', key).update(credential, 'utf8').digest();
  return {
    hash: (credential) => HASH_SCHEME + digest(credential).toString('hex'),
    matches: (credential, stored) => sameKeyedHash(HASH_SCHEME + digest(credential).toString('hex'), stored),
  };
}
