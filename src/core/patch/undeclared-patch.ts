/**
 * PATCH on a namespace the tenant keeps undeclared
 * (src/core/resource/undeclared-extensions.ts). Entra ID updates a custom
 * attribute with `{"op":"replace","path":"urn:…:CustomExtensionName:2.0:User:costCenter","value":"…"}`;
 * without a schema there is nothing to type-check, so the value is set as
 * sent, under the same limits as a POST. Value filters need a schema to
 * read the elements, so they are refused.
 */
import { scimErrors } from '../errors/scim-error.js';
import type { PatchPathNode } from '../filter/ast.js';
import { printPatchPath } from '../filter/print.js';
import { cloneJson, isJsonObject, setOwn, type JsonObject } from '../resource/json-value.js';
import { isUndeclaredNamespace, normalizeUndeclaredObject } from '../resource/undeclared-extensions.js';
import type { ResourceSchemas } from '../schema/registry.js';

/** The namespace (`attribute` undefined: all of it), attribute and sub-attribute a path names. */
export interface UndeclaredTarget {
  readonly namespace: string;
  readonly attribute: string | undefined;
  readonly subAttribute: string | undefined;
}

/**
 * Reads `path` as a target in an undeclared namespace, or undefined when it
 * names something else (a declared schema, a core attribute, or a strict
 * tenant's unknown schema, which resolvePatchTarget then refuses).
 * `urn:a:2.0:User` is read by the grammar as attribute `User` of `urn:a:2.0`:
 * it is the whole namespace when the resource already has that key or
 * lists it in `schemas`.
 */
export function undeclaredPatchTarget(path: PatchPathNode, root: JsonObject, schemas: ResourceSchemas): UndeclaredTarget | undefined {
  const node = path.attribute;
  if (node.schema === undefined) return undefined;
  const whole = `${node.schema}:${node.name}`;
  const wholeKey = node.subAttribute === undefined ? keyOf(root, whole) ?? listed(root, whole) : undefined;
  let target: UndeclaredTarget;
  if (wholeKey !== undefined) {
    if (!isUndeclaredNamespace(wholeKey, schemas)) return undefined;
    target = { namespace: keyOf(root, wholeKey) ?? wholeKey, attribute: undefined, subAttribute: path.subAttribute };
  } else {
    if (schemas.schema(whole) !== undefined || !isUndeclaredNamespace(node.schema, schemas)) return undefined;
    target = { namespace: keyOf(root, node.schema) ?? node.schema, attribute: node.name, subAttribute: node.subAttribute ?? path.subAttribute };
  }
  if (path.valueFilter !== undefined) {
    throw scimErrors.invalidPath(
      `"${printPatchPath(path)}" filters the elements of an attribute of the undeclared extension "${target.namespace}"; declare the extension for the tenant to select elements`,
    );
  }
  if (target.attribute === undefined && target.subAttribute !== undefined) {
    throw scimErrors.invalidPath(`"${printPatchPath(path)}" names no attribute of the undeclared extension "${target.namespace}"`);
  }
  return target;
}

/** add or replace (RFC 7644 §3.5.2.1, §3.5.2.3); `add` merges objects' members, `replace` overwrites. */
export function setUndeclared(root: JsonObject, op: 'add' | 'replace', target: UndeclaredTarget, value: unknown): void {
  const current = isJsonObject(root[target.namespace]) ? cloneJson(root[target.namespace] as JsonObject) : {};
  if (target.attribute === undefined) {
    if (!isJsonObject(value)) throw scimErrors.invalidValue(`The undeclared extension "${target.namespace}" must be set to an object of attributes`);
    const next = op === 'replace' ? {} : current;
    for (const [name, member] of Object.entries(value)) setOwn(next, name, cloneJson(member));
    store(root, target.namespace, next);
    return;
  }
  const name = memberKey(current, target.attribute);
  if (target.subAttribute === undefined) {
    const existing = current[name];
    if (op === 'add' && Array.isArray(existing) && Array.isArray(value)) setOwn(current, name, [...existing, ...cloneJson(value)]);
    else setOwn(current, name, cloneJson(value));
  } else {
    const holder = isJsonObject(current[name]) ? (current[name] as JsonObject) : {};
    setOwn(holder, memberKey(holder, target.subAttribute), cloneJson(value));
    setOwn(current, name, holder);
  }
  store(root, target.namespace, current);
}

/** remove (RFC 7644 §3.5.2.2): the namespace, an attribute, or a sub-attribute. */
export function removeUndeclared(root: JsonObject, target: UndeclaredTarget): void {
  const current = root[target.namespace];
  if (!isJsonObject(current)) return;
  if (target.attribute === undefined) {
    delete root[target.namespace];
    return;
  }
  const next = cloneJson(current);
  const name = memberKey(next, target.attribute);
  if (target.subAttribute === undefined) delete next[name];
  else {
    const holder = next[name];
    if (isJsonObject(holder)) delete holder[memberKey(holder, target.subAttribute)];
  }
  store(root, target.namespace, next);
}

/** Writes the namespace back in its kept form (null members dropped, limits checked), or removes it when empty. */
function store(root: JsonObject, namespace: string, value: JsonObject): void {
  const kept = normalizeUndeclaredObject(namespace, value);
  if (kept === undefined) delete root[namespace];
  else setOwn(root, namespace, kept);
}

/** Attribute names are case-insensitive (RFC 7643 §2.1): an existing spelling wins. */
function memberKey(holder: JsonObject, name: string): string {
  return keyOf(holder, name) ?? name;
}

function keyOf(holder: JsonObject, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(holder).find((key) => key.toLowerCase() === lower);
}

function listed(root: JsonObject, urn: string): string | undefined {
  const list = root['schemas'];
  if (!Array.isArray(list)) return undefined;
  const lower = urn.toLowerCase();
  return list.find((listedUrn): listedUrn is string => typeof listedUrn === 'string' && listedUrn.toLowerCase() === lower);
}
