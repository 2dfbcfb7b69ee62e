/**
 * Turning a client's POST or PUT body into the canonical client-owned
 * attributes of a resource (RFC 7643 §2, §3, §7; RFC 7644 §3.3, §3.5.1).
 */
import { scimErrors } from '../errors/scim-error.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { isPasswordTarget, isReadOnlyTarget, resolveAttributeEntries } from './attribute-keys.js';
import { isIgnoredOnInput, normalizeAttributeValue } from './attribute-value.js';
import { isJsonObject, setOwn, type JsonObject } from './json-value.js';
import { assertRequiredAttributes } from './required-attributes.js';
import type { NormalizedResource, ResourceAttributes } from './resource-attributes.js';
import { assertSchemasList, canonicalSchemas } from './schemas-list.js';
import { checkNamespaceCount, normalizeUndeclaredObject } from './undeclared-extensions.js';

/** For POST and PUT bodies. */
export function normalizeResource(body: unknown, schemas: ResourceSchemas): NormalizedResource {
  if (!isJsonObject(body)) throw scimErrors.invalidSyntax('The request body must be a JSON object');
  const entries = resolveAttributeEntries(body, schemas);
  const schemasEntry = entries.find((entry) => entry.kind === 'schemas');
  assertSchemasList(schemasEntry?.value, schemas);
  // An extension object whose URN is missing from `schemas` is accepted:
  // identity providers send such bodies, and the object's key already names
  // its schema unambiguously. `schemas` is rebuilt from what is present.

  const collected: JsonObject = {};
  const seenPaths = new Set<string>();
  let password: string | undefined;
  const undeclared = new UndeclaredCollector();
  for (const entry of entries) {
    if (entry.kind === 'undeclared') {
      undeclared.add(entry.namespace, entry.attribute, entry.value);
      continue;
    }
    if (entry.kind !== 'attribute') continue;
    const { target } = entry;
    // RFC 7644 §3.5.1: readOnly values in a request "SHALL be ignored".
    if (isReadOnlyTarget(target)) continue;
    if (target.subAttribute !== undefined && isIgnoredOnInput(target.attribute, target.subAttribute)) continue;
    const pathKey = target.canonicalPath.toLowerCase();
    if (seenPaths.has(pathKey)) throw scimErrors.invalidSyntax(`Attribute "${target.canonicalPath}" is given more than once`);
    seenPaths.add(pathKey);
    if (isPasswordTarget(target, schemas)) {
      const value = normalizeAttributeValue(target.attribute, entry.value, target.canonicalPath);
      password = typeof value === 'string' ? value : undefined;
      continue;
    }
    addEntryValue(collected, target, entry.value);
  }

  undeclared.addTo(collected);
  const attributes: ResourceAttributes = { schemas: canonicalSchemas(collected, schemas) };
  for (const [key, value] of Object.entries(collected)) setOwn(attributes, key, value);
  assertRequiredAttributes(attributes, schemas);
  return { attributes, password };
}

function addEntryValue(collected: JsonObject, target: ResolvedAttribute, rawValue: unknown): void {
  const definition = target.attribute;
  const attributePath = target.isExtension ? `${target.schemaId}:${definition.name}` : definition.name;
  let value: unknown;
  if (target.subAttribute === undefined) {
    // Singular complex values may arrive in parts (`name` and `name.givenName`),
    // so their required sub-attributes are checked once the parts are joined.
    value = normalizeAttributeValue(definition, rawValue, attributePath, definition.multiValued ? 'complete' : 'partial');
  } else {
    if (definition.multiValued) {
      throw scimErrors.invalidSyntax(
        `"${target.canonicalPath}" names a sub-attribute of the multi-valued attribute "${attributePath}"; send "${attributePath}" as an array of objects`,
      );
    }
    const subValue = normalizeAttributeValue(target.subAttribute, rawValue, target.canonicalPath);
    value = subValue === undefined ? undefined : { [target.subAttribute.name]: subValue };
  }
  if (value === undefined) return;
  const container = target.isExtension ? extensionContainer(collected, target.schemaId) : collected;
  mergeAttributeValue(container, definition, value, attributePath);
}

function extensionContainer(collected: JsonObject, schemaId: string): JsonObject {
  const existing = collected[schemaId];
  if (isJsonObject(existing)) return existing;
  const created: JsonObject = {};
  setOwn(collected, schemaId, created);
  return created;
}

function mergeAttributeValue(container: JsonObject, definition: AttributeDefinition, value: unknown, path: string): void {
  const existing = container[definition.name];
  if (existing === undefined) {
    setOwn(container, definition.name, value);
    return;
  }
  if (isJsonObject(existing) && isJsonObject(value) && !definition.multiValued) {
    for (const [key, member] of Object.entries(value)) {
      if (existing[key] !== undefined) throw scimErrors.invalidSyntax(`Attribute "${path}.${key}" is given more than once`);
      setOwn(existing, key, member);
    }
    return;
  }
  throw scimErrors.invalidSyntax(`Attribute "${path}" is given more than once`);
}

/**
 * Undeclared namespaces of one body: a namespace may come whole
 * (`"urn:…:User": {…}`) and in parts (`"urn:…:User:costCenter": "…"`), as
 * the parts of a declared extension may, but each attribute once.
 */
class UndeclaredCollector {
  private readonly byLowerNamespace = new Map<string, { readonly namespace: string; readonly value: JsonObject }>();

  add(namespace: string, attribute: string | undefined, rawValue: unknown): void {
    const parts = attribute === undefined ? rawValue : { [attribute]: rawValue };
    if (attribute === undefined && !isJsonObject(rawValue) && rawValue !== null && rawValue !== '') {
      throw scimErrors.invalidValue(`The undeclared extension "${namespace}" must be an object of attributes, got ${JSON.stringify(rawValue)?.slice(0, 40) ?? 'nothing'}`);
    }
    if (!isJsonObject(parts)) return;
    const lower = namespace.toLowerCase();
    let held = this.byLowerNamespace.get(lower);
    if (held === undefined) {
      held = { namespace, value: {} };
      this.byLowerNamespace.set(lower, held);
    }
    for (const [name, member] of Object.entries(parts)) {
      if (Object.keys(held.value).some((existing) => existing.toLowerCase() === name.toLowerCase())) {
        throw scimErrors.invalidSyntax(`Attribute "${held.namespace}:${name}" is given more than once`);
      }
      setOwn(held.value, name, member);
    }
  }

  addTo(collected: JsonObject): void {
    const kept: string[] = [];
    for (const { namespace, value } of this.byLowerNamespace.values()) {
      const normalized = normalizeUndeclaredObject(namespace, value);
      if (normalized === undefined) continue;
      setOwn(collected, namespace, normalized);
      kept.push(namespace);
    }
    checkNamespaceCount(kept);
  }
}
