/**
 * Between StoredResource and SQLite rows; the denormalised columns shared
 * with the PostgreSQL store come from ../rows.ts.
 */
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceAttributes, StoredResource } from '../store.js';

/** A resource row as the page and get statements select it. */
export interface ResourceRow {
  readonly id: string;
  readonly attributes: string;
  readonly created: string;
  readonly last_modified: string;
  readonly version: number;
}

export function resourceFromRow(tenantId: string, resourceType: ResourceTypeName, row: ResourceRow): StoredResource {
  return {
    tenantId,
    resourceType,
    id: row.id,
    attributes: JSON.parse(row.attributes) as ResourceAttributes,
    created: row.created,
    lastModified: row.last_modified,
    version: row.version,
  };
}

export { attributesJson, canonicalTimestamp, emailRows, groupColumns, userColumns, type EmailRow, type GroupColumns, type UserColumns } from '../rows.js';
