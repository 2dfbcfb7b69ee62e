/**
 * Where a request's schemas come from. Services ask for the schemas of
 * (tenant, resource type) on every request, and hand the resolved
 * definitions to the core (validation, PATCH, filters, projection,
 * rendering) and to the store, so nothing holds on to one registry from
 * start-up. That leaves room for tenants whose directories differ (their
 * own extension schemas) without touching those consumers.
 *
 * The answers are promises because a tenant's schemas may have to be read
 * from the database.
 */
import type { ResourceTypeName } from './attribute.js';
import type { ResourceSchemas, SchemaRegistry } from './registry.js';
import type { ResourceTypes } from './resource-types.js';

export interface SchemaResolver {
  /** The resource types served and their facts: the same for every tenant, fixed at start-up like the routes that serve them. */
  readonly resourceTypes: ResourceTypes;
  /** The schemas (core and extensions) of one resource type as one tenant's requests see them. */
  schemasFor(tenantId: string, resourceType: ResourceTypeName): Promise<ResourceSchemas>;
  /** Every schema and resource type one tenant sees: what its /Schemas and /ResourceTypes advertise. */
  registryFor(tenantId: string): Promise<SchemaRegistry>;
}

/** The resolver of a server whose tenants all see the same schemas: those of `registry`. */
export function sameSchemasForEveryTenant(registry: SchemaRegistry): SchemaResolver {
  return {
    resourceTypes: registry.types,
    schemasFor: async (_tenantId, resourceType) => registry.forResourceType(resourceType),
    registryFor: async () => registry,
  };
}
