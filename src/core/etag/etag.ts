/**
 * Entity tags for resource versions (RFC 7644 §3.14, RFC 7232).
 * Versions are weak tags `W/"<n>"`; If-Match / If-None-Match compare them
 * with the weak comparison function, so `"3"` and `W/"3"` both match version 3.
 */
import { scimErrors } from '../errors/scim-error.js';

export type EntityTagCondition = { readonly any: true } | { readonly any: false; readonly tags: readonly string[] };

/** Parses `*` or a comma-separated list of (weak or strong) entity tags; returns the opaque tag values. */
export function parseEntityTagCondition(header: string, headerName: string): EntityTagCondition {
  const trimmed = header.trim();
  if (trimmed === '*') return { any: true };
  // Entity tags cannot contain commas (RFC 7232 §2.3 etagc excludes them), so splitting is exact.
  const tags: string[] = [];
  for (const part of trimmed.split(',')) {
    const match = /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(part);
    if (!match) {
      throw scimErrors.badRequest(`${headerName} must be "*" or a list of entity tags such as W/"3", got ${JSON.stringify(header)}`);
    }
    tags.push(match[1] ?? '');
  }
  return { any: false, tags };
}

export function conditionMatches(condition: EntityTagCondition, version: number): boolean {
  return condition.any || condition.tags.includes(String(version));
}

/** RFC 7644 §3.14: a PUT/PATCH/DELETE whose If-Match does not match the current version fails with 412. */
export function assertIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined) return;
  if (!conditionMatches(parseEntityTagCondition(ifMatch, 'If-Match'), version)) {
    throw scimErrors.preconditionFailed(`If-Match does not match the current version W/"${version}"; read the resource again and retry`);
  }
}
