/**
 * Helpers for the plain JSON values a resource is made of. Resources are
 * parsed JSON, so objects, arrays, strings, numbers, booleans and null are
 * the only shapes these helpers need to handle.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own enumerable property. Plain assignment of a key such as
 * `__proto__` (which JSON.parse produces as an ordinary key) would change the
 * object's prototype instead of adding a property.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of a JSON value; the copy shares nothing with the original. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((element: unknown) => cloneJson(element)) as T;
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, member] of Object.entries(value)) setOwn(copy, key, cloneJson(member));
    return copy as T;
  }
  return value;
}

/** Deep equality of JSON values; object key order does not matter, array order does. */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    return left.every((element, index) => jsonEqual(element, right[index]));
  }
  if (isJsonObject(left)) {
    if (!isJsonObject(right)) return false;
    const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
    const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
    if (leftKeys.length !== rightKeys.length) return false;
    return leftKeys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && jsonEqual(left[key], right[key]));
  }
  return false;
}

/** JSON text with object keys sorted, so equal values (in the jsonEqual sense) give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((element) => canonicalJson(element)).join(',')}]`;
  if (isJsonObject(value)) {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const DESCRIBED_STRING_LENGTH = 40;

/** A short description of a client value for error details: `string "yes"`, `number 3`, `an object`. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > DESCRIBED_STRING_LENGTH ? `${value.slice(0, DESCRIBED_STRING_LENGTH)}…` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
