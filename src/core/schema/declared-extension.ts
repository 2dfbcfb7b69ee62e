/**
 * An extension schema an operator declares for one tenant, read from the
 * admin API's or the CLI's JSON and checked against the server's schemas.
 * Every problem is `400 invalidValue` naming the field, so a declaration
 * that would make the tenant's schemas ambiguous never reaches the store.
 */
import { scimErrors } from '../errors/scim-error.js';
import { isReservedUrn } from '../resource/undeclared-extensions.js';
import { attribute, complex, type AttributeDefinition, type AttributeType, type ResourceTypeName, type SchemaDefinition } from './attribute.js';
import { commonAttributes, SCHEMAS_ATTRIBUTE } from './common.js';
import type { SchemaRegistry } from './registry.js';

/** The types a declared attribute may have (RFC 7643 §2.3); `complex` takes simple sub-attributes. */
const DECLARABLE_TYPES: readonly AttributeType[] = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary', 'complex'];

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_$-]*$/;
/** RFC 8141 in short: `urn:` NID `:` NSS; the NSS ends with the resource type's name by convention, not by rule. */
const SCHEMA_URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/;

const MAX_URN_LENGTH = 512;
const ATTRIBUTE_KEYS = new Set(['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'canonicalValues', 'subAttributes']);
const DECLARATION_KEYS = new Set(['id', 'resourceType', 'name', 'description', 'attributes']);

/** Bounds on one declaration: generous for directories, small enough to keep every request's schema cheap. */
export const DECLARATION_LIMITS = Object.freeze({ maxAttributes: 100, maxSubAttributes: 20, maxCanonicalValues: 200, maxTextLength: 1024 });

export interface DeclaredExtension {
  readonly resourceType: ResourceTypeName;
  readonly schema: SchemaDefinition;
}

/**
 * Reads a declaration `{ id, resourceType, name?, description?, attributes: [...] }`.
 * `registry` holds the server's own schemas: a declaration may not redefine
 * one, nor reuse a name of the resource type's core or common attributes
 * (an unqualified name in a filter or PATCH path would then be ambiguous).
 */
export function parseDeclaredExtension(body: unknown, registry: SchemaRegistry): DeclaredExtension {
  const declaration = object(body, 'The declaration');
  unknownKeys(declaration, DECLARATION_KEYS, 'The declaration');
  const id = text(declaration['id'], '"id"');
  // Every database keys declarations by the URN; MySQL's index takes at most 512 characters.
  if (id.length > MAX_URN_LENGTH) throw scimErrors.invalidValue(`"id" is longer than ${MAX_URN_LENGTH} characters`);
  if (!SCHEMA_URN.test(id)) throw scimErrors.invalidValue(`"id" must be a schema URN such as "urn:ietf:params:scim:schemas:extension:acme:2.0:User", got "${id}"`);
  if (isReservedUrn(id)) throw scimErrors.invalidValue(`"id" "${id}" is reserved: the core schemas and the protocol's messages use the "urn:ietf:params:scim:schemas:core:" and "urn:ietf:params:scim:api:" namespaces`);
  if (registry.schema(id) !== undefined) throw scimErrors.invalidValue(`"id" "${id}" is a schema the server already defines; it cannot be declared again per tenant`);
  const resourceTypeName = text(declaration['resourceType'], '"resourceType"');
  const resourceType = registry.resourceType(resourceTypeName);
  if (resourceType === undefined) {
    throw scimErrors.invalidValue(`"resourceType" "${resourceTypeName}" is not one of ${registry.resourceTypes.map((type) => `"${type.name}"`).join(', ')}`);
  }
  const name = declaration['name'] === undefined ? nameFromUrn(id) : text(declaration['name'], '"name"');
  const description = declaration['description'] === undefined ? '' : text(declaration['description'], '"description"');
  const rawAttributes = declaration['attributes'];
  if (!Array.isArray(rawAttributes) || rawAttributes.length === 0) throw scimErrors.invalidValue('"attributes" must be a non-empty array of attribute declarations');
  if (rawAttributes.length > DECLARATION_LIMITS.maxAttributes) throw scimErrors.invalidValue(`"attributes" may hold at most ${DECLARATION_LIMITS.maxAttributes} attributes`);
  const core = registry.forResourceType(resourceType.name);
  const taken = new Set([...commonAttributes, ...core.coreSchema.attributes].map((definition) => definition.name.toLowerCase()));
  taken.add(SCHEMAS_ATTRIBUTE);
  const attributes = readAttributes(rawAttributes, 'attributes', (attributeName, label) => {
    if (taken.has(attributeName.toLowerCase())) {
      throw scimErrors.invalidValue(`${label} "${attributeName}" clashes with the ${resourceType.name} attribute of that name; choose another name`);
    }
  });
  return { resourceType: resourceType.name, schema: Object.freeze({ id, name, description, attributes }) };
}

function readAttributes(list: readonly unknown[], where: string, checkName: (name: string, label: string) => void, nested = false): AttributeDefinition[] {
  const seen = new Set<string>();
  return list.map((raw, index) => {
    const label = `${where}[${index}].name`;
    const entry = object(raw, `${where}[${index}]`);
    unknownKeys(entry, ATTRIBUTE_KEYS, `${where}[${index}]`);
    const name = text(entry['name'], label);
    if (!ATTRIBUTE_NAME.test(name)) throw scimErrors.invalidValue(`${label} "${name}" is not an attribute name (RFC 7643 §2.1: a letter, then letters, digits, "$", "-" or "_")`);
    if (seen.has(name.toLowerCase())) throw scimErrors.invalidValue(`${label} "${name}" is declared twice (names are case-insensitive)`);
    seen.add(name.toLowerCase());
    checkName(name, label);
    const type = text(entry['type'] ?? 'string', `${where}[${index}].type`) as AttributeType;
    if (!DECLARABLE_TYPES.includes(type) || (nested && type === 'complex')) {
      const allowed = nested ? DECLARABLE_TYPES.filter((candidate) => candidate !== 'complex') : DECLARABLE_TYPES;
      throw scimErrors.invalidValue(`${where}[${index}].type "${String(entry['type'])}" is not one of ${allowed.map((candidate) => `"${candidate}"`).join(', ')}`);
    }
    const options = {
      multiValued: flag(entry['multiValued'], `${where}[${index}].multiValued`),
      required: flag(entry['required'], `${where}[${index}].required`),
      caseExact: flag(entry['caseExact'], `${where}[${index}].caseExact`),
      description: entry['description'] === undefined ? '' : text(entry['description'], `${where}[${index}].description`),
      ...canonical(entry['canonicalValues'], `${where}[${index}].canonicalValues`),
    };
    if (type !== 'complex') {
      if (entry['subAttributes'] !== undefined) throw scimErrors.invalidValue(`${where}[${index}].subAttributes is only for "complex" attributes`);
      return attribute(name, type, options);
    }
    const subList = entry['subAttributes'];
    if (!Array.isArray(subList) || subList.length === 0) throw scimErrors.invalidValue(`${where}[${index}].subAttributes must list the sub-attributes of a "complex" attribute`);
    if (subList.length > DECLARATION_LIMITS.maxSubAttributes) throw scimErrors.invalidValue(`${where}[${index}].subAttributes may hold at most ${DECLARATION_LIMITS.maxSubAttributes}`);
    return complex(name, readAttributes(subList, `${where}[${index}].subAttributes`, () => undefined, true), options);
  });
}

/** `urn:…:CustomExtensionName:2.0:User` → `CustomExtensionName`: the last segment before the version and the resource type. */
function nameFromUrn(urn: string): string {
  const segments = urn.split(':').slice(2, -1).filter((segment) => !/^\d+(\.\d+)*$/.test(segment));
  return segments.at(-1) ?? urn;
}

function object(value: unknown, label: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw scimErrors.invalidValue(`${label} must be a JSON object`);
  return value as Record<string, unknown>;
}

function unknownKeys(value: Record<string, unknown>, known: ReadonlySet<string>, label: string): void {
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length > 0) throw scimErrors.invalidValue(`${label} has unknown fields ${unknown.map((key) => `"${key}"`).join(', ')}; known: ${[...known].join(', ')}`);
}

function text(value: unknown, label: string): string {
  if (typeof value !== 'string' || value.length === 0) throw scimErrors.invalidValue(`${label} must be a non-empty string`);
  if (value.length > DECLARATION_LIMITS.maxTextLength) throw scimErrors.invalidValue(`${label} is longer than ${DECLARATION_LIMITS.maxTextLength} characters`);
  if (value.includes('\u0000')) throw scimErrors.invalidValue(`${label} holds the character U+0000`);
  return value;
}

function flag(value: unknown, label: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw scimErrors.invalidValue(`${label} must be true or false`);
  return value;
}

function canonical(value: unknown, label: string): { canonicalValues?: readonly string[] } {
  if (value === undefined) return {};
  if (!Array.isArray(value) || value.length > DECLARATION_LIMITS.maxCanonicalValues) {
    throw scimErrors.invalidValue(`${label} must be an array of at most ${DECLARATION_LIMITS.maxCanonicalValues} strings`);
  }
  return { canonicalValues: Object.freeze(value.map((member, index) => text(member, `${label}[${index}]`))) };
}

/**
 * The attributes of `before` that `after` drops or retypes (type,
 * multiValued, sub-attributes): values stored under them would no longer
 * fit, so changing them is refused while values exist, unless forced.
 */
export function incompatibleChanges(before: SchemaDefinition, after: SchemaDefinition): string[] {
  return before.attributes.filter((old) => !keepsValuesOf(old, after.attributes)).map((old) => old.name);
}

/** Whether values of `old` still fit the attribute of the same name among `candidates` (same type and plurality, every sub-attribute kept alike). */
function keepsValuesOf(old: AttributeDefinition, candidates: readonly AttributeDefinition[]): boolean {
  const next = candidates.find((candidate) => candidate.name.toLowerCase() === old.name.toLowerCase());
  if (next === undefined || next.type !== old.type || next.multiValued !== old.multiValued) return false;
  return (old.subAttributes ?? []).every((sub) => keepsValuesOf(sub, next.subAttributes ?? []));
}

/**
 * An attribute read back from storage, rebuilt with the same builder as a
 * fresh declaration: a JSON column may reorder keys (PostgreSQL's jsonb
 * does), and /Schemas should not depend on the database.
 */
export function reviveDeclaredAttribute(stored: AttributeDefinition): AttributeDefinition {
  const options = {
    multiValued: stored.multiValued,
    required: stored.required,
    caseExact: stored.caseExact,
    description: stored.description,
    ...(stored.canonicalValues !== undefined ? { canonicalValues: Object.freeze([...stored.canonicalValues]) } : {}),
  };
  return stored.subAttributes === undefined ? attribute(stored.name, stored.type, options) : complex(stored.name, stored.subAttributes.map(reviveDeclaredAttribute), options);
}
