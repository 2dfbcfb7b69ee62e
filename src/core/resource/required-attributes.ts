import { scimErrors } from '../errors/scim-error.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import type { ResourceSchemas } from '../schema/registry.js';
import { assertRequiredSubAttributes } from './attribute-value.js';
import { isJsonObject } from './json-value.js';
import type { ResourceAttributes } from './resource-attributes.js';

/**
 * RFC 7643 §2.2 `required`: the attribute (or sub-attribute) must have a
 * value. Extension attributes are required only when the extension is
 * present or itself required (RFC 7643 §3: a required extension's required
 * attributes must be included).
 */
export function assertRequiredAttributes(attributes: ResourceAttributes, schemas: ResourceSchemas): void {
  for (const definition of schemas.coreSchema.attributes) assertRequired(definition, attributes[definition.name], definition.name);
  const requiredExtensions = new Set([...schemas.requiredExtensions].map((urn) => urn.toLowerCase()));
  for (const extension of schemas.extensions) {
    const container = attributes[extension.id];
    if (container === undefined && !requiredExtensions.has(extension.id.toLowerCase())) continue;
    for (const definition of extension.attributes) {
      const value = isJsonObject(container) ? container[definition.name] : undefined;
      assertRequired(definition, value, `${extension.id}:${definition.name}`);
    }
  }
}

function assertRequired(definition: AttributeDefinition, value: unknown, path: string): void {
  // readOnly attributes are the server's to fill in; a client cannot be asked for them.
  if (definition.required && definition.mutability !== 'readOnly' && value === undefined) {
    throw scimErrors.invalidValue(`Attribute "${path}" is required`);
  }
  if (definition.type !== 'complex' || value === undefined) return;
  const values = Array.isArray(value) ? value : [value];
  for (const element of values) if (isJsonObject(element)) assertRequiredSubAttributes(definition, element, path);
}
