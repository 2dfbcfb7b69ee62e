/**
 * The BulkResponse message (RFC 7644 §3.7.3): one result per processed
 * operation, in request order, each with its HTTP status as a string.
 */
import type { ScimErrorBody } from '../errors/scim-error.js';
import type { BulkMethod } from './bulk-request.js';

export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export interface BulkOperationResult {
  readonly method: BulkMethod;
  readonly bulkId?: string;
  readonly version?: string;
  /** §3.7: "REQUIRED in a response, except in the event of a POST failure". */
  readonly location?: string;
  readonly status: string;
  /** §3.7: for a status other than 2xx "the response body MUST be included": the SCIM error. */
  readonly response?: ScimErrorBody;
}

export interface BulkResponseBody {
  readonly schemas: readonly [typeof BULK_RESPONSE_SCHEMA];
  readonly Operations: readonly BulkOperationResult[];
}

/** Results may be produced in execution order; the response lists them in request order. */
export function bulkResponse(results: ReadonlyMap<number, BulkOperationResult>): BulkResponseBody {
  const indexes = [...results.keys()].sort((a, b) => a - b);
  return { schemas: [BULK_RESPONSE_SCHEMA], Operations: indexes.map((index) => results.get(index)!) };
}
