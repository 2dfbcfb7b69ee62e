/**
 * The PATCH engine (RFC 7644 §3.5.2): applies add, replace and remove
 * operations, in order, to a copy of a resource's client-owned attributes.
 *
 * Values get exactly the coercions normalizeResource applies to POST/PUT
 * bodies (case-insensitive names, "True"/"False", numeric strings, dateTime
 * normalisation, a bare-string `manager`, "" and null meaning "no value"),
 * plus one that only PATCH needs — a singular complex value sent as an array
 * of one (Entra's manager) — and the result is checked with validateResource,
 * so a PATCH can never store a resource that a PUT could not.
 */
import { scimErrors } from '../errors/scim-error.js';
import { printFilter } from '../filter/print.js';
import { parsePatchPath } from '../filter/parser.js';
import type { AttributeDefinition, SchemaDefinition } from '../schema/attribute.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { isPasswordTarget, isReadOnlyTarget, resolveAttributeEntries } from '../resource/attribute-keys.js';
import {
  assertElementCount,
  assertRequiredSubAttributes,
  assertSinglePrimary,
  elementIdentity,
  findSubAttribute,
  isGroupMembers,
  isIgnoredOnInput,
  normalizeAttributeValue,
  normalizeSingleValue,
  unwrapSingularArray,
} from '../resource/attribute-value.js';
import { assertImmutableValueUnchanged, carryImmutableSubAttributes } from '../resource/immutable.js';
import { cloneJson, describeJsonValue, isJsonObject, jsonEqual, setOwn, type JsonObject } from '../resource/json-value.js';
import type { ResourceAttributes } from '../resource/resource-attributes.js';
import { canonicalSchemas } from '../resource/schemas-list.js';
import { undeclaredNamespacesOf } from '../resource/undeclared-extensions.js';
import { validateResource } from '../resource/validate.js';
import { elementTemplate } from './element-template.js';
import { withOperationIndex, type PatchOperation } from './patch-request.js';
import { resolvePatchTarget, topLevelAttribute, type PatchTarget } from './patch-target.js';
import { removeUndeclared, setUndeclared, undeclaredPatchTarget } from './undeclared-patch.js';

export interface PatchResult {
  readonly attributes: ResourceAttributes;
  /** undefined: untouched; a string: newly set (to be hashed); null: removed. */
  readonly password: string | null | undefined;
  /** False when the result deep-equals the input (null, "" and [] counting as absent) and the password is untouched: a replayed PATCH. */
  readonly changed: boolean;
  /** Canonical top-level attribute paths whose value differs, e.g. `name`, `urn:…:User:manager`, `password`. */
  readonly changedAttributes: readonly string[];
}

interface PatchState {
  readonly root: JsonObject;
  password: string | null | undefined;
}

type AttributeTarget = Extract<PatchTarget, { kind: 'attribute' }>;

/** Applies the operations in order to a copy; throws the first error and leaves the input untouched (atomic). */
export function applyPatch(current: ResourceAttributes, operations: readonly PatchOperation[], schemas: ResourceSchemas): PatchResult {
  if (!isJsonObject(current)) throw new TypeError('applyPatch: current must be the resource attributes object');
  const baseline = withoutUnassignedValues(current);
  const state: PatchState = { root: cloneJson(baseline), password: undefined };
  for (const operation of operations) {
    try {
      applyOperation(state, operation, schemas);
    } catch (error) {
      throw withOperationIndex(error, operation.index);
    }
  }
  const attributes: ResourceAttributes = { schemas: canonicalSchemas(state.root, schemas) };
  for (const [key, value] of Object.entries(state.root)) if (key !== 'schemas') setOwn(attributes, key, value);
  validateResource(attributes, schemas);
  const changedAttributes = listChangedAttributes(baseline, attributes, schemas);
  if (state.password !== undefined) changedAttributes.push('password');
  const changed = state.password !== undefined || !jsonEqual(baseline, attributes);
  return { attributes, password: state.password, changed, changedAttributes };
}

