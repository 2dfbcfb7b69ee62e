import type { AttributeDefinition, SchemaDefinition } from '../schema/attribute.js';
import { SCHEMAS_ATTRIBUTE, commonAttributes } from '../schema/common.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { isUndeclaredNamespace } from '../resource/undeclared-extensions.js';
import type { Projection } from './projection.js';
import { selectAttribute, type AttributeSelection } from './selection.js';

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy, so the projected resource shares nothing with the stored one. */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const key of Object.keys(value)) copy[key] = copyJson(value[key]);
    return copy;
  }
  return value;
}

interface OwnedAttribute {
  readonly schemaId: string;
  readonly attribute: AttributeDefinition;
}

type AttributesByLowerName = ReadonlyMap<string, OwnedAttribute>;

function byLowerName(schemaId: string, attributes: readonly AttributeDefinition[]): AttributesByLowerName {
  return new Map(attributes.map((attribute) => [attribute.name.toLowerCase(), { schemaId, attribute }]));
}

/*
 * Schema definitions are built once at start-up and never change, so the
 * lookup tables derived from them are built once too and kept beside them
 * (weakly, so a registry that is dropped takes its tables along). Building
 * them per resource was about a quarter of the projection's time.
 */
const topLevelTables = new WeakMap<ResourceSchemas, AttributesByLowerName>();
const extensionTables = new WeakMap<SchemaDefinition, AttributesByLowerName>();
const subAttributeTables = new WeakMap<AttributeDefinition, AttributesByLowerName>();

function topLevelAttributes(schemas: ResourceSchemas): AttributesByLowerName {
  let table = topLevelTables.get(schemas);
  if (table === undefined) {
    table = new Map([...byLowerName('', commonAttributes), ...byLowerName(schemas.coreSchema.id, schemas.coreSchema.attributes)]);
    topLevelTables.set(schemas, table);
  }
  return table;
}

function extensionAttributes(extension: SchemaDefinition): AttributesByLowerName {
  let table = extensionTables.get(extension);
  if (table === undefined) {
    table = byLowerName(extension.id, extension.attributes);
    extensionTables.set(extension, table);
  }
  return table;
}

function subAttributesOf(attribute: AttributeDefinition): AttributesByLowerName {
  let table = subAttributeTables.get(attribute);
  if (table === undefined) {
    table = byLowerName('', attribute.subAttributes ?? []);
    subAttributeTables.set(attribute, table);
  }
  return table;
}

/*
 * What a projection selects of an attribute depends only on the projection
 * and the attribute, so it is decided once per pair: for the shared
 * `noProjection` (most requests) once per process, for a request's own
 * projection once per request however many resources its page holds.
 */
const selectionsByProjection = new WeakMap<Projection, Map<string, Map<AttributeDefinition, AttributeSelection>>>();

function selectionOf(projection: Projection, schemaId: string, attribute: AttributeDefinition): AttributeSelection {
  let bySchema = selectionsByProjection.get(projection);
  if (bySchema === undefined) {
    bySchema = new Map();
    selectionsByProjection.set(projection, bySchema);
  }
  let byAttribute = bySchema.get(schemaId);
  if (byAttribute === undefined) {
    byAttribute = new Map();
    bySchema.set(schemaId, byAttribute);
  }
  let selection = byAttribute.get(attribute);
  if (selection === undefined) {
    selection = selectAttribute(projection, schemaId, attribute);
    byAttribute.set(attribute, selection);
  }
  return selection;
}

function projectComplexValue(attribute: AttributeDefinition, value: JsonObject, selection: AttributeSelection): JsonObject | undefined {
  const subAttributes = subAttributesOf(attribute);
  const projected: JsonObject = {};
  let kept = false;
  for (const key of Object.keys(value)) {
    const subAttribute = subAttributes.get(key.toLowerCase())?.attribute;
    if (subAttribute !== undefined && selection.includesSubAttribute(subAttribute)) {
      projected[subAttribute.name] = copyJson(value[key]);
      kept = true;
    }
  }
  return kept ? projected : undefined;
}

/** The attribute's value reduced to the selected sub-attributes; undefined when nothing is left. */
function projectValue(attribute: AttributeDefinition, value: unknown, selection: AttributeSelection): unknown {
  if (attribute.type !== 'complex') return copyJson(value);
  if (Array.isArray(value)) {
    const elements: unknown[] = [];
    for (const element of value) {
      const projected = isJsonObject(element) ? projectComplexValue(attribute, element, selection) : copyJson(element);
      if (projected !== undefined) elements.push(projected);
    }
    return elements.length === 0 ? undefined : elements;
  }
  if (isJsonObject(value)) return projectComplexValue(attribute, value, selection);
  return copyJson(value);
}

