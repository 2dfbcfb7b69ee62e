import { scimErrors } from '../errors/scim-error.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { parseAttributePath } from '../filter/parser.js';

/**
 * The effective `attributes` / `excludedAttributes` of a request
 * (RFC 7644 §3.4.2.5, §3.9), resolved against one resource type's schemas.
 *
 * `attributes` undefined means the parameter was not given; an empty array
 * means it was given but named nothing this server knows, so only the
 * attributes returned "always" are output.
 */
export interface Projection {
  readonly attributes: readonly ResolvedAttribute[] | undefined;
  readonly excludedAttributes: readonly ResolvedAttribute[] | undefined;
  /** Schema URNs (canonical case) named whole in `attributes`, e.g. the Enterprise User URN. */
  readonly attributeSchemas: readonly string[];
  /** Schema URNs (canonical case) named whole in `excludedAttributes`. */
  readonly excludedSchemas: readonly string[];
}

export const noProjection: Projection = Object.freeze({
  attributes: undefined,
  excludedAttributes: undefined,
  attributeSchemas: Object.freeze([]),
  excludedSchemas: Object.freeze([]),
});

/**
 * Only the attributes returned "always" (id, schemas, meta is not among
 * them): for callers that need a write's outcome but no representation,
 * such as a PATCH answered 204 or a Bulk operation. Nothing computed (a
 * Group's members, a User's groups) is loaded for it.
 */
export const alwaysReturnedOnly: Projection = Object.freeze({
  attributes: Object.freeze([]),
  excludedAttributes: undefined,
  attributeSchemas: Object.freeze([]),
  excludedSchemas: Object.freeze([]),
});

interface ParsedList {
  readonly attributes: readonly ResolvedAttribute[];
  readonly schemas: readonly string[];
}

function listEntries(parameter: string, value: string | readonly string[]): string[] {
  const parts: readonly unknown[] = typeof value === 'string' ? [value] : value;
  const entries: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') throw scimErrors.invalidValue(`${parameter} must be a list of attribute names`);
    for (const entry of part.split(',')) {
      const trimmed = entry.trim();
      // Empty entries ("userName,,name" or a trailing comma) carry no name and are skipped.
      if (trimmed !== '') entries.push(trimmed);
    }
  }
  return entries;
}

function parseList(parameter: string, value: string | readonly string[] | undefined, schemas: ResourceSchemas): ParsedList | undefined {
  if (value === undefined) return undefined;
  const entries = listEntries(parameter, value);
  // "attributes=" names nothing; it is treated as absent rather than as "return the minimum".
  if (entries.length === 0) return undefined;
  const attributes: ResolvedAttribute[] = [];
  const wholeSchemas: string[] = [];
  for (const entry of entries) {
    const schema = schemas.schema(entry);
    if (schema !== undefined) {
      if (!wholeSchemas.includes(schema.id)) wholeSchemas.push(schema.id);
      continue;
    }
    const path = parseAttributePath(entry, (message) =>
      scimErrors.invalidValue(`${parameter}: ${JSON.stringify(entry)} is not an attribute name in standard attribute notation (RFC 7644 §3.10): ${message}`),
    );
    // RFC 7644 does not say what to do with names the server lacks; clients
    // routinely ask for attributes a given server does not have, so they are
    // ignored rather than failing the whole request.
    const resolved = schemas.resolve(path);
    if (resolved !== undefined) attributes.push(resolved);
  }
  return { attributes, schemas: wholeSchemas };
}

/**
 * Parses the two lists (comma-separated strings or arrays of them; each
 * entry `[urn:]name[.sub]` or a bare schema URN; case-insensitive).
 *
 * RFC 7644 §3.9 says clients SHOULD NOT give both; when they do, both are
 * checked for syntax and `attributes` wins: `excludedAttributes` is dropped.
 */
export function parseProjection(
  attributes: string | readonly string[] | undefined,
  excludedAttributes: string | readonly string[] | undefined,
  schemas: ResourceSchemas,
): Projection {
  const selected = parseList('attributes', attributes, schemas);
  const excluded = parseList('excludedAttributes', excludedAttributes, schemas);
  if (selected !== undefined) {
    return Object.freeze({
      attributes: Object.freeze(selected.attributes),
      excludedAttributes: undefined,
      attributeSchemas: Object.freeze(selected.schemas),
      excludedSchemas: Object.freeze([]),
    });
  }
  if (excluded !== undefined) {
    return Object.freeze({
      attributes: undefined,
      excludedAttributes: Object.freeze(excluded.attributes),
      attributeSchemas: Object.freeze([]),
      excludedSchemas: Object.freeze(excluded.schemas),
    });
  }
  return noProjection;
}
