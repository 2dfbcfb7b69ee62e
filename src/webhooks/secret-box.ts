/**
 * Encryption at rest of webhook signing secrets. They cannot be hashed like
 * tokens (Scimitar must sign with them), so they are sealed with
 * AES-256-GCM under a key derived by HKDF-SHA256 from the server secret:
 * a copy of the database alone does not reveal them.
 *
 * The webhook id is the additional authenticated data, so a sealed secret
 * copied onto another webhook's row does not open. The format carries a
 * version, for a later change of algorithm or key:
 * `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** HKDF's `info`: this key is for webhook secrets only, whatever else the server secret keys. */
const KEY_INFO = 'scimitar webhook signing secrets v1';
const IV_BYTES = 12;

export class SecretBox {
  private readonly key: Buffer;

  constructor(serverSecret: string) {
    if (typeof serverSecret !== 'string' || serverSecret.length === 0) throw new TypeError('SecretBox needs the server secret');
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), KEY_INFO, 32));
  }

  seal(plaintext: string, webhookId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(webhookId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Throws when the sealed value was altered, belongs to another webhook, or was sealed under another server secret. */
  open(sealed: string, webhookId: string): string {
    const [version, iv, ciphertext, tag] = sealed.split('.');
    if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) {
      throw new TypeError('A stored webhook secret is not in a known format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(webhookId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TypeError(`The signing secret of webhook ${webhookId} cannot be decrypted: was SCIMITAR_SECRET changed?`);
    }
  }
}
