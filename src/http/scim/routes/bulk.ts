/**
 * POST /Bulk (RFC 7644 §3.7). The route has its own body limit, the
 * advertised bulk.maxPayloadSize, because a Bulk request is meant to be
 * larger than any single-resource request the global limit allows.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { scimErrors } from '../../../core/errors/scim-error.js';
import type { BulkService } from '../../../services/bulk/index.js';
import { scimErrorHandler, sendScimError } from '../errors.js';
import { SCIM_CONTENT_TYPE } from '../media.js';
import { lingerOverOversizedBody } from '../../oversized-body.js';
import { registerMethodNotAllowed, type ScimRouteContext } from '../plugin.js';

export interface ScimBulkOptions {
  readonly service: BulkService;
  /** Largest Bulk request body in bytes (advertised as bulk.maxPayloadSize). */
  readonly maxPayloadSize: number;
}

export function registerBulkRoute(fastify: FastifyInstance, context: ScimRouteContext, bulk: ScimBulkOptions): void {
  fastify.route({
    method: 'POST',
    url: '/Bulk',
    bodyLimit: bulk.maxPayloadSize,
    // §3.7.4: over a limit "the service provider MUST return HTTP response code 413 …
    // The returned response MUST specify the limit exceeded in the body of the error response."
    errorHandler: async (error: FastifyError, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        await lingerOverOversizedBody(request, reply);
        return sendScimError(reply, scimErrors.payloadTooLarge(`The size of the bulk request exceeds maxPayloadSize (${bulk.maxPayloadSize} bytes)`));
      }
      return scimErrorHandler(error, request, reply);
    },
    handler: async (request, reply) => {
      const response = await bulk.service.execute(context.requestContext(request), request.body, {
        onUnexpectedError: (error, operation) =>
          request.log.error({ err: error, bulkOperation: operation.index, method: operation.method }, 'unexpected error in a Bulk operation'),
      });
      // §3.7: "If a bulk job is processed successfully, HTTP response code 200 OK MUST be returned", whatever its operations' statuses.
      return reply.code(200).type(SCIM_CONTENT_TYPE).send(response);
    },
  });
  registerMethodNotAllowed(fastify, '/Bulk', ['POST']);
}
