/**
 * The secret of a setup link: 32 random bytes (base64url) behind a readable
 * prefix, the last segment of the link's URL. Like a bearer token it is
 * stored only as its keyed hash (src/auth/keyed-hash.ts): 256 random bits
 * need no slow hash, and the key keeps a leaked table useless.
 */
import { randomBytes } from 'node:crypto';

export const SETUP_LINK_PREFIX = 'scimsetup_';

/** The shape of every secret this module makes: anything else is refused without a lookup. */
const SECRET_PATTERN = /^scimsetup_[A-Za-z0-9_-]{43}$/;

export function generateSetupLinkSecret(): string {
  return SETUP_LINK_PREFIX + randomBytes(32).toString('base64url');
}

export function looksLikeSetupLinkSecret(candidate: string): boolean {
  return SECRET_PATTERN.test(candidate);
}

/**
 * The portal's address for a secret: `<origin>/setup/<secret>`. The origin
 * is the server's public URL (SCIMITAR_PUBLIC_URL) or, without one, the
 * caller's best guess; the portal path is where the pages are mounted.
 */
export function setupLinkUrl(origin: string, secret: string, portalPath = SETUP_PORTAL_PATH): string {
  return `${origin.replace(/\/+$/, '')}${portalPath}/${encodeURIComponent(secret)}`;
}

/** Where Scimitar's own server serves the setup portal. */
export const SETUP_PORTAL_PATH = '/setup';
