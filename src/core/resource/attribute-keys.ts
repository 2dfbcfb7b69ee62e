/**
 * Resolving the keys of a resource body (or of a PATCH value without a path)
 * to attributes, case-insensitively (RFC 7643 §2.1: "Attribute names are
 * case insensitive"). A key may be a plain name (`userName`), a name with a
 * sub-attribute (`name.givenName`), a URN-qualified path
 * (`urn:…:enterprise:2.0:User:department`) or a schema URN whose value is an
 * object of that schema's attributes.
 */
import { scimErrors } from '../errors/scim-error.js';
import type { SchemaDefinition } from '../schema/attribute.js';
import { SCHEMAS_ATTRIBUTE } from '../schema/common.js';
import { readAttributePath } from '../filter/parser.js';
import type { AttributeReference, ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { describeJsonValue, isJsonObject, type JsonObject } from './json-value.js';
import { readUndeclaredKey } from './undeclared-extensions.js';

export type AttributeEntry =
  /** The `schemas` list, checked by the caller. */
  | { readonly kind: 'schemas'; readonly value: unknown }
  /** An attribute or sub-attribute and the client's raw value for it. */
  | { readonly kind: 'attribute'; readonly target: ResolvedAttribute; readonly value: unknown }
  /** An extension URN whose value is null or "": the whole extension is unassigned. */
  | { readonly kind: 'extensionCleared'; readonly schema: SchemaDefinition }
  /**
   * A namespace no schema of the tenant defines (kept as sent, see
   * undeclared-extensions.ts): the whole namespace, or one attribute of it
   * written as `urn:…:User:costCenter`.
   */
  | { readonly kind: 'undeclared'; readonly namespace: string; readonly attribute: string | undefined; readonly value: unknown };

/** Resolves every key of `source`; an unknown key is `400 invalidSyntax` naming it, never dropped. */
export function resolveAttributeEntries(source: JsonObject, schemas: ResourceSchemas): AttributeEntry[] {
  const entries: AttributeEntry[] = [];
  const listedSchemas = listedSchemasOf(source);
  for (const [key, value] of Object.entries(source)) {
    if (key.toLowerCase() === SCHEMAS_ATTRIBUTE) {
      entries.push({ kind: 'schemas', value });
      continue;
    }
    const schema = schemas.schema(key);
    if (schema) {
      entries.push(...resolveSchemaObject(schema, value, schemas));
      continue;
    }
    const path = readAttributePath(key);
    const target = path === undefined ? undefined : resolveAttributeReference(schemas, path);
    if (!target) {
      const undeclared = readUndeclaredKey(key, value, listedSchemas, schemas);
      if (undeclared !== undefined) {
        entries.push({ kind: 'undeclared', ...undeclared, value });
        continue;
      }
      const what = /^urn:/i.test(key) ? 'attribute or schema' : 'attribute';
      throw scimErrors.invalidSyntax(`Unknown ${what} "${key}" for resource type ${schemas.resourceType.name}`);
    }
    entries.push({ kind: 'attribute', target, value });
  }
  return entries;
}

/** The URNs of the body's `schemas` list, however it is spelt; a malformed list is the caller's to refuse. */
function listedSchemasOf(source: JsonObject): string[] {
  for (const [key, value] of Object.entries(source)) {
    if (key.toLowerCase() === SCHEMAS_ATTRIBUTE && Array.isArray(value)) return value.filter((urn): urn is string => typeof urn === 'string');
  }
  return [];
}

/**
 * Resolves a reference as the registry does and, when a name without a URN
 * is not a core attribute, finds it in the one extension schema that defines
 * it. RFC 7644 §3.10 reads an unqualified name as a core attribute, but
 * Entra ID sends `"path": "manager"` for the enterprise manager, and its
 * documented create body carries `department` and `manager` unqualified. A
 * name that several extensions define stays unknown: guessing which one was
 * meant could write data where the client did not intend it.
 */
export function resolveAttributeReference(schemas: ResourceSchemas, reference: AttributeReference): ResolvedAttribute | undefined {
  const resolved = schemas.resolve(reference);
  if (resolved !== undefined || reference.schema !== undefined) return resolved;
  const candidates: ResolvedAttribute[] = [];
  for (const extension of schemas.extensions) {
    const candidate = schemas.resolve({ ...reference, schema: extension.id });
    if (candidate !== undefined) candidates.push(candidate);
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** `"urn:…:enterprise:2.0:User": { "department": "…", "manager.value": "…" }` */
function resolveSchemaObject(schema: SchemaDefinition, value: unknown, schemas: ResourceSchemas): AttributeEntry[] {
  const isCore = schema === schemas.coreSchema;
  if (value === null || value === undefined || value === '') return isCore ? [] : [{ kind: 'extensionCleared', schema }];
  if (!isJsonObject(value)) throw scimErrors.invalidValue(`Schema "${schema.id}" must be an object of attributes, got ${describeJsonValue(value)}`);
  const entries: AttributeEntry[] = [];
  for (const [key, member] of Object.entries(value)) {
    const path = readAttributePath(key);
    const target = path !== undefined && path.schema === undefined ? schemas.resolve({ schema: schema.id, name: path.name, subAttribute: path.subAttribute }) : undefined;
    if (!target) throw scimErrors.invalidSyntax(`Unknown attribute "${key}" in schema "${schema.id}"`);
    entries.push({ kind: 'attribute', target, value: member });
  }
  return entries;
}

/** `id`, `meta`, `groups`, `members.display`, `manager.displayName`: the server's to set. */
export function isReadOnlyTarget(target: ResolvedAttribute): boolean {
  return target.attribute.mutability === 'readOnly' || target.subAttribute?.mutability === 'readOnly';
}

/** The User's writeOnly `password` (RFC 7643 §4.1.1), kept out of the stored attributes. */
export function isPasswordTarget(target: ResolvedAttribute, schemas: ResourceSchemas): boolean {
  return (
    target.subAttribute === undefined &&
    target.attribute.mutability === 'writeOnly' &&
    target.attribute.name === 'password' &&
    target.schemaId === schemas.coreSchema.id
  );
}
