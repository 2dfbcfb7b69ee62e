/**
 * RFC 7643 §2.2 `immutable`: "The attribute MAY be defined at resource
 * creation (e.g., POST) or at record creation of an attribute (e.g., when a
 * new value is added to a multi-valued attribute) ... and SHALL NOT be
 * updated."
 */
import { scimErrors } from '../errors/scim-error.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import type { ResourceSchemas } from '../schema/registry.js';
import { isGroupMembers } from './attribute-value.js';
import { canonicalJson, isJsonObject, jsonEqual, setOwn } from './json-value.js';
import type { ResourceAttributes } from './resource-attributes.js';

/** PUT: RFC 7644 §3.5.1 — immutable attributes may not change (400 mutability); readOnly ignored. */
export function assertImmutableUnchanged(previous: ResourceAttributes, next: ResourceAttributes, schemas: ResourceSchemas): void {
  for (const definition of schemas.coreSchema.attributes) {
    assertImmutableValueUnchanged(definition, previous[definition.name], next[definition.name], definition.name);
  }
  for (const extension of schemas.extensions) {
    const before = previous[extension.id];
    const after = next[extension.id];
    for (const definition of extension.attributes) {
      assertImmutableValueUnchanged(
        definition,
        isJsonObject(before) ? before[definition.name] : undefined,
        isJsonObject(after) ? after[definition.name] : undefined,
        `${extension.id}:${definition.name}`,
      );
    }
  }
}

/**
 * Compares one attribute's value before and after a change. An immutable
 * value may be set when there was none; once set it must stay. Elements of a
 * multi-valued complex attribute are matched by their `value`, so adding and
 * removing elements is allowed while an element's immutable sub-attributes
 * (a member's `type`) cannot change; an element listed again without such a
 * sub-attribute leaves it as it was.
 */
export function assertImmutableValueUnchanged(definition: AttributeDefinition, before: unknown, after: unknown, path: string): void {
  if (before === undefined) return;
  if (definition.mutability === 'immutable') {
    if (!sameValue(definition, before, after)) throw immutableChanged(path);
    return;
  }
  const immutableSubAttributes = (definition.subAttributes ?? []).filter((sub) => sub.mutability === 'immutable');
  if (definition.type !== 'complex' || immutableSubAttributes.length === 0) return;
  if (!definition.multiValued) {
    const beforeObject = isJsonObject(before) ? before : {};
    const afterObject = isJsonObject(after) ? after : {};
    for (const sub of immutableSubAttributes) {
      assertImmutableValueUnchanged(sub, beforeObject[sub.name], afterObject[sub.name], `${path}.${sub.name}`);
    }
    return;
  }
  const afterByValue = new Map<string, Record<string, unknown>>();
  for (const element of Array.isArray(after) ? after : []) {
    if (isJsonObject(element) && element['value'] !== undefined) afterByValue.set(elementKey(definition, element['value']), element);
  }
  for (const element of Array.isArray(before) ? before : []) {
    if (!isJsonObject(element) || element['value'] === undefined) continue;
    const counterpart = afterByValue.get(elementKey(definition, element['value']));
    if (counterpart === undefined) continue;
    for (const sub of immutableSubAttributes) {
      // A re-listed element that omits the sub-attribute does not assert another value
      // (clients re-send members without their optional `type`).
      if (sub.name === 'value' || counterpart[sub.name] === undefined) continue;
      assertImmutableValueUnchanged(sub, element[sub.name], counterpart[sub.name], `${path}.${sub.name}`);
    }
  }
}

/**
 * After a multi-valued attribute is replaced as a whole, elements listed
 * again (same `value`) keep the immutable sub-attributes they omit, so
 * re-sending the members of a group without their types keeps the types.
 */
export function carryImmutableSubAttributes(definition: AttributeDefinition, before: unknown, after: unknown): void {
  const immutableSubAttributes = (definition.subAttributes ?? []).filter((sub) => sub.mutability === 'immutable' && sub.name !== 'value');
  if (!definition.multiValued || immutableSubAttributes.length === 0 || !Array.isArray(before) || !Array.isArray(after)) return;
  const beforeByValue = new Map<string, Record<string, unknown>>();
  for (const element of before) {
    if (isJsonObject(element) && element['value'] !== undefined) beforeByValue.set(elementKey(definition, element['value']), element);
  }
  for (const element of after) {
    if (!isJsonObject(element) || element['value'] === undefined) continue;
    const previous = beforeByValue.get(elementKey(definition, element['value']));
    if (previous === undefined) continue;
    for (const sub of immutableSubAttributes) {
      if (element[sub.name] === undefined && previous[sub.name] !== undefined) setOwn(element, sub.name, previous[sub.name]);
    }
  }
}

function elementKey(definition: AttributeDefinition, value: unknown): string {
  // Member values are resource ids, which are case-sensitive whatever the schema says.
  if (typeof value === 'string' && !isGroupMembers(definition)) {
    const valueDefinition = definition.subAttributes?.find((sub) => sub.name === 'value');
    if (valueDefinition && !valueDefinition.caseExact) return canonicalJson(value.toLowerCase());
  }
  return canonicalJson(value);
}

function sameValue(definition: AttributeDefinition, before: unknown, after: unknown): boolean {
  if (typeof before === 'string' && typeof after === 'string' && !definition.caseExact) return before.toLowerCase() === after.toLowerCase();
  if (definition.multiValued && Array.isArray(before) && Array.isArray(after)) {
    const afterKeys = new Set(after.map((element) => canonicalJson(element)));
    return before.length === after.length && before.every((element) => afterKeys.has(canonicalJson(element)));
  }
  return jsonEqual(before, after);
}

function immutableChanged(path: string) {
  return scimErrors.mutability(`Attribute "${path}" is immutable: it cannot be changed once set`);
}
