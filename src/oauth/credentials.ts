/**
 * The three secrets of OAuth 2.0 client credentials, each random behind a
 * readable prefix: the client id (public, but random so that it says
 * nothing about the tenant), the client secret and the access token (both
 * 256-bit, stored only as keyed hashes — see src/auth/keyed-hash.ts).
 *
 * Every character is base64url, unreserved in RFC 3986, so an id or secret
 * needs no escaping in a form body or in the form-encoded Basic credentials
 * of RFC 6749 §2.3.1.
 */
import { randomBytes } from 'node:crypto';

export const CLIENT_ID_PREFIX = 'scimc_';
export const CLIENT_SECRET_PREFIX = 'scims_';
export const ACCESS_TOKEN_PREFIX = 'scima_';

/** How many characters of a secret or token listings show: its prefix and 6 more. */
const SHOWN_AFTER_PREFIX = 6;

export function generateClientId(): string {
  return CLIENT_ID_PREFIX + randomBytes(12).toString('base64url');
}

export function generateClientSecret(): string {
  return CLIENT_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function generateAccessToken(): string {
  return ACCESS_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The part of a secret or access token shown in listings: enough to recognise it, useless to an attacker. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, CLIENT_SECRET_PREFIX.length + SHOWN_AFTER_PREFIX);
}