/**
 * A copy of the current attributes without null, "" and [] values. Callers
 * assemble `current` themselves (a Group with `members: []` when it has
 * none); RFC 7643 §2.5 makes those values the same as absence, and the
 * stored form has none of them.
 */
function withoutUnassignedValues(current: ResourceAttributes): JsonObject {
  const isUnassigned = (value: unknown) => value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(current)) {
    if (isUnassigned(value)) continue;
    if (/^urn:/i.test(key) && isJsonObject(value)) {
      const extension: JsonObject = {};
      for (const [name, member] of Object.entries(value)) if (!isUnassigned(member)) setOwn(extension, name, cloneJson(member));
      if (Object.keys(extension).length > 0) setOwn(copy, key, extension);
      continue;
    }
    setOwn(copy, key, cloneJson(value));
  }
  return copy;
}

function applyOperation(state: PatchState, operation: PatchOperation, schemas: ResourceSchemas): void {
  const { op, path, value } = operation;
  const undeclared = path === undefined ? undefined : undeclaredPatchTarget(path, state.root, schemas);
  if (undeclared !== undefined) {
    if (op === 'remove') removeUndeclared(state.root, undeclared);
    else setUndeclared(state.root, op, undeclared, value);
    return;
  }
  if (op === 'remove') {
    // §3.5.2.2: "If 'path' is unspecified, the operation fails with HTTP status code 400 and a 'scimType' error code of 'noTarget'."
    if (path === undefined) throw scimErrors.noTarget('"remove" requires a "path" (RFC 7644 §3.5.2.2)');
    removeTarget(state, resolvePatchTarget(path, schemas), value);
    return;
  }
  if (path === undefined) applyAttributeObject(state, op, value, schemas);
  else setTarget(state, op, resolvePatchTarget(path, schemas), value, schemas);
}

/**
 * add/replace without a path: `value` holds the attributes to add or
 * replace, keyed like a resource body (plain, dotted or URN-qualified names,
 * extension objects under their URN).
 *
 * Okta renames a group with `{"op":"replace","value":{"id":"…","displayName":"New"}}`:
 * readOnly keys (`id`, `meta`, `groups`) and `schemas` in such a value are
 * ignored, as RFC 7644 §3.5.1 has PUT ignore readOnly values.
 */
function applyAttributeObject(state: PatchState, op: 'add' | 'replace', value: unknown, schemas: ResourceSchemas): void {
  if (!isJsonObject(value)) {
    throw scimErrors.invalidValue(`"${op}" without a "path" needs an object of attributes as its "value", got ${describeJsonValue(value)}`);
  }
  for (const [key, member] of Object.entries(value)) {
    if (key.includes('[')) {
      setTarget(state, op, resolvePatchTarget(parsePatchPath(key), schemas), member, schemas);
      continue;
    }
    for (const entry of resolveAttributeEntries({ [key]: member }, schemas)) {
      if (entry.kind === 'schemas') continue;
      if (entry.kind === 'extensionCleared') {
        clearExtension(state.root, entry.schema);
        continue;
      }
      if (entry.kind === 'undeclared') {
        setUndeclared(state.root, op, { namespace: entry.namespace, attribute: entry.attribute, subAttribute: undefined }, entry.value);
        continue;
      }
      const { target } = entry;
      if (isPasswordTarget(target, schemas)) {
        state.password = passwordValue(target.attribute, entry.value);
        continue;
      }
      if (isReadOnlyTarget(target)) continue;
      if (target.subAttribute !== undefined && isIgnoredOnInput(target.attribute, target.subAttribute)) continue;
      const attributeTarget: AttributeTarget = {
        kind: 'attribute',
        attribute: topLevelAttribute(target, schemas),
        subAttribute: target.subAttribute,
        selection: undefined,
      };
      setTarget(state, op, attributeTarget, entry.value, schemas);
    }
  }
}

