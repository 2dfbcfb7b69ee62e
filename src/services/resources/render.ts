/**
 * Turns stored rows into the SCIM representation a client sees: common
 * attributes, computed `members` / `groups`, and `meta` with an absolute
 * location (RFC 7643 §3.1).
 */
import type { ResourceSchemas } from '../../core/schema/registry.js';
import type { GroupMembership, StoredMember, StoredResource } from '../../store/store.js';
import { ENTERPRISE_USER_SCHEMA } from '../../core/schema/enterprise-user.js';

/** RFC 7644 §3.14: versions are weak entity tags. */
export function formatETag(version: number): string {
  return `W/"${version}"`;
}

export function resourceLocation(baseUrl: string, schemas: ResourceSchemas, id: string): string {
  return `${baseUrl}${schemas.resourceType.endpoint}/${encodeURIComponent(id)}`;
}

export interface RenderExtras {
  /** Group members, when the projection needs them. */
  readonly members?: readonly StoredMember[] | undefined;
  /** A User's groups, when the projection needs them. */
  readonly groups?: readonly GroupMembership[] | undefined;
}

export function renderResource(stored: StoredResource, schemas: ResourceSchemas, baseUrl: string, extras: RenderExtras = {}): Record<string, unknown> {
  const { schemas: schemaUrns, externalId, ...attributes } = stored.attributes;
  const resource: Record<string, unknown> = {
    schemas: Array.isArray(schemaUrns) && schemaUrns.length > 0 ? schemaUrns : [schemas.coreSchema.id],
    id: stored.id,
  };
  if (externalId !== undefined) resource['externalId'] = externalId;
  Object.assign(resource, attributes);
  addManagerReference(resource, baseUrl);
  if (extras.members !== undefined) {
    resource['members'] = extras.members.map((member) => ({
      value: member.value,
      $ref: `${baseUrl}/${member.type === 'User' ? 'Users' : 'Groups'}/${encodeURIComponent(member.value)}`,
      ...(member.display !== undefined ? { display: member.display } : {}),
      type: member.type,
    }));
  }
  if (extras.groups !== undefined && extras.groups.length > 0) {
    resource['groups'] = extras.groups.map((group) => ({
      value: group.value,
      $ref: `${baseUrl}/Groups/${encodeURIComponent(group.value)}`,
      ...(group.display !== undefined ? { display: group.display } : {}),
      type: group.type,
    }));
  }
  resource['meta'] = {
    resourceType: schemas.resourceType.name,
    created: stored.created,
    lastModified: stored.lastModified,
    location: resourceLocation(baseUrl, schemas, stored.id),
    version: formatETag(stored.version),
  };
  return resource;
}

/** The manager's `$ref` is derived from its id, so it always points at this server. */
function addManagerReference(resource: Record<string, unknown>, baseUrl: string): void {
  const enterprise = resource[ENTERPRISE_USER_SCHEMA];
  if (typeof enterprise !== 'object' || enterprise === null) return;
  const manager = (enterprise as Record<string, unknown>)['manager'];
  if (typeof manager !== 'object' || manager === null) return;
  const managerId = (manager as Record<string, unknown>)['value'];
  if (typeof managerId !== 'string') return;
  resource[ENTERPRISE_USER_SCHEMA] = {
    ...(enterprise as Record<string, unknown>),
    manager: { ...(manager as Record<string, unknown>), $ref: `${baseUrl}/Users/${encodeURIComponent(managerId)}` },
  };
}
