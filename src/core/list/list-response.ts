export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** The page links of a cursor-paged response (RFC 9865 §2). */
export interface CursorPage {
  /** Present while more results follow; absent only on the last page. */
  readonly nextCursor: string | undefined;
  readonly previousCursor: string | undefined;
}

/**
 * A ListResponse (RFC 7644 §3.4.2). `Resources` is written even when empty:
 * §3.4.2 only requires it when totalResults is non-zero, but clients that
 * iterate it without a check are common.
 *
 * Index paging gives `startIndex`; cursor paging gives `nextCursor` /
 * `previousCursor` instead (RFC 9865 §2), since a cursor page has no index.
 */
export function listResponse(
  resources: readonly Record<string, unknown>[],
  totalResults: number,
  paging: number | CursorPage,
): Record<string, unknown> {
  const position =
    typeof paging === 'number'
      ? { startIndex: paging }
      : {
          ...(paging.previousCursor !== undefined ? { previousCursor: paging.previousCursor } : {}),
          ...(paging.nextCursor !== undefined ? { nextCursor: paging.nextCursor } : {}),
        };
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    ...position,
    itemsPerPage: resources.length,
    Resources: [...resources],
  };
}