function setTarget(state: PatchState, op: 'add' | 'replace', target: PatchTarget, value: unknown, schemas: ResourceSchemas): void {
  switch (target.kind) {
    case 'password':
      state.password = passwordValue(target.attribute.attribute, value);
      return;
    case 'extension':
      applyAttributeObject(state, op, { [target.schema.id]: value }, schemas);
      return;
    case 'attribute':
      setAttributeTarget(state.root, op, target, value);
      return;
  }
}

/** A new password, or null when the client clears it with "" or null. */
function passwordValue(definition: AttributeDefinition, value: unknown): string | null {
  const normalized = normalizeAttributeValue(definition, value, definition.name);
  return typeof normalized === 'string' ? normalized : null;
}

function setAttributeTarget(root: JsonObject, op: 'add' | 'replace', target: AttributeTarget, value: unknown): void {
  const { attribute, subAttribute, selection } = target;
  const definition = attribute.attribute;
  if (definition.multiValued) {
    if (selection === undefined && subAttribute === undefined) {
      // §3.5.2.1: add to a multi-valued attribute appends; §3.5.2.3: replace without filter replaces all values.
      if (op === 'add') {
        appendElements(root, attribute, value);
        return;
      }
      const replacement = normalizeAttributeValue(definition, value, attribute.canonicalPath);
      carryImmutableSubAttributes(definition, readAttribute(root, attribute), replacement);
      assignAttribute(root, attribute, replacement);
      return;
    }
    updateElements(root, target, value);
    return;
  }
  if (subAttribute !== undefined) {
    const subValue = normalizeAttributeValue(subAttribute, value, `${attribute.canonicalPath}.${subAttribute.name}`);
    updateSingularComplex(root, attribute, [[subAttribute.name, subValue]]);
    return;
  }
  if (definition.type === 'complex') {
    // "" or null clears the attribute (Entra clears `manager` with ""); otherwise, per §3.5.2.1
    // and §3.5.2.3, the given sub-attributes are set and the others left unchanged.
    const single = unwrapSingularArray(definition, value, attribute.canonicalPath);
    if (single === null || single === '') {
      assignAttribute(root, attribute, undefined);
      return;
    }
    const changes = normalizeAttributeValue(definition, single, attribute.canonicalPath, 'partial');
    if (isJsonObject(changes)) updateSingularComplex(root, attribute, Object.entries(changes));
    return;
  }
  assignAttribute(root, attribute, normalizeAttributeValue(definition, value, attribute.canonicalPath));
}

function appendElements(root: JsonObject, attribute: ResolvedAttribute, value: unknown): void {
  const definition = attribute.attribute;
  const additions = normalizeAttributeValue(definition, value, attribute.canonicalPath);
  if (!Array.isArray(additions)) return;
  const elements = currentElements(root, attribute);
  const known = new Set(elements.map((element) => elementIdentity(definition, element)));
  const added = new Set<unknown>();
  for (const element of additions) {
    const identity = elementIdentity(definition, element);
    // §3.5.2.1: a value already present is not added again.
    if (known.has(identity)) continue;
    known.add(identity);
    elements.push(element);
    added.add(element);
  }
  assertElementCount(definition, elements.length, attribute.canonicalPath);
  clearOtherPrimaries(elements, added);
  assignAttribute(root, attribute, elements.length === 0 ? undefined : elements);
}

/**
 * Sets a sub-attribute of, or merges an object into, the elements a value
 * filter selects (every element when there is no filter). When nothing is
 * selected the element is created from the filter's `eq` conditions: Entra
 * and Okta create a work phone with `phoneNumbers[type eq "work"].value`, and
 * a replace of a value path that matches nothing is treated as that add too.
 */
