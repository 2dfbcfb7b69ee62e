/**
 * The admin API's one error shape, `{status, code, message}`, for every
 * failure: authentication, request validation, a service's ScimError, an
 * unknown route, and anything unexpected (logged, answered generically).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isScimError } from '../core/errors/scim-error.js';
import { isStoreUnavailable, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../store/store-unavailable.js';

export interface AdminErrorBody {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  431: 'header_fields_too_large',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** The body of an admin error with this status (an unknown one is answered as 400 or 500). */
export function adminErrorBody(status: number, message: string): AdminErrorBody {
  const known = CODES[status] !== undefined ? status : status >= 500 ? 500 : 400;
  return { status: known, code: CODES[known] ?? 'bad_request', message };
}

export function sendAdminError(reply: FastifyReply, status: number, message: string): FastifyReply {
  const body = adminErrorBody(status, message);
  if (body.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="scimitar-admin"');
  return reply.code(body.status).type('application/json; charset=utf-8').send(body);
}

export function adminErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isScimError(error)) return sendAdminError(reply, error.status, error.detail);
  if (error.validation) return sendAdminError(reply, 400, `Invalid request: ${error.message}`);
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return sendAdminError(reply, status, error.message);
  if (isStoreUnavailable(error)) {
    // Nothing was committed; the same request may succeed once the database is back.
    request.log.warn({ err: error.cause ?? error }, 'the database is unreachable; answered 503');
    reply.header('Retry-After', String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    return sendAdminError(reply, 503, `The database is unreachable at the moment; nothing was saved. Retry in ${STORE_UNAVAILABLE_RETRY_AFTER_SECONDS} seconds.`);
  }
  request.log.error({ err: error }, 'unexpected error while handling an admin API request');
  return sendAdminError(reply, 500, 'An unexpected error occurred on the server; it has been logged');
}