/** Adds one attribute of `source` to `target` when the schema defines it and the projection keeps it. */
function projectAttribute(key: string, value: unknown, attributes: AttributesByLowerName, projection: Projection, target: JsonObject): void {
  const owned = attributes.get(key.toLowerCase());
  if (owned === undefined) return;
  const selection = selectionOf(projection, owned.schemaId, owned.attribute);
  if (!selection.included) return;
  const projected = projectValue(owned.attribute, value, selection);
  if (projected !== undefined) target[owned.attribute.name] = projected;
}

function projectExtension(extension: SchemaDefinition, value: unknown, projection: Projection): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const attributes = extensionAttributes(extension);
  const projected: JsonObject = {};
  for (const key of Object.keys(value)) projectAttribute(key, value[key], attributes, projection, projected);
  return Object.keys(projected).length === 0 ? undefined : projected;
}

/**
 * Returns a new object: the full resource (canonical JSON with id, meta,
 * schemas and extension objects under their URN keys) reduced per each
 * attribute's `returned` characteristic and the projection.
 *
 * `schemas` is always output unchanged, also when an extension object is
 * left out. Keys that no schema of the resource type defines are dropped,
 * so the output never disagrees with /Schemas; so is an extension object
 * that ends up empty. The exception is a namespace the tenant keeps
 * undeclared, returned as stored.
 */
export function projectResource(resource: Readonly<Record<string, unknown>>, schemas: ResourceSchemas, projection: Projection): Record<string, unknown> {
  const topLevel = topLevelAttributes(schemas);
  const output: JsonObject = {};
  for (const key of Object.keys(resource)) {
    const value = resource[key];
    if (key.toLowerCase() === SCHEMAS_ATTRIBUTE) {
      output[SCHEMAS_ATTRIBUTE] = copyJson(value);
      continue;
    }
    // Extension keys are URNs; an attribute name never contains ':', so only those need the schema lookup.
    const extension = key.includes(':') ? schemas.extension(key) : undefined;
    if (extension !== undefined) {
      const projected = projectExtension(extension, value, projection);
      if (projected !== undefined) output[extension.id] = projected;
      continue;
    }
    // An undeclared namespace the tenant keeps has no attributes to select, so
    // it comes whole, unless the request asked for named attributes only.
    if (extension === undefined && key.includes(':') && projection.attributes === undefined && isUndeclaredNamespace(key, schemas)) {
      output[key] = copyJson(value);
      continue;
    }
    projectAttribute(key, value, topLevel, projection, output);
  }
  return output;
}

/**
 * Whether the output will include (any part of) this attribute, so a
 * service can skip loading expensive values (a Group's members, a User's
 * groups) that would be projected away. Accepts `members`, `name.givenName`,
 * `urn:…:User:manager` or a bare extension URN; `schemas` is always included.
 * Naming an attribute the resource type does not have is a programming
 * mistake (TypeError).
 */
export function projectionIncludes(projection: Projection, schemas: ResourceSchemas, attributePath: string): boolean {
  if (attributePath.toLowerCase() === SCHEMAS_ATTRIBUTE) return true;
  const target = includeTarget(schemas, attributePath);
  if (target.kind === 'extension') {
    const { extension } = target;
    return extension.attributes.some((attribute) => selectionOf(projection, extension.id, attribute).included);
  }
  const { resolved } = target;
  const selection = selectionOf(projection, resolved.schemaId, resolved.attribute);
  if (resolved.subAttribute === undefined) return selection.included;
  return selection.included && selection.includesSubAttribute(resolved.subAttribute);
}

type IncludeTarget = { readonly kind: 'extension'; readonly extension: SchemaDefinition } | { readonly kind: 'attribute'; readonly resolved: ResolvedAttribute };

/** Services ask about the same few paths on every request ("groups", "members"): resolved once per resource type and path. */
const includeTargets = new WeakMap<ResourceSchemas, Map<string, IncludeTarget>>();

function includeTarget(schemas: ResourceSchemas, attributePath: string): IncludeTarget {
  let byPath = includeTargets.get(schemas);
  if (byPath === undefined) {
    byPath = new Map();
    includeTargets.set(schemas, byPath);
  }
  let target = byPath.get(attributePath);
  if (target === undefined) {
    const extension = schemas.extension(attributePath);
    if (extension !== undefined) {
      target = { kind: 'extension', extension };
    } else {
      const resolved = schemas.resolvePath(attributePath);
      if (resolved === undefined) {
        throw new TypeError(`${schemas.resourceType.name} has no attribute ${JSON.stringify(attributePath)}`);
      }
      target = { kind: 'attribute', resolved };
    }
    // Only paths callers name in code reach here (a client's text is refused above), so the map stays small.
    byPath.set(attributePath, target);
  }
  return target;
}