function updateElements(root: JsonObject, target: AttributeTarget, value: unknown): void {
  const { attribute, subAttribute, selection } = target;
  const definition = attribute.attribute;
  const label = attribute.canonicalPath;
  const elements = currentElements(root, attribute);
  const selected = selection === undefined ? elements : elements.filter((element) => selection.matches(element));
  const clears = value === null || value === '';
  if (selected.length === 0) {
    if (clears) return;
    const template = selection === undefined ? {} : elementTemplate(selection.node, definition);
    if (template === undefined) {
      const filterText = selection === undefined ? '' : ` "${printFilter(selection.node)}"`;
      throw scimErrors.noTarget(`No element of "${label}" matches the filter${filterText}, and the filter cannot describe a new element (only "eq" conditions joined by "and" can)`);
    }
    const created = createElement(definition, label, template, subAttribute, value);
    if (created === undefined) return;
    elements.push(created);
    assertElementCount(definition, elements.length, label);
    clearOtherPrimaries(elements, new Set([created]));
    writeAttribute(root, attribute, elements);
    return;
  }
  let remaining = elements;
  if (subAttribute !== undefined) {
    const subValue = normalizeAttributeValue(subAttribute, value, `${label}.${subAttribute.name}`);
    for (const element of selected) if (isJsonObject(element)) updateObject(definition, element, [[subAttribute.name, subValue]], label);
  } else if (clears) {
    const removed = new Set<unknown>(selected);
    remaining = elements.filter((element) => !removed.has(element));
  } else {
    const changes = normalizeSingleValue(definition, value, label, 'partial');
    if (!isJsonObject(changes)) return;
    for (const element of selected) if (isJsonObject(element)) updateObject(definition, element, Object.entries(changes), label);
  }
  clearOtherPrimaries(remaining, new Set<unknown>(selected));
  writeElements(root, attribute, remaining);
}

function createElement(
  definition: AttributeDefinition,
  label: string,
  template: JsonObject,
  subAttribute: AttributeDefinition | undefined,
  value: unknown,
): JsonObject | undefined {
  const base = normalizeSingleValue(definition, template, label, 'partial');
  const element: JsonObject = isJsonObject(base) ? base : {};
  if (subAttribute !== undefined) {
    const subValue = normalizeAttributeValue(subAttribute, value, `${label}.${subAttribute.name}`);
    if (subValue === undefined) return undefined;
    setOwn(element, subAttribute.name, subValue);
  } else {
    const changes = normalizeSingleValue(definition, value, label, 'partial');
    if (isJsonObject(changes)) for (const [key, member] of Object.entries(changes)) setOwn(element, key, member);
  }
  if (Object.keys(element).length === 0) return undefined;
  assertRequiredSubAttributes(definition, element, label);
  return element;
}

function updateSingularComplex(root: JsonObject, attribute: ResolvedAttribute, changes: readonly (readonly [string, unknown])[]): void {
  const existing = readAttribute(root, attribute);
  const updated: JsonObject = isJsonObject(existing) ? cloneJson(existing) : {};
  updateObject(attribute.attribute, updated, changes, attribute.canonicalPath);
  assignAttribute(root, attribute, Object.keys(updated).length === 0 ? undefined : updated);
}

/**
 * Sets (or, for undefined, unassigns) sub-attributes of one complex value.
 * An immutable sub-attribute may be set when it has no value yet, never
 * changed (RFC 7644 §3.5.2: 400 mutability).
 */
function updateObject(definition: AttributeDefinition, target: JsonObject, changes: readonly (readonly [string, unknown])[], label: string): void {
  let valueChanged = false;
  let referenceGiven = false;
  for (const [name, newValue] of changes) {
    const subAttribute = findSubAttribute(definition, name);
    if (!subAttribute) throw new TypeError(`updateObject: ${label} has no sub-attribute ${name}`);
    const before = target[subAttribute.name];
    assertImmutableValueUnchanged(subAttribute, before, newValue, `${label}.${subAttribute.name}`);
    if (subAttribute.name === 'value' && !jsonEqual(before, newValue)) valueChanged = true;
    if (subAttribute.name === '$ref') referenceGiven = true;
    if (newValue === undefined) delete target[subAttribute.name];
    else setOwn(target, subAttribute.name, newValue);
  }
  // `$ref` is the URI of the resource `value` names; once `value` changes, an old `$ref` points elsewhere.
  if (valueChanged && !referenceGiven) delete target['$ref'];
}

