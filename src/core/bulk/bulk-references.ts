/**
 * bulkId references (RFC 7644 §3.7.2): a client refers to a resource created
 * earlier in the same request as "bulkId:<bulkId>", in an operation's data
 * (a member value, a manager value, any extension attribute) or in its path
 * (/Users/bulkId:qwerty). The service provider replaces each with the id of
 * the created resource.
 */
import type { BulkOperation } from './bulk-request.js';

export const BULK_ID_REFERENCE_PREFIX = 'bulkId:';

/** The bulkId a string refers to, or undefined when it is not a reference. */
export function bulkIdReference(value: string): string | undefined {
  if (!value.startsWith(BULK_ID_REFERENCE_PREFIX)) return undefined;
  const bulkId = value.slice(BULK_ID_REFERENCE_PREFIX.length);
  return bulkId === '' ? undefined : bulkId;
}

function collect(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    const bulkId = bulkIdReference(value);
    if (bulkId !== undefined) into.add(bulkId);
  } else if (Array.isArray(value)) {
    for (const element of value) collect(element, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const element of Object.values(value)) collect(element, into);
  }
}

/** Every bulkId an operation refers to, in its path or anywhere in its data. */
export function referencedBulkIds(operation: BulkOperation): string[] {
  const found = new Set<string>();
  if (operation.target.id !== undefined) collect(operation.target.id, found);
  collect(operation.data, found);
  return [...found];
}

/**
 * A copy of `value` with every "bulkId:<x>" string replaced by `resolve(x)`.
 * Objects are rebuilt with Object.fromEntries (defining properties), so a key
 * such as "__proto__" stays data and never becomes a prototype.
 */
export function substituteBulkIds<T>(value: T, resolve: (bulkId: string) => string): T {
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const bulkId = bulkIdReference(node);
      return bulkId === undefined ? node : resolve(bulkId);
    }
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, element]) => [key, visit(element)]));
    }
    return node;
  };
  return visit(value) as T;
}
