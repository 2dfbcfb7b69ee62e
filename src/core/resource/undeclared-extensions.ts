/**
 * Extension namespaces a tenant has not declared (RFC 7643 §3.3 lets a
 * service provider define extensions; identity providers send their own).
 * Entra ID sends an admin's custom attributes under
 * `urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User`;
 * rejecting them fails every user that carries one, and Entra ends by
 * quarantining the whole provisioning job. So, unless the tenant is strict,
 * such a namespace is kept as sent: stored, returned, replaced by PUT and
 * patched by path, but not typed, hence not filterable or sortable until
 * the tenant declares it.
 *
 * Unknown attributes of the core schemas and of declared extensions stay
 * errors: only a whole namespace nobody declared is kept.
 */
import { scimErrors } from '../errors/scim-error.js';
import type { ResourceSchemas } from '../schema/registry.js';
import { isJsonObject, setOwn, type JsonObject } from './json-value.js';

/** `keep`: undeclared namespaces are stored as sent; `reject`: they are `400 invalidSyntax`. */
export type UndeclaredExtensionPolicy = 'keep' | 'reject';

/** What one resource may carry in undeclared namespaces; beyond it, `400 invalidValue`. */
export const UNDECLARED_EXTENSION_LIMITS: {
  /** Undeclared namespaces on one resource. */
  readonly maxNamespaces: number;
  /** Characters of one namespace's value written as JSON. */
  readonly maxJsonLength: number;
  /** Nesting of objects and arrays, the namespace object being depth 1. */
  readonly maxDepth: number;
} = Object.freeze({ maxNamespaces: 20, maxJsonLength: 32 * 1024, maxDepth: 5 });

/**
 * URN prefixes no tenant may use for an extension of its own: the core
 * schemas and the protocol's messages (RFC 7643 §10.2, RFC 7644 §3).
 */
export const RESERVED_URN_PREFIXES: readonly string[] = Object.freeze(['urn:ietf:params:scim:schemas:core:', 'urn:ietf:params:scim:api:']);

export function isReservedUrn(urn: string): boolean {
  const lower = urn.toLowerCase();
  return RESERVED_URN_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** Attribute names as RFC 7643 §2.1 writes them (ATTRNAME), so a declaration or a PATCH path can name them later. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_$-]*$/;

/** A key of a body that names an undeclared namespace, or one attribute in it (Entra's flat `urn:…:User:costCenter`). */
export interface UndeclaredKey {
  readonly namespace: string;
  readonly attribute: string | undefined;
}

/** Whether `key` could be an extension namespace nobody declared (it is a URN, not reserved, not a known schema). */
export function isUndeclaredNamespace(key: string, schemas: ResourceSchemas): boolean {
  return schemas.undeclaredExtensions === 'keep' && /^urn:/i.test(key) && schemas.schema(key) === undefined && !isReservedUrn(key);
}

/**
 * Reads a body key the schemas do not resolve as an undeclared namespace or
 * an attribute of one. The body's `schemas` list decides where the URN ends
 * when it names the namespace; otherwise an object value is a whole
 * namespace and anything else an attribute after the last colon.
 * Undefined when the tenant is strict or the key cannot be one.
 */
export function readUndeclaredKey(key: string, value: unknown, listedSchemas: readonly string[], schemas: ResourceSchemas): UndeclaredKey | undefined {
  if (schemas.undeclaredExtensions !== 'keep' || !/^urn:/i.test(key)) return undefined;
  const lowerKey = key.toLowerCase();
  let found: UndeclaredKey | undefined;
  for (const listed of listedSchemas) {
    const lowerListed = listed.toLowerCase();
    if (lowerKey === lowerListed) found = { namespace: key, attribute: undefined };
    else if (lowerKey.startsWith(`${lowerListed}:`)) found = { namespace: key.slice(0, listed.length), attribute: key.slice(listed.length + 1) };
    if (found) break;
  }
  if (!found) {
    const lastColon = key.lastIndexOf(':');
    found = isJsonObject(value) || lastColon < 0 ? { namespace: key, attribute: undefined } : { namespace: key.slice(0, lastColon), attribute: key.slice(lastColon + 1) };
  }
  if (!isUndeclaredNamespace(found.namespace, schemas)) return undefined;
  if (found.attribute !== undefined && !ATTRIBUTE_NAME.test(found.attribute)) return undefined;
  return found;
}

/**
 * A namespace's value as kept: an object of attributes whose null members
 * are dropped (RFC 7643 §2.5: null is unassigned). Undefined when nothing
 * is left. Throws the limits' `400 invalidValue`.
 */
export function normalizeUndeclaredObject(namespace: string, value: unknown): JsonObject | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (!isJsonObject(value)) throw scimErrors.invalidValue(`The undeclared extension "${namespace}" must be an object of attributes`);
  const kept: JsonObject = {};
  for (const [name, member] of Object.entries(value)) {
    if (!ATTRIBUTE_NAME.test(name)) throw scimErrors.invalidValue(`"${name}" in the undeclared extension "${namespace}" is not an attribute name (RFC 7643 §2.1)`);
    if (member === null || member === undefined) continue;
    setOwn(kept, name, member);
  }
  if (Object.keys(kept).length === 0) return undefined;
  checkLimits(namespace, kept);
  return kept;
}

/** The undeclared namespaces among the keys of a resource, in key order. */
export function undeclaredNamespacesOf(attributes: Readonly<Record<string, unknown>>, schemas: ResourceSchemas): string[] {
  return Object.keys(attributes).filter((key) => isUndeclaredNamespace(key, schemas));
}

/** Throws when a resource carries more undeclared namespaces than the limit. */
export function checkNamespaceCount(namespaces: readonly string[]): void {
  if (namespaces.length > UNDECLARED_EXTENSION_LIMITS.maxNamespaces) {
    throw scimErrors.invalidValue(`A resource may carry at most ${UNDECLARED_EXTENSION_LIMITS.maxNamespaces} undeclared extensions, got ${namespaces.length}`);
  }
}

function checkLimits(namespace: string, value: JsonObject): void {
  const length = JSON.stringify(value).length;
  if (length > UNDECLARED_EXTENSION_LIMITS.maxJsonLength) {
    throw scimErrors.invalidValue(
      `The undeclared extension "${namespace}" is ${length} characters as JSON; at most ${UNDECLARED_EXTENSION_LIMITS.maxJsonLength} are kept (declare it to store larger values)`,
    );
  }
  const check = (member: unknown, depth: number): void => {
    if (typeof member === 'string') {
      // PostgreSQL's jsonb cannot hold U+0000, and no identity provider sends it.
      if (member.includes('\u0000')) throw scimErrors.invalidValue(`The undeclared extension "${namespace}" holds the character U+0000`);
      return;
    }
    if (member === null || typeof member !== 'object') return;
    if (depth > UNDECLARED_EXTENSION_LIMITS.maxDepth) {
      throw scimErrors.invalidValue(`The undeclared extension "${namespace}" nests deeper than ${UNDECLARED_EXTENSION_LIMITS.maxDepth} levels`);
    }
    const entries = Array.isArray(member) ? member.map((element) => ['', element] as const) : Object.entries(member);
    for (const [key, element] of entries) {
      if (key.includes('\u0000')) throw scimErrors.invalidValue(`The undeclared extension "${namespace}" holds the character U+0000`);
      check(element, depth + 1);
    }
  };
  check(value, 1);
}
