/**
 * Between StoredResource attributes and table columns, for every SQL store:
 * the denormalised columns are extracted from the attributes on every write,
 * so filters on them (and their indexes) always agree with the JSON the
 * resource is served from, whichever database holds it.
 */
import type { ResourceTypeName } from '../core/schema/attribute.js';
import type { ResourceAttributes } from './store.js';

/** What the port says never belongs in `attributes` (it lives elsewhere or is never stored). */
const FORBIDDEN_KEYS: Readonly<Partial<Record<ResourceTypeName, readonly string[]>>> = {
  User: ['id', 'meta', 'password', 'groups'],
  Group: ['id', 'meta', 'members'],
};

/** The attributes as stored JSON; TypeError when they hold what the port excludes. */
export function attributesJson(resourceType: ResourceTypeName, attributes: ResourceAttributes): string {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new TypeError(`${resourceType} attributes must be a JSON object`);
  }
  const forbidden = FORBIDDEN_KEYS[resourceType] ?? ['id', 'meta'];
  for (const key of Object.keys(attributes)) {
    if (forbidden.includes(key.toLowerCase())) {
      throw new TypeError(`${resourceType} attributes must not contain "${key}" (see StoredResource.attributes)`);
    }
  }
  return JSON.stringify(attributes);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function folded(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

function flag(value: unknown): number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : null;
}

export interface UserColumns {
  readonly userName: string;
  readonly userNameFolded: string;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly active: number | null;
}

export function userColumns(attributes: ResourceAttributes): UserColumns {
  const userName = attributes['userName'];
  // RFC 7643 §4.1.1: userName is REQUIRED; the services reject a User without one before storing it.
  if (typeof userName !== 'string') throw new TypeError('A User must have a string userName to be stored');
  return {
    userName,
    userNameFolded: userName.toLowerCase(),
    externalId: text(attributes['externalId']),
    displayName: text(attributes['displayName']),
    active: flag(attributes['active']),
  };
}

export interface GroupColumns {
  readonly displayName: string | null;
  readonly displayNameFolded: string | null;
  readonly externalId: string | null;
}

export function groupColumns(attributes: ResourceAttributes): GroupColumns {
  return {
    displayName: text(attributes['displayName']),
    displayNameFolded: folded(attributes['displayName']),
    externalId: text(attributes['externalId']),
  };
}

export interface EmailRow {
  readonly position: number;
  readonly valueFolded: string | null;
  readonly typeFolded: string | null;
  readonly primary: number | null;
}

/**
 * One row per element of `emails` that is an object: the in-memory
 * evaluator never matches other elements, so neither may their rows.
 */
export function emailRows(attributes: ResourceAttributes): EmailRow[] {
  const emails = attributes['emails'];
  if (!Array.isArray(emails)) return [];
  const rows: EmailRow[] = [];
  emails.forEach((element: unknown, position) => {
    if (typeof element !== 'object' || element === null || Array.isArray(element)) return;
    const email = element as Record<string, unknown>;
    rows.push({ position, valueFolded: folded(email['value']), typeFolded: folded(email['type']), primary: flag(email['primary']) });
  });
  return rows;
}

/** Timestamps are stored as `toISOString()` text so that they compare and sort as strings. */
export function canonicalTimestamp(now: string): string {
  const instant = new Date(now);
  if (typeof now !== 'string' || Number.isNaN(instant.getTime())) throw new TypeError(`Invalid timestamp ${JSON.stringify(now)}`);
  return instant.toISOString();
}