function removeTarget(state: PatchState, target: PatchTarget, value: unknown): void {
  switch (target.kind) {
    case 'password':
      state.password = null;
      return;
    case 'extension':
      clearExtension(state.root, target.schema);
      return;
    case 'attribute':
      removeAttributeTarget(state.root, target, value);
      return;
  }
}

function removeAttributeTarget(root: JsonObject, target: AttributeTarget, value: unknown): void {
  const { attribute, subAttribute, selection } = target;
  const definition = attribute.attribute;
  const label = attribute.canonicalPath;
  if (!definition.multiValued) {
    if (subAttribute === undefined) assignAttribute(root, attribute, undefined);
    else if (readAttribute(root, attribute) !== undefined) updateSingularComplex(root, attribute, [[subAttribute.name, undefined]]);
    return;
  }
  const elements = currentElements(root, attribute);
  if (selection === undefined && subAttribute === undefined) {
    if (value === undefined || value === null) {
      assignAttribute(root, attribute, undefined);
      return;
    }
    // Entra removes chosen members with {"op":"remove","path":"members","value":[{"value":"id"}]}:
    // exactly the listed elements go, never the whole attribute.
    const listed = removalCriteria(definition, value, label);
    writeElements(root, attribute, elements.filter((element) => !listed.some((matches) => matches(element))));
    return;
  }
  const selected = new Set<unknown>(selection === undefined ? elements : elements.filter((element) => selection.matches(element)));
  // §3.5.2.2 leaves a filter that matches nothing to the server; removing nothing is the idempotent answer.
  if (selected.size === 0) return;
  if (subAttribute === undefined) {
    writeElements(root, attribute, elements.filter((element) => !selected.has(element)));
    return;
  }
  for (const element of selected) if (isJsonObject(element)) updateObject(definition, element, [[subAttribute.name, undefined]], label);
  writeElements(root, attribute, elements);
}

/** One predicate per listed value: by `value` when the listed element gives one, else by every sub-attribute it gives. */
function removalCriteria(definition: AttributeDefinition, value: unknown, label: string): ((element: unknown) => boolean)[] {
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  const valueDefinition = findSubAttribute(definition, 'value');
  return items.map((item) => {
    if (definition.type !== 'complex') {
      const wanted = normalizeSingleValue(definition, item, label);
      return (element: unknown) => wanted !== undefined && jsonEqual(element, wanted);
    }
    const raw = isJsonObject(item) || item === null ? item : { value: item };
    const wanted = normalizeSingleValue(definition, raw, label, 'partial');
    if (!isJsonObject(wanted)) return () => false;
    const wantedValue = wanted['value'];
    if (wantedValue !== undefined && valueDefinition !== undefined) {
      // Member values are resource ids, compared exactly whatever the schema's caseExact says.
      const foldCase = typeof wantedValue === 'string' && !valueDefinition.caseExact && !isGroupMembers(definition);
      return (element: unknown) => {
        if (!isJsonObject(element)) return false;
        const candidate = element['value'];
        if (foldCase && typeof candidate === 'string') return candidate.toLowerCase() === (wantedValue as string).toLowerCase();
        return jsonEqual(candidate, wantedValue);
      };
    }
    return (element: unknown) => isJsonObject(element) && Object.entries(wanted).every(([key, member]) => jsonEqual(element[key], member));
  });
}

/** RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." The value just set wins. */
function clearOtherPrimaries(elements: readonly unknown[], touched: ReadonlySet<unknown>): void {
  const setsPrimary = [...touched].some((element) => isJsonObject(element) && element['primary'] === true);
  if (!setsPrimary) return;
  for (const element of elements) {
    if (!touched.has(element) && isJsonObject(element) && element['primary'] === true) delete element['primary'];
  }
}

