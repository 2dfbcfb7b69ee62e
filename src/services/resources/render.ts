/**
 * Turns stored rows into the SCIM representation a client sees: common
 * attributes, computed `members` / `groups`, and `meta` with an absolute
 * location (RFC 7643 §3.1).
 */
import type { ResourceSchemas } from '../../core/schema/registry.js';
import type { ResourceTypeFacts, ResourceTypes } from '../../core/schema/resource-types.js';
import type { GroupMembership, StoredMember, StoredResource } from '../../store/store.js';
import { ENTERPRISE_USER_SCHEMA } from '../../core/schema/enterprise-user.js';

/** RFC 7644 §3.14: versions are weak entity tags. */
export function formatETag(version: number): string {
  return `W/"${version}"`;
}

export function resourceLocation(baseUrl: string, schemas: ResourceSchemas, id: string): string {
  return resourceUrl(baseUrl, schemas.resourceType, id);
}

/** Where a resource of this type lives: its `meta.location`, and the `$ref` of references to it. */
function resourceUrl(baseUrl: string, facts: ResourceTypeFacts, id: string): string {
  return `${baseUrl}${facts.endpoint}/${encodeURIComponent(id)}`;
}

/** The computed attributes, read by the service when the projection needs them. */
export interface RenderExtras {
  /** Where members and groups are, for their `$ref`. */
  readonly types: ResourceTypes;
  /** The members of a type that holds members (a Group's `members`). */
  readonly members?: readonly StoredMember[] | undefined;
  /** The groups a member belongs to (a User's `groups`). */
  readonly groups?: readonly GroupMembership[] | undefined;
}

export function renderResource(stored: StoredResource, schemas: ResourceSchemas, baseUrl: string, extras?: RenderExtras): Record<string, unknown> {
  const facts = schemas.resourceType;
  const { schemas: schemaUrns, externalId, ...attributes } = stored.attributes;
  const resource: Record<string, unknown> = {
    schemas: Array.isArray(schemaUrns) && schemaUrns.length > 0 ? schemaUrns : [schemas.coreSchema.id],
    id: stored.id,
  };
  if (externalId !== undefined) resource['externalId'] = externalId;
  Object.assign(resource, attributes);
  addManagerReference(resource, baseUrl, facts);
  if (extras?.members !== undefined && facts.members !== undefined) {
    const { types } = extras;
    resource[facts.members.attribute] = extras.members.map((member) => ({
      value: member.value,
      $ref: resourceUrl(baseUrl, types.get(member.type), member.value),
      ...(member.display !== undefined ? { display: member.display } : {}),
      type: member.type,
    }));
  }
  const groupsAttribute = facts.asMember?.groupsAttribute;
  const grouping = extras?.types.grouping;
  if (extras?.groups !== undefined && extras.groups.length > 0 && groupsAttribute !== undefined && grouping !== undefined) {
    resource[groupsAttribute] = extras.groups.map((group) => ({
      value: group.value,
      $ref: resourceUrl(baseUrl, grouping, group.value),
      ...(group.display !== undefined ? { display: group.display } : {}),
      type: group.type,
    }));
  }
  resource['meta'] = {
    resourceType: schemas.resourceType.name,
    created: stored.created,
    lastModified: stored.lastModified,
    location: resourceUrl(baseUrl, facts, stored.id),
    version: formatETag(stored.version),
  };
  return resource;
}

/**
 * The manager's `$ref` is derived from its id, so it always points at this
 * server. The manager is of the managed resource's own type: the Enterprise
 * User extension extends User, and its manager's referenceTypes is ["User"].
 */
function addManagerReference(resource: Record<string, unknown>, baseUrl: string, facts: ResourceTypeFacts): void {
  const enterprise = resource[ENTERPRISE_USER_SCHEMA];
  if (typeof enterprise !== 'object' || enterprise === null) return;
  const manager = (enterprise as Record<string, unknown>)['manager'];
  if (typeof manager !== 'object' || manager === null) return;
  const managerId = (manager as Record<string, unknown>)['value'];
  if (typeof managerId !== 'string') return;
  resource[ENTERPRISE_USER_SCHEMA] = {
    ...(enterprise as Record<string, unknown>),
    manager: { ...(manager as Record<string, unknown>), $ref: resourceUrl(baseUrl, facts, managerId) },
  };
}
