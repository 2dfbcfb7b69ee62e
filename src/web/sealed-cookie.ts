/**
 * Session cookies that need no server-side state, so any instance sharing
 * the server secret accepts them: the session (what it grants and until
 * when) is encrypted and authenticated with AES-256-GCM under a key derived
 * by HKDF from the server secret. The browser can neither read nor alter
 * it, and a cookie sealed under another secret does not open.
 *
 * The cookie's name is the additional authenticated data, so an operator
 * session cannot be replayed as a setup-portal session or the reverse.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const KEY_INFO = 'scimitar page sessions v1';
const IV_BYTES = 12;

export class CookieSealer {
  private readonly key: Buffer;

  constructor(
    serverSecret: string,
    private readonly clock: () => Date,
  ) {
    if (serverSecret.length === 0) throw new TypeError('CookieSealer needs the server secret');
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), KEY_INFO, 32));
  }

  /** `contents` with its expiry, sealed for the cookie `name`. */
  seal(name: string, contents: Record<string, string>, lifetimeSeconds: number): string {
    const expiresAt = this.clock().getTime() + lifetimeSeconds * 1000;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const plaintext = JSON.stringify({ ...contents, expiresAt });
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The contents, or undefined when the cookie is absent, altered, sealed for another name or under another secret, or expired. */
  open(name: string, sealed: string | undefined): Record<string, string> | undefined {
    if (sealed === undefined) return undefined;
    const [iv, ciphertext, tag, extra] = sealed.split('.');
    if (iv === undefined || ciphertext === undefined || tag === undefined || extra !== undefined) return undefined;
    let parsed: unknown;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      parsed = JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { expiresAt, ...contents } = parsed as Record<string, unknown>;
    if (typeof expiresAt !== 'number' || expiresAt <= this.clock().getTime()) return undefined;
    return Object.fromEntries(Object.entries(contents).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
}
