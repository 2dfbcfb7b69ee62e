/**
 * Where a request's schemas come from. Services ask for the schemas of
 * (tenant, resource type) on every request, and hand the resolved
 * definitions to the core (validation, PATCH, filters, projection,
 * rendering) and to the store, so nothing holds on to one registry from
 * start-up. That leaves room for tenants whose directories differ (their
 * own extension schemas) without touching those consumers.
 *
 * The answers are promises because a tenant's schemas may have to be read
 * from the database. Once read they are usually at hand, and a resolver
 * may say so synchronously (`knownSchemasFor`): the per-request path then
 * costs no promise, which on a GET of one resource is a measurable share.
 */
import type { ResourceTypeName } from './attribute.js';
import type { ResourceSchemas, SchemaRegistry } from './registry.js';
import type { ResourceTypes } from './resource-types.js';

export interface SchemaResolver {
  /** The resource types served and their facts: the same for every tenant, fixed at start-up like the routes that serve them. */
  readonly resourceTypes: ResourceTypes;
  /** The schemas (core and extensions) of one resource type as one tenant's requests see them. */
  schemasFor(tenantId: string, resourceType: ResourceTypeName): Promise<ResourceSchemas>;
  /**
   * The same answer as `schemasFor` when it is at hand without waiting,
   * else undefined (then ask `schemasFor`). Optional: a resolver without it
   * is always asked through `schemasFor`.
   */
  knownSchemasFor?(tenantId: string, resourceType: ResourceTypeName): ResourceSchemas | undefined;
  /** Every schema and resource type one tenant sees: what its /Schemas and /ResourceTypes advertise. */
  registryFor(tenantId: string): Promise<SchemaRegistry>;
}

/** The resolver of a server whose tenants all see the same schemas: those of `registry`. */
export function sameSchemasForEveryTenant(registry: SchemaRegistry): SchemaResolver {
  return {
    resourceTypes: registry.types,
    schemasFor: async (_tenantId, resourceType) => registry.forResourceType(resourceType),
    knownSchemasFor: (_tenantId, resourceType) => registry.forResourceType(resourceType),
    registryFor: async () => registry,
  };
}
