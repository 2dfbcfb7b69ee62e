/**
 * What the request log keeps of bodies and queries: never a secret, and
 * personal attributes only when the operator allows them.
 *
 * Secrets are removed by name, at any depth: `password` (RFC 7643 §4.1.1:
 * "this attribute MUST NOT be returned", nor should it rest in a log), and
 * anything named like a token, secret or key. Operators add personal
 * attributes (`emails`, `phoneNumbers`, `name`, …) through
 * SCIMITAR_REQUEST_LOG_REDACT; PATCH operations are redacted by their
 * `path` as well, since there the attribute name is a value, not a key.
 */
import { isScimError } from '../core/errors/scim-error.js';
import { parsePatchPath } from '../core/filter/parser.js';
import { TRUNCATED_MARK } from './entry.js';

export const REDACTED = '[redacted]';

/** Key names (lowercase) that are always secrets. */
const SECRET_KEYS = new Set(['password', 'token', 'access_token', 'refresh_token', 'id_token', 'secret', 'client_secret', 'authorization', 'apikey', 'api_key', 'bearer']);

function isSecretKey(lowercase: string): boolean {
  return SECRET_KEYS.has(lowercase) || lowercase.endsWith('password') || lowercase.endsWith('token') || lowercase.endsWith('secret');
}

export interface Redaction {
  /** The JSON text of `value` with secrets and the configured attributes masked, at most `maxBytes` long (then marked as cut). */
  body(value: unknown, maxBytes: number): string;
  /** A query string with secret parameters (and `filter`, when configured) masked. */
  query(rawQuery: string): string;
  /** Whether a JSON text could hold anything to mask (a cheap test that spares parsing most responses). */
  mayHoldRedacted(json: string): boolean;
}

/**
 * The attribute name a PATCH path addresses first (`emails[type eq "work"].value` → `emails`;
 * `urn:…:User:manager` → `manager`), read by the PATCH path grammar; undefined when the text is no path.
 */
function patchPathAttribute(path: string): string | undefined {
  try {
    return parsePatchPath(path).attribute.name.toLowerCase();
  } catch (error) {
    if (isScimError(error)) return undefined;
    throw error;
  }
}

export function createRedaction(personalAttributes: readonly string[]): Redaction {
  const personal = new Set(personalAttributes.map((name) => name.toLowerCase()));
  const masked = (key: string): boolean => {
    const lowercase = key.toLowerCase();
    const local = lowercase.includes(':') ? lowercase.slice(lowercase.lastIndexOf(':') + 1) : lowercase;
    return isSecretKey(local) || personal.has(local);
  };
  const needles = [...SECRET_KEYS, 'password', 'token', 'secret', ...personal];

  /** A path that cannot be read might name anything: its value is masked too. */
  const pathMayBePersonal = (path: string): boolean => {
    const attributeName = patchPathAttribute(path);
    return attributeName === undefined || isSecretKey(attributeName) || personal.has(attributeName);
  };

  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const source = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    // A PATCH operation names its attribute in `path`: mask its value when the path is masked.
    const path = source['path'];
    const pathMasked = typeof path === 'string' && 'value' in source && pathMayBePersonal(path);
    for (const [key, inner] of Object.entries(source)) {
      copy[key] = masked(key) || (pathMasked && key === 'value') ? REDACTED : walk(inner);
    }
    return copy;
  };

  return {
    body(value, maxBytes) {
      const text = JSON.stringify(walk(value)) ?? 'null';
      return cut(text, maxBytes);
    },
    query(rawQuery) {
      const params = new URLSearchParams(rawQuery);
      for (const key of [...new Set(params.keys())]) {
        if (masked(key) || (key.toLowerCase() === 'filter' && personal.has('filter'))) params.set(key, REDACTED);
      }
      return params.toString();
    },
    mayHoldRedacted(json) {
      const lowercase = json.toLowerCase();
      return needles.some((needle) => lowercase.includes(needle));
    },
  };
}

/** Cuts text to at most maxBytes of UTF-8 (marker included), on a character boundary. */
export function cut(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(TRUNCATED_MARK));
  const bytes = Buffer.from(text).subarray(0, room);
  // A cut inside a multi-byte character decodes to U+FFFD; drop it.
  return bytes.toString('utf8').replace(/\uFFFD$/, '') + TRUNCATED_MARK;
}
