export { BULK_REQUEST_SCHEMA, parseBulkRequest, type BulkLimits, type BulkMethod, type BulkOperation, type BulkRequest, type BulkTarget } from './bulk-request.js';
export { BULK_ID_REFERENCE_PREFIX, bulkIdReference, referencedBulkIds, substituteBulkIds } from './bulk-references.js';
export { planBulkOrder, type BulkReferenceProblem, type BulkStep } from './bulk-order.js';
export { BULK_RESPONSE_SCHEMA, bulkResponse, type BulkOperationResult, type BulkResponseBody } from './bulk-response.js';
