/** Reading the Cookie header and writing Set-Cookie values (RFC 6265), for the pages' session and CSRF cookies. */

export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    // The first occurrence wins: a browser sends the most specific path first.
    if (!cookies.has(name)) cookies.set(name, pair.slice(separator + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  readonly path: string;
  /** Seconds; 0 removes the cookie. Undefined: a browser-session cookie. */
  readonly maxAgeSeconds?: number;
  readonly sameSite: 'Strict' | 'Lax';
  /** Sent only over HTTPS: set whenever the page itself was served over HTTPS. */
  readonly secure: boolean;
}

/** Values written here are base64url or hex, so they need no quoting or encoding. */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, 'HttpOnly', `SameSite=${options.sameSite}`];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
