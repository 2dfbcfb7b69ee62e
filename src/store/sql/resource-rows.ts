/**
 * Between StoredResource and resource rows, for every database: the one
 * place a row becomes an object (JSON decoded by the dialect, versions as
 * numbers, timestamps as the canonical text they were written as), and the
 * checks made once where values enter a write.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceAttributes, StoredResource } from '../store.js';
import { ROW_ALIAS } from './context.js';
import type { SqlDialect } from './dialect.js';
import { rawSql, type SqlFragment } from './fragment.js';
import type { ResourceStorage } from './resource-storage.js';

/** The columns a resource is read from, in this order. */
export const RESOURCE_COLUMNS = ['id', 'attributes', 'created', 'last_modified', 'version'] as const;

/** RESOURCE_COLUMNS as a select list, unaliased. */
export const RESOURCE_SELECT: SqlFragment = rawSql(RESOURCE_COLUMNS.join(', '));

/** RESOURCE_COLUMNS as a select list of the row alias (`r.id, r.attributes, …`): list pages and what wraps them. */
export const ROW_RESOURCE_SELECT: SqlFragment = rawSql(RESOURCE_COLUMNS.map((column) => `${ROW_ALIAS}.${column}`).join(', '));

/** A resource row as the driver returns it. */
export type ResourceRow = Readonly<Record<(typeof RESOURCE_COLUMNS)[number], unknown>>;

/** A timestamp column: canonical ISO text as written; a driver that returns dates gets them back in that form. */
function timestampText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

export function resourceFromRow(dialect: SqlDialect, tenantId: string, resourceType: ResourceTypeName, row: ResourceRow): StoredResource {
  return {
    tenantId,
    resourceType,
    id: String(row.id),
    attributes: dialect.decodeJson(row.attributes) as ResourceAttributes,
    created: timestampText(row.created),
    lastModified: timestampText(row.last_modified),
    version: Number(row.version),
  };
}

/** The attributes as stored JSON; TypeError when they hold what the port excludes (see StoredResource.attributes). */
export function attributesJson(storage: ResourceStorage, attributes: ResourceAttributes): string {
  const { resourceType } = storage;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new TypeError(`${resourceType} attributes must be a JSON object`);
  }
  for (const key of Object.keys(attributes)) {
    if (storage.excludedKeys.includes(key.toLowerCase())) {
      throw new TypeError(`${resourceType} attributes must not contain "${key}" (see StoredResource.attributes)`);
    }
  }
  return JSON.stringify(attributes);
}

/**
 * Whether a key (a tenant or resource id) cannot exist in this database:
 * where text cannot hold U+0000 (PostgreSQL), no stored key contains it,
 * and binding one would fail the statement, so a lookup by such a key is
 * answered without asking the database.
 */
export function unstorableKey(dialect: SqlDialect, ...keys: readonly string[]): boolean {
  return !dialect.textCanHoldNul && keys.some((key) => key.includes('\u0000'));
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

/** 400 invalidValue for attributes the database cannot store: the client can fix the value, the store cannot. */
export function checkStorableAttributes(dialect: SqlDialect, attributes: ResourceAttributes): void {
  if (dialect.textCanHoldNul) return;
  const path = nulPath(attributes, '');
  if (path !== undefined) throw scimErrors.invalidValue(`"${path}" contains the character U+0000, which this server's database cannot store`);
}
