/**
 * Between StoredResource and PostgreSQL rows. The denormalised columns are
 * shared with the SQLite store (../rows.ts, so both stores derive them
 * identically); what differs is jsonb, which node-postgres
 * returns already parsed, booleans, and text that cannot hold U+0000.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceAttributes, StoredResource } from '../store.js';

export { attributesJson, canonicalTimestamp, emailRows, groupColumns, userColumns } from '../rows.js';

/** A resource row as the page and get statements select it (jsonb arrives parsed). */
export interface ResourceRow {
  readonly id: string;
  readonly attributes: ResourceAttributes;
  readonly created: string;
  readonly last_modified: string;
  readonly version: number;
}

export const RESOURCE_ROW_COLUMNS = 'id, attributes, created, last_modified, version';

export function resourceFromRow(tenantId: string, resourceType: ResourceTypeName, row: ResourceRow): StoredResource {
  return { tenantId, resourceType, id: row.id, attributes: row.attributes, created: row.created, lastModified: row.last_modified, version: row.version };
}

export const TABLES: Readonly<Record<ResourceTypeName, string>> = { User: 'users', Group: 'groups' };

export function checkResourceType(resourceType: ResourceTypeName): string {
  const table = TABLES[resourceType];
  if (table === undefined) throw new TypeError(`Unknown resource type ${String(resourceType)}`);
  return table;
}

/** SQLite keeps 1/0 for booleans; these columns are boolean here. */
export function booleanColumn(flag: number | null): boolean | null {
  return flag === null ? null : flag === 1;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and a parameter holding one
 * fails the statement (SQLSTATE 22021). No stored key can contain it either,
 * so a lookup by such a key is answered without asking the database.
 */
export function hasNul(...values: readonly string[]): boolean {
  return values.some((value) => value.includes('\u0000'));
}

/** The path of the first string (value or member name) holding U+0000, or undefined. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) {
      const found = nulPath(element, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      const memberPath = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) return memberPath;
      const found = nulPath(member, memberPath);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** 400 invalidValue for attributes PostgreSQL cannot store: the client can fix the value, the store cannot. */
export function checkStorableAttributes(attributes: ResourceAttributes): void {
  const path = nulPath(attributes, '');
  if (path !== undefined) throw scimErrors.invalidValue(`"${path}" contains the character U+0000, which this server's database (PostgreSQL) cannot store`);
}