/** Stores the elements after an in-place update: empty elements dropped, duplicates merged, one primary at most. */
function writeElements(root: JsonObject, attribute: ResolvedAttribute, elements: readonly unknown[]): void {
  const definition = attribute.attribute;
  const seen = new Set<string>();
  const kept: unknown[] = [];
  for (const element of elements) {
    if (isJsonObject(element) && Object.keys(element).length === 0) continue;
    const identity = elementIdentity(definition, element);
    if (seen.has(identity)) continue;
    seen.add(identity);
    kept.push(element);
  }
  assertSinglePrimary(kept, attribute.canonicalPath);
  writeAttribute(root, attribute, kept.length === 0 ? undefined : kept);
}

function clearExtension(root: JsonObject, schema: SchemaDefinition): void {
  const existing = root[schema.id];
  if (existing === undefined) return;
  for (const definition of schema.attributes) {
    const before = isJsonObject(existing) ? existing[definition.name] : undefined;
    assertImmutableValueUnchanged(definition, before, undefined, `${schema.id}:${definition.name}`);
  }
  delete root[schema.id];
}

function currentElements(root: JsonObject, attribute: ResolvedAttribute): unknown[] {
  const existing = readAttribute(root, attribute);
  if (existing === undefined) return [];
  return Array.isArray(existing) ? [...existing] : [existing];
}

function readAttribute(root: JsonObject, attribute: ResolvedAttribute): unknown {
  const container = attribute.isExtension ? root[attribute.schemaId] : root;
  return isJsonObject(container) ? container[attribute.attribute.name] : undefined;
}

/** Replaces an attribute's whole value, refusing to change an immutable one (RFC 7644 §3.5.2). */
function assignAttribute(root: JsonObject, attribute: ResolvedAttribute, value: unknown): void {
  assertImmutableValueUnchanged(attribute.attribute, readAttribute(root, attribute), value, attribute.canonicalPath);
  writeAttribute(root, attribute, value);
}

function writeAttribute(root: JsonObject, attribute: ResolvedAttribute, value: unknown): void {
  const name = attribute.attribute.name;
  if (!attribute.isExtension) {
    if (value === undefined) delete root[name];
    else setOwn(root, name, value);
    return;
  }
  const existing = root[attribute.schemaId];
  let container: JsonObject;
  if (isJsonObject(existing)) container = existing;
  else {
    if (value === undefined) return;
    container = {};
    setOwn(root, attribute.schemaId, container);
  }
  if (value !== undefined) {
    setOwn(container, name, value);
    return;
  }
  delete container[name];
  if (Object.keys(container).length === 0) delete root[attribute.schemaId];
}

function listChangedAttributes(before: ResourceAttributes, after: ResourceAttributes, schemas: ResourceSchemas): string[] {
  const changed: string[] = [];
  for (const definition of schemas.coreAttributes()) {
    if (!jsonEqual(before[definition.name], after[definition.name])) changed.push(definition.name);
  }
  for (const extension of schemas.extensions) {
    const beforeObject = before[extension.id];
    const afterObject = after[extension.id];
    for (const definition of extension.attributes) {
      const beforeValue = isJsonObject(beforeObject) ? beforeObject[definition.name] : undefined;
      const afterValue = isJsonObject(afterObject) ? afterObject[definition.name] : undefined;
      if (!jsonEqual(beforeValue, afterValue)) changed.push(`${extension.id}:${definition.name}`);
    }
  }
  // An undeclared namespace has no attribute list: it changed as a whole.
  const namespaces = new Set([...undeclaredNamespacesOf(before, schemas), ...undeclaredNamespacesOf(after, schemas)]);
  for (const namespace of namespaces) if (!jsonEqual(before[namespace], after[namespace])) changed.push(namespace);
  return changed;
}
