export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * A ListResponse (RFC 7644 §3.4.2). `Resources` is written even when empty:
 * §3.4.2 only requires it when totalResults is non-zero, but clients that
 * iterate it without a check are common.
 */
export function listResponse(resources: readonly Record<string, unknown>[], totalResults: number, startIndex: number): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: [...resources],
  };
}
