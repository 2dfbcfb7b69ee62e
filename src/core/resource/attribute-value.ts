/**
 * Checking and normalising one attribute's value against its definition
 * (RFC 7643 §2.3 data types, §2.4 multi-valued attributes, §7
 * characteristics). POST/PUT bodies and PATCH values go through the same
 * functions, so both accept exactly the same values.
 */
import { scimErrors } from '../errors/scim-error.js';
import type { AttributeDefinition, AttributeType } from '../schema/attribute.js';
import { groupSchema } from '../schema/group.js';
import { canonicalDateTime } from './date-time.js';
import { canonicalJson, describeJsonValue, isJsonObject, setOwn, type JsonObject } from './json-value.js';
import { RESOURCE_LIMITS } from './limits.js';

/**
 * `complete`: the value stands for the whole attribute or element, so its
 * required sub-attributes must be there. `partial`: the value is merged into
 * an existing one (PATCH), and completeness is checked on the result.
 */
export type ValueCompleteness = 'complete' | 'partial';

const groupMembersAttribute = groupSchema.attributes.find((candidate) => candidate.name === 'members');

/**
 * Keys that clients put in an element of a complex attribute although the
 * attribute has no such sub-attribute, and which only restate what the
 * server already knows: they are accepted if they are strings and not
 * stored. Microsoft's reference test collection (AzureAD/SCIMReferenceCode,
 * PostmanCollection.json, "Patch add user4 to group1") adds members as
 * `{"displayName": "…", "value": "…"}`: the member's name, spelled as the
 * Group and enterprise `manager` spell it instead of `display` (RFC 7643
 * §2.4), which Scimitar reads from the member resource itself. Keys not
 * listed here stay `400 invalidSyntax`, since they might carry meaning.
 * See docs/interop.md, "Members carrying extra sub-attributes".
 */
const RESTATING_KEYS: ReadonlyMap<AttributeDefinition | undefined, ReadonlySet<string>> = new Map([[groupMembersAttribute, new Set(['displayname'])]]);

function isRestatingKey(definition: AttributeDefinition, key: string): boolean {
  return RESTATING_KEYS.get(definition)?.has(key.toLowerCase()) ?? false;
}

/** Group `members`: its elements are identified by `value`, a resource id compared exactly. */
export function isGroupMembers(definition: AttributeDefinition): boolean {
  return definition === groupMembersAttribute;
}

export function findSubAttribute(definition: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const wanted = name.toLowerCase();
  return definition.subAttributes?.find((candidate) => candidate.name.toLowerCase() === wanted);
}

/**
 * Sub-attributes a client cannot set: readOnly ones (RFC 7644 §3.5.1:
 * "readOnly ... values provided SHALL be ignored") and a member's `$ref`,
 * which the server derives from `value` and `type` on output.
 */
export function isIgnoredOnInput(parent: AttributeDefinition, subAttribute: AttributeDefinition): boolean {
  return subAttribute.mutability === 'readOnly' || (isGroupMembers(parent) && subAttribute.name === '$ref');
}

/**
 * The key under which two elements of a multi-valued attribute count as the
 * same: equal JSON for most attributes; the member id for Group members,
 * since one resource cannot be a member twice.
 */
export function elementIdentity(definition: AttributeDefinition, element: unknown): string {
  if (isGroupMembers(definition) && isJsonObject(element) && typeof element['value'] === 'string') {
    return `member:${element['value']}`;
  }
  return canonicalJson(element);
}

const TYPE_DESCRIPTIONS: Readonly<Record<AttributeType, string>> = {
  string: 'a string',
  boolean: 'a boolean',
  decimal: 'a number',
  integer: 'an integer',
  dateTime: 'a dateTime such as "2008-01-23T04:56:22Z"',
  reference: 'a reference (string)',
  binary: 'base64-encoded binary (string)',
  complex: 'a complex object',
};

function wrongType(definition: AttributeDefinition, value: unknown, path: string) {
  return scimErrors.invalidValue(`Attribute "${path}" must be ${TYPE_DESCRIPTIONS[definition.type]}, got ${describeJsonValue(value)}`);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Normalises the value of an attribute (top-level or sub-attribute).
 * Returns undefined for "no value": RFC 7643 §2.5 makes an unassigned
 * attribute, null and an empty array equivalent, and `""` is treated the same
 * way, so every way of writing "nothing" is stored as absence.
 */
export function normalizeAttributeValue(
  definition: AttributeDefinition,
  value: unknown,
  path: string,
  completeness: ValueCompleteness = 'complete',
): unknown {
  return definition.multiValued
    ? normalizeMultiValued(definition, value, path, completeness)
    : normalizeSingleValue(definition, value, path, completeness);
}

/** One value of the attribute: the value of a singular attribute, or one element of a multi-valued one. */
export function normalizeSingleValue(
  definition: AttributeDefinition,
  value: unknown,
  path: string,
  completeness: ValueCompleteness = 'complete',
): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (definition.type === 'complex') return normalizeComplexValue(definition, value, path, completeness);
  if (!isScalar(value)) throw wrongType(definition, value, path);
  return normalizeScalar(definition, value, path);
}

