import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyedHasher } from './keyed-hash.js';

describe('keyed hashes', () => {
  const secret = 'k'.repeat(40);
  const hasher = createKeyedHasher(secret);

  it('is the labelled hex HMAC-SHA256 of the credential under the secret', () => {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update('scim_abc', 'utf8').digest('hex');
    expect(hasher.hash('scim_abc')).toBe(`hmac-sha256:${expected}`);
    expect(hasher.hash('scim_abc')).not.toContain(createHash('sha256').update('scim_abc').digest('hex'));
  });

  it('depends on the secret', () => {
    expect(createKeyedHasher('other'.repeat(8)).hash('scim_abc')).not.toBe(hasher.hash('scim_abc'));
  });

  it('matches only the exact stored form, whatever its length', () => {
    const stored = hasher.hash('scim_abc');
    expect(hasher.matches('scim_abc', stored)).toBe(true);
    expect(hasher.matches('scim_abd', stored)).toBe(false);
    expect(hasher.matches('scim_abc', stored.toUpperCase())).toBe(false);
    expect(hasher.matches('scim_abc', stored.slice(0, -1))).toBe(false);
    expect(hasher.matches('scim_abc', '')).toBe(false);
  });
});
