import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const SERVER_SECRET = 'server-secret-0123456789abcdef-0123456789';

describe('SecretBox', () => {
  it('opens what it sealed, and seals the same secret differently each time (random IV)', () => {
    const box = new SecretBox(SERVER_SECRET);
    const sealed = box.seal('whsec_abc', 'webhook-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc', 'webhook-1')).not.toBe(sealed);
    expect(box.open(sealed, 'webhook-1')).toBe('whsec_abc');
  });

  it('refuses a sealed secret moved to another webhook, altered, or opened under another server secret', () => {
    const box = new SecretBox(SERVER_SECRET);
    const sealed = box.seal('whsec_abc', 'webhook-1');
    expect(() => box.open(sealed, 'webhook-2')).toThrow(/cannot be decrypted/);
    const [version, iv, ciphertext, tag] = sealed.split('.');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([version, iv, flipped.toString('base64url'), tag].join('.'), 'webhook-1')).toThrow(/cannot be decrypted/);
    expect(() => new SecretBox(`${SERVER_SECRET}-other`).open(sealed, 'webhook-1')).toThrow(/SCIMITAR_SECRET/);
    expect(() => box.open('plain', 'webhook-1')).toThrow(/not in a known format/);
  });
});