/**
 * The value of a PATCH operation on a singular complex attribute, when sent
 * as an array, means its one element: Entra ID sets the enterprise `manager`
 * with `"value": [{"$ref": "…", "value": "<id>"}]`. An empty array is no
 * value, as RFC 7643 §2.5 has it for multi-valued attributes. Two or more
 * elements are refused, never reduced to one: the server cannot know which
 * one the client meant. Only the PATCH engine calls this: no provider is
 * known to send such arrays in a POST or PUT body, which stay strict.
 */
export function unwrapSingularArray(definition: AttributeDefinition, value: unknown, path: string): unknown {
  if (definition.multiValued || definition.type !== 'complex' || !Array.isArray(value)) return value;
  if (value.length > 1) {
    throw scimErrors.invalidValue(`Attribute "${path}" is single-valued; got an array of ${value.length} values`);
  }
  return value.length === 0 ? null : value[0];
}

function elementLimit(definition: AttributeDefinition): number {
  return isGroupMembers(definition) ? RESOURCE_LIMITS.maxMembers : RESOURCE_LIMITS.maxMultiValuedElements;
}

/** Throws when the element count exceeds the attribute's limit. */
export function assertElementCount(definition: AttributeDefinition, count: number, path: string): void {
  const limit = elementLimit(definition);
  if (count > limit) throw scimErrors.invalidValue(`Attribute "${path}" has ${count} values; at most ${limit} are allowed`);
}

function normalizeMultiValued(definition: AttributeDefinition, value: unknown, path: string, completeness: ValueCompleteness): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  // Identity providers send a lone object where an array is expected; it means a one-element array.
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  assertElementCount(definition, items.length, path);
  const elements: unknown[] = [];
  const byIdentity = new Map<string, unknown>();
  for (const item of items) {
    if (Array.isArray(item)) throw scimErrors.invalidValue(`Attribute "${path}" must not contain nested arrays`);
    const element = normalizeSingleValue(definition, item, path, completeness);
    if (element === undefined) continue;
    const identity = elementIdentity(definition, element);
    const earlier = byIdentity.get(identity);
    if (earlier === undefined) {
      byIdentity.set(identity, element);
      elements.push(element);
    } else if (isJsonObject(earlier) && isJsonObject(element)) {
      // A member listed twice: one membership, keeping anything only the later listing states (its type).
      for (const [key, member] of Object.entries(element)) if (earlier[key] === undefined) setOwn(earlier, key, member);
    }
  }
  assertSinglePrimary(elements, path);
  return elements.length === 0 ? undefined : elements;
}

/** RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." */
export function assertSinglePrimary(elements: readonly unknown[], path: string): void {
  let primaries = 0;
  for (const element of elements) if (isJsonObject(element) && element['primary'] === true) primaries += 1;
  if (primaries > 1) {
    throw scimErrors.invalidValue(`Attribute "${path}" has ${primaries} values with "primary": true; RFC 7643 §2.4 allows at most one`);
  }
}

function normalizeComplexValue(definition: AttributeDefinition, value: unknown, path: string, completeness: ValueCompleteness): JsonObject | undefined {
  let source: unknown = value;
  if (!isJsonObject(source)) {
    // A singular reference such as the enterprise `manager` is often sent as
    // the bare id ("manager": "26118915-…"); it means { "value": id }.
    if (!definition.multiValued && isScalar(source) && findSubAttribute(definition, 'value')) source = { value: source };
    else throw wrongType(definition, value, path);
  }
  const result: JsonObject = {};
  const seen = new Set<string>();
  for (const [key, member] of Object.entries(source as JsonObject)) {
    const subAttribute = findSubAttribute(definition, key);
    if (!subAttribute && isRestatingKey(definition, key)) {
      if (member !== null && typeof member !== 'string') throw scimErrors.invalidValue(`Attribute "${path}.${key}" must be a string, not ${describeJsonValue(member)}`);
      continue;
    }
    if (!subAttribute) throw scimErrors.invalidSyntax(`Unknown attribute "${path}.${key}"`);
    if (seen.has(subAttribute.name)) throw scimErrors.invalidSyntax(`Attribute "${path}.${subAttribute.name}" is given more than once`);
    seen.add(subAttribute.name);
    if (isIgnoredOnInput(definition, subAttribute)) continue;
    const normalized = normalizeAttributeValue(subAttribute, member, `${path}.${subAttribute.name}`);
    if (normalized !== undefined) setOwn(result, subAttribute.name, normalized);
  }
  if (completeness === 'complete') assertRequiredSubAttributes(definition, result, path);
  return Object.keys(result).length === 0 ? undefined : result;
}

