/**
 * Cursor tokens (RFC 9865 §2): the opaque `cursor` / `nextCursor` /
 * `previousCursor` values.
 *
 * A token names a position in the sorted result, not an offset: the sort
 * key and id of the row a page ended (or began) on, and which way to read
 * from there. The store turns it into `WHERE (sortKey, id) > (…)`, so a page
 * costs the same anywhere in the result, and rows created or deleted
 * elsewhere never shift what the next page holds.
 *
 * Format: base64url (RFC 4648 §5, no padding: only RFC 3986 unreserved
 * characters, as §2 requires) of the JSON
 *   {"v":1,"d":"n"|"p","k":<sort key>,"i":"<id>","c":"<check>"}
 * where `k` is absent without sortBy and `c` is a checksum over the query's
 * filter and sort plus the position. The checksum is not a signature:
 * nothing a forged position could reach is hidden from the client anyway
 * (the values are bound SQL parameters, checked against the sort
 * attribute's type by the store, and the filter still applies). It makes a
 * garbled token, or one from another query or resource type, a clean
 * `400` rather than a silent jump.
 */
import { scimErrors } from '../errors/scim-error.js';
import { base64UrlDecode, base64UrlEncode } from './base64url.js';

/** A sort key value as the store read it; null when the resource has no value for the sort attribute. */
export type CursorSortValue = string | number | boolean | null;

/** Where a cursor page starts: strictly after, or strictly before, the row with this sort key and id. */
export interface CursorPosition {
  readonly direction: 'after' | 'before';
  /** undefined when the query has no sortBy (the order is by id alone). */
  readonly sortValue: CursorSortValue | undefined;
  readonly id: string;
}

/** Cursor paging requested: the first page (no position) or the page at a decoded position. */
export interface CursorRequest {
  readonly position: CursorPosition | undefined;
  /** What a token is bound to: the resource type, filter and sort of the query. */
  readonly binding: string;
}

/** The longest token accepted: real ones are a few hundred characters; this bounds decoding work. */
const MAX_CURSOR_LENGTH = 8192;
const CURSOR_VERSION = 1;

/** FNV-1a (64-bit) as 16 hex digits: a checksum that needs no crypto module (the core stays pure). */
function checksum(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

function positionChecksum(binding: string, direction: string, sortValue: CursorSortValue | undefined, id: string): string {
  return checksum(JSON.stringify([binding, direction, sortValue === undefined ? [] : [sortValue], id]));
}

/** Binds tokens to a query: the same resource type, filter text and sort must come back with them (RFC 9865 §2). */
export function cursorBinding(resourceType: string, filter: string | undefined, sortPath: string | undefined, sortOrder: string): string {
  return JSON.stringify([resourceType, filter ?? null, sortPath === undefined ? null : sortPath.toLowerCase(), sortPath === undefined ? null : sortOrder]);
}

export function encodeCursor(binding: string, position: CursorPosition): string {
  const direction = position.direction === 'after' ? 'n' : 'p';
  const payload: Record<string, unknown> = { v: CURSOR_VERSION, d: direction };
  if (position.sortValue !== undefined) payload['k'] = position.sortValue;
  payload['i'] = position.id;
  payload['c'] = positionChecksum(binding, direction, position.sortValue, position.id);
  return base64UrlEncode(JSON.stringify(payload));
}

function invalidCursor(reason: string) {
  return scimErrors.invalidCursor(
    `${reason[0]?.toUpperCase() ?? ''}${reason.slice(1)}. Send an empty cursor for the first page, then the nextCursor or previousCursor of the previous response with the same filter, sortBy and sortOrder (RFC 9865 §2)`,
  );
}

function isSortValue(value: unknown): value is CursorSortValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The position a token names; anything but a token this server issued for this query is `400`. */
export function decodeCursor(token: string, binding: string): CursorPosition {
  if (token.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalidCursor('the cursor is not one this server issued');
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(token));
  } catch {
    throw invalidCursor('the cursor is not one this server issued');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalidCursor('the cursor is not one this server issued');
  const { v, d, k, i, c } = payload as Record<string, unknown>;
  const hasSort = Object.prototype.hasOwnProperty.call(payload, 'k');
  if (v !== CURSOR_VERSION || (d !== 'n' && d !== 'p') || typeof i !== 'string' || typeof c !== 'string' || (hasSort && !isSortValue(k))) {
    throw invalidCursor('the cursor is not one this server issued');
  }
  const sortValue = hasSort ? (k as CursorSortValue) : undefined;
  if (positionChecksum(binding, d, sortValue, i) !== c) {
    throw invalidCursor('the cursor was issued for another query (filter, sortBy, sortOrder or resource type) or was altered');
  }
  return { direction: d === 'n' ? 'after' : 'before', sortValue, id: i };
}
