/**
 * CSRF protection of every state-changing request of the pages: a signed
 * double-submit token. Each browser holds a random value in an HttpOnly
 * cookie; forms carry HMAC(server key, that value) in a hidden field (and
 * scripts in the X-CSRF-Token header). Another site can make the browser
 * send the cookie but can neither read it nor compute the HMAC, so it
 * cannot produce the field. No server-side state: any instance checks it.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_INFO = 'scimitar page csrf v1';

export const CSRF_COOKIE = 'scimitar_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export class CsrfTokens {
  private readonly key: Buffer;

  constructor(serverSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), KEY_INFO, 32));
  }

  newCookieValue(): string {
    return randomBytes(24).toString('base64url');
  }

  tokenFor(cookieValue: string): string {
    return createHmac('sha256', this.key).update(cookieValue, 'utf8').digest('base64url');
  }

  /** Whether `submitted` is the token of `cookieValue`, compared in constant time. */
  matches(cookieValue: string | undefined, submitted: string | undefined): boolean {
    if (cookieValue === undefined || cookieValue === '' || submitted === undefined) return false;
    const expected = Buffer.from(this.tokenFor(cookieValue), 'utf8');
    const actual = Buffer.from(submitted, 'utf8');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
