/**
 * The SCIM context's error handling: every failure leaves as an RFC 7644
 * §3.12 error body, never as a stack trace. Unexpected errors are logged
 * with their stack and answered with a generic 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isScimError, ScimError, scimErrors } from '../../core/errors/scim-error.js';
import { lingerOverOversizedBody } from '../oversized-body.js';
import { isStoreUnavailable, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../store/store-unavailable.js';
import { SCIM_CONTENT_TYPE } from './media.js';

export function sendScimError(reply: FastifyReply, error: ScimError): FastifyReply {
  if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="scimitar"');
  return reply.code(error.status).type(SCIM_CONTENT_TYPE).send(error.toJSON());
}

/** Maps Fastify's own request errors (body parsing, limits) onto the SCIM catalogue. */
export function toScimError(error: FastifyError | Error): ScimError | undefined {
  if (isScimError(error)) return error;
  const code = (error as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return scimErrors.payloadTooLarge('The request body is larger than the server accepts; split the request or send fewer operations');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return scimErrors.unsupportedMediaType('Send the body as application/scim+json or application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return scimErrors.badRequest('The Content-Length header does not match the body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return scimErrors.invalidSyntax('The request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return scimErrors.invalidSyntax(`The request body is not valid JSON: ${error.message}`);
    default:
      break;
  }
  if (error instanceof SyntaxError) return scimErrors.invalidSyntax(`The request body is not valid JSON: ${error.message}`);
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Other client errors raised by Fastify (bad URL encoding, header limits): keep the status, describe generically.
    return new ScimError(status === 404 || status === 405 || status === 413 || status === 415 || status === 429 ? status : 400, undefined, error.message);
  }
  return undefined;
}

export async function scimErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const scimError = toScimError(error);
  if (scimError) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') await lingerOverOversizedBody(request, reply);
    return sendScimError(reply, scimError);
  }
  if (isStoreUnavailable(error)) return sendStoreUnavailable(request, reply, error);
  request.log.error({ err: error }, 'unexpected error while handling a SCIM request');
  return sendScimError(reply, scimErrors.internal('An unexpected error occurred on the server; it has been logged. Retry the request later.'));
}

/**
 * The database is restarting or unreachable: nothing of the request was
 * committed, so the client may send it again. RFC 9110 §15.6.4: a 503 "MAY
 * send a Retry-After header field"; identity providers honour it.
 */
export function sendStoreUnavailable(request: FastifyRequest, reply: FastifyReply, error: Error): FastifyReply {
  request.log.warn({ err: error.cause ?? error }, 'the database is unreachable; answered 503');
  reply.header('Retry-After', String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
  return sendScimError(reply, storeUnavailableError());
}

export function storeUnavailableError(): ScimError {
  return scimErrors.serviceUnavailable(
    `The database is unreachable at the moment; nothing of this request was saved. Retry in ${STORE_UNAVAILABLE_RETRY_AFTER_SECONDS} seconds.`,
  );
}
