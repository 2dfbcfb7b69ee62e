import { scimErrors } from '../errors/scim-error.js';
import type { ResourceSchemas } from '../schema/registry.js';
import { jsonEqual } from './json-value.js';
import { normalizeResource } from './normalize.js';
import type { ResourceAttributes } from './resource-attributes.js';

/**
 * Re-checks a resource produced by PATCH: required attributes present, types,
 * primary uniqueness, canonical values. The resource must be exactly what
 * normalizeResource makes of it, so nothing non-canonical (a string boolean,
 * an empty array, a readOnly attribute such as `id`) can reach the store.
 */
export function validateResource(attributes: ResourceAttributes, schemas: ResourceSchemas): void {
  const normalized = normalizeResource(attributes, schemas);
  if (normalized.password !== undefined) {
    throw new TypeError('validateResource: the password belongs outside the resource attributes');
  }
  const keys = new Set([...Object.keys(attributes), ...Object.keys(normalized.attributes)]);
  for (const key of keys) {
    if (!jsonEqual(attributes[key], normalized.attributes[key])) {
      throw scimErrors.invalidValue(`Attribute "${key}" is not valid in its stored form`);
    }
  }
}
