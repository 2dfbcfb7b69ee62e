import type { AttributeDefinition, SchemaDefinition } from '../schema/attribute.js';
import { SCHEMAS_ATTRIBUTE, commonAttributes } from '../schema/common.js';
import type { ResourceSchemas } from '../schema/registry.js';
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
    for (const [key, nested] of Object.entries(value)) copy[key] = copyJson(nested);
    return copy;
  }
  return value;
}

interface OwnedAttribute {
  readonly schemaId: string;
  readonly attribute: AttributeDefinition;
}

function byLowerName(schemaId: string, attributes: readonly AttributeDefinition[]): Map<string, OwnedAttribute> {
  return new Map(attributes.map((attribute) => [attribute.name.toLowerCase(), { schemaId, attribute }]));
}

function projectComplexValue(attribute: AttributeDefinition, value: JsonObject, selection: AttributeSelection): JsonObject | undefined {
  const subAttributes = byLowerName('', attribute.subAttributes ?? []);
  const projected: JsonObject = {};
  for (const [key, nested] of Object.entries(value)) {
    const subAttribute = subAttributes.get(key.toLowerCase())?.attribute;
    if (subAttribute !== undefined && selection.includesSubAttribute(subAttribute)) projected[subAttribute.name] = copyJson(nested);
  }
  return Object.keys(projected).length === 0 ? undefined : projected;
}

/** The attribute's value reduced to the selected sub-attributes; undefined when nothing is left. */
function projectValue(attribute: AttributeDefinition, value: unknown, selection: AttributeSelection): unknown {
  if (attribute.type !== 'complex') return copyJson(value);
  if (Array.isArray(value)) {
    const elements = value
      .map((element) => (isJsonObject(element) ? projectComplexValue(attribute, element, selection) : copyJson(element)))
      .filter((element) => element !== undefined);
    return elements.length === 0 ? undefined : elements;
  }
  if (isJsonObject(value)) return projectComplexValue(attribute, value, selection);
  return copyJson(value);
}

function projectAttributes(
  source: Readonly<JsonObject>,
  attributes: ReadonlyMap<string, OwnedAttribute>,
  projection: Projection,
  target: JsonObject,
): void {
  for (const [key, value] of Object.entries(source)) {
    const owned = attributes.get(key.toLowerCase());
    if (owned === undefined) continue;
    const selection = selectAttribute(projection, owned.schemaId, owned.attribute);
    if (!selection.included) continue;
    const projected = projectValue(owned.attribute, value, selection);
    if (projected !== undefined) target[owned.attribute.name] = projected;
  }
}

function projectExtension(extension: SchemaDefinition, value: unknown, projection: Projection): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const projected: JsonObject = {};
  projectAttributes(value, byLowerName(extension.id, extension.attributes), projection, projected);
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
 * that ends up empty.
 */
export function projectResource(resource: Readonly<Record<string, unknown>>, schemas: ResourceSchemas, projection: Projection): Record<string, unknown> {
  const topLevel = new Map([
    ...byLowerName('', commonAttributes),
    ...byLowerName(schemas.coreSchema.id, schemas.coreSchema.attributes),
  ]);
  const output: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() === SCHEMAS_ATTRIBUTE) {
      output[SCHEMAS_ATTRIBUTE] = copyJson(value);
      continue;
    }
    const extension = schemas.extension(key);
    if (extension !== undefined) {
      const projected = projectExtension(extension, value, projection);
      if (projected !== undefined) output[extension.id] = projected;
      continue;
    }
    projectAttributes({ [key]: value }, topLevel, projection, output);
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
  const extension = schemas.extension(attributePath);
  if (extension !== undefined) {
    return extension.attributes.some((attribute) => selectAttribute(projection, extension.id, attribute).included);
  }
  const resolved = schemas.resolvePath(attributePath);
  if (resolved === undefined) {
    throw new TypeError(`${schemas.resourceType.name} has no attribute ${JSON.stringify(attributePath)}`);
  }
  const selection = selectAttribute(projection, resolved.schemaId, resolved.attribute);
  if (resolved.subAttribute === undefined) return selection.included;
  return selection.included && selection.includesSubAttribute(resolved.subAttribute);
}
