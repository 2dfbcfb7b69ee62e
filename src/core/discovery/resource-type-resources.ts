import type { ResourceTypeDefinition } from '../schema/attribute.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { RESOURCE_TYPE_SCHEMA } from './discovery-urns.js';
import { discoveryLocation } from './location.js';

function resourceTypeRepresentation(resourceType: ResourceTypeDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.id,
    name: resourceType.name,
    endpoint: resourceType.endpoint,
    description: resourceType.description,
    schema: resourceType.schema,
    // schemaExtensions is OPTIONAL (RFC 7643 §6); like the Group example of §8.6, it is left out when empty.
    ...(resourceType.schemaExtensions.length > 0
      ? { schemaExtensions: resourceType.schemaExtensions.map((extension) => ({ schema: extension.schema, required: extension.required })) }
      : {}),
    meta: { resourceType: 'ResourceType', location: discoveryLocation(baseUrl, 'ResourceTypes', resourceType.name) },
  };
}

/** Every resource type, for GET /ResourceTypes (RFC 7644 §4; example in RFC 7643 §8.6). */
export function resourceTypeResources(registry: SchemaRegistry, baseUrl: string): Record<string, unknown>[] {
  return registry.resourceTypes.map((resourceType) => resourceTypeRepresentation(resourceType, baseUrl));
}

/** GET /ResourceTypes/{name}; the name is compared case-insensitively. */
export function resourceTypeResource(registry: SchemaRegistry, name: string, baseUrl: string): Record<string, unknown> | undefined {
  const resourceType = registry.resourceType(name);
  return resourceType === undefined ? undefined : resourceTypeRepresentation(resourceType, baseUrl);
}
