import { scimErrors } from '../errors/scim-error.js';
import type { ResourceSchemas } from '../schema/registry.js';
import type { ResourceAttributes } from './resource-attributes.js';
import { undeclaredNamespacesOf } from './undeclared-extensions.js';

/**
 * The `schemas` a stored resource lists: its core schema, then the
 * extensions it has attributes of, plus required extensions (RFC 7643 §3:
 * a resource "MUST include" a required schema extension), then the
 * undeclared namespaces it keeps.
 */
export function canonicalSchemas(attributes: ResourceAttributes, schemas: ResourceSchemas): string[] {
  const required = new Set([...schemas.requiredExtensions].map((urn) => urn.toLowerCase()));
  const extensions = schemas.extensions.filter((extension) => attributes[extension.id] !== undefined || required.has(extension.id.toLowerCase()));
  return [schemas.coreSchema.id, ...extensions.map((extension) => extension.id), ...undeclaredNamespacesOf(attributes, schemas)];
}

/**
 * RFC 7643 §3: `schemas` is REQUIRED and lists the core schema of the
 * resource type. URNs are compared case-insensitively. URNs this server does
 * not know are tolerated when no attribute uses them: they carry no data.
 */
export function assertSchemasList(value: unknown, schemas: ResourceSchemas): void {
  const core = schemas.coreSchema.id;
  if (value === undefined || value === null) throw scimErrors.invalidSyntax(`"schemas" is required and must include "${core}"`);
  if (!Array.isArray(value) || !value.every((urn): urn is string => typeof urn === 'string')) {
    throw scimErrors.invalidSyntax(`"schemas" must be an array of schema URNs including "${core}"`);
  }
  const wanted = core.toLowerCase();
  if (!value.some((urn) => urn.toLowerCase() === wanted)) throw scimErrors.invalidSyntax(`"schemas" must include "${core}"`);
}
