import type { AttributeDefinition, SchemaDefinition } from '../schema/attribute.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { SCHEMA_SCHEMA } from './discovery-urns.js';
import { discoveryLocation } from './location.js';

/**
 * One attribute as RFC 7643 §7 describes it. Only the characteristics of
 * §7 are written: server-internal switches such as canonicalValuesEnforced
 * stay out of the advertised schema.
 */
export function attributeRepresentation(attribute: AttributeDefinition): Record<string, unknown> {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.canonicalValues !== undefined ? { canonicalValues: [...attribute.canonicalValues] } : {}),
    ...(attribute.referenceTypes !== undefined ? { referenceTypes: [...attribute.referenceTypes] } : {}),
    ...(attribute.subAttributes !== undefined ? { subAttributes: attribute.subAttributes.map(attributeRepresentation) } : {}),
  };
}

function schemaRepresentation(schema: SchemaDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeRepresentation),
    meta: { resourceType: 'Schema', location: discoveryLocation(baseUrl, 'Schemas', schema.id) },
  };
}

/** Every schema the server knows, for GET /Schemas (RFC 7644 §4; example in RFC 7643 §8.7). */
export function schemaResources(registry: SchemaRegistry, baseUrl: string): Record<string, unknown>[] {
  return registry.schemas.map((schema) => schemaRepresentation(schema, baseUrl));
}

/** GET /Schemas/{urn}; the URN is compared case-insensitively. */
export function schemaResource(registry: SchemaRegistry, urn: string, baseUrl: string): Record<string, unknown> | undefined {
  const schema = registry.schema(urn);
  return schema === undefined ? undefined : schemaRepresentation(schema, baseUrl);
}