/** Required sub-attributes (RFC 7643 §2.2), and the `value` every Group member needs to name its resource. */
export function assertRequiredSubAttributes(definition: AttributeDefinition, value: JsonObject, path: string): void {
  for (const subAttribute of definition.subAttributes ?? []) {
    const required = subAttribute.required || (isGroupMembers(definition) && subAttribute.name === 'value');
    if (required && value[subAttribute.name] === undefined) {
      throw scimErrors.invalidValue(`Attribute "${path}.${subAttribute.name}" is required`);
    }
  }
}

function normalizeScalar(definition: AttributeDefinition, value: string | number | boolean, path: string): unknown {
  switch (definition.type) {
    case 'string':
    case 'reference':
      return normalizeString(definition, value, path);
    case 'binary':
      return normalizeBinary(definition, value, path);
    case 'boolean':
      return normalizeBoolean(definition, value, path);
    case 'integer':
    case 'decimal':
      return normalizeNumber(definition, value, path);
    case 'dateTime':
      return normalizeDateTime(definition, value, path);
    case 'complex':
      throw wrongType(definition, value, path);
  }
}

function assertLength(text: string, path: string): void {
  if (text.length > RESOURCE_LIMITS.maxStringLength) {
    throw scimErrors.invalidValue(`Attribute "${path}" is ${text.length} characters long; at most ${RESOURCE_LIMITS.maxStringLength} are allowed`);
  }
  // PostgreSQL text cannot hold U+0000; refusing it here makes every store accept the same values.
  if (text.includes('\u0000')) {
    throw scimErrors.invalidValue(`Attribute "${path}" contains a NUL character (U+0000), which is not allowed in SCIM string values`);
  }
}

function normalizeString(definition: AttributeDefinition, value: string | number | boolean, path: string): string {
  if (typeof value !== 'string') throw wrongType(definition, value, path);
  assertLength(value, path);
  if (definition.canonicalValuesEnforced && definition.canonicalValues) {
    const wanted = value.toLowerCase();
    const canonical = definition.canonicalValues.find((candidate) => candidate.toLowerCase() === wanted);
    if (canonical === undefined) {
      const allowed = definition.canonicalValues.map((candidate) => JSON.stringify(candidate)).join(', ');
      throw scimErrors.invalidValue(`Attribute "${path}" must be one of ${allowed}, got ${describeJsonValue(value)}`);
    }
    return canonical;
  }
  return value;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** RFC 7643 §2.3.6: binary values are base64 (RFC 4648 §4). Line breaks, as in PEM text, are removed. */
function normalizeBinary(definition: AttributeDefinition, value: string | number | boolean, path: string): string | undefined {
  if (typeof value !== 'string') throw wrongType(definition, value, path);
  assertLength(value, path);
  const compact = value.replace(/\s+/g, '');
  if (compact === '') return undefined;
  const padded = compact.includes('=');
  if (!BASE64_PATTERN.test(compact) || compact.length % 4 === 1 || (padded && compact.length % 4 !== 0)) {
    throw wrongType(definition, value, path);
  }
  return compact;
}

/** Identity providers write booleans as strings, in any case ("True", "False"). */
function normalizeBoolean(definition: AttributeDefinition, value: string | number | boolean, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw wrongType(definition, value, path);
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function normalizeNumber(definition: AttributeDefinition, value: string | number | boolean, path: string): number {
  let parsed: number;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'string' && (definition.type === 'integer' ? INTEGER_TEXT : DECIMAL_TEXT).test(value.trim())) parsed = Number(value.trim());
  else throw wrongType(definition, value, path);
  if (!Number.isFinite(parsed)) throw wrongType(definition, value, path);
  if (definition.type === 'integer' && !Number.isSafeInteger(parsed)) throw wrongType(definition, value, path);
  // JSON has a single zero; -0 would serialise as 0 and then compare unequal.
  return Object.is(parsed, -0) ? 0 : parsed;
}

function normalizeDateTime(definition: AttributeDefinition, value: string | number | boolean, path: string): string {
  const canonical = typeof value === 'string' ? canonicalDateTime(value.trim()) : undefined;
  if (canonical === undefined) throw wrongType(definition, value, path);
  return canonical;
}
