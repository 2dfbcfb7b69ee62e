/**
 * Request ids: the client's `X-Request-Id` when it is a sensible one, else
 * a fresh UUID. The id is returned on every response and names the request
 * in every log line, in the request log and in the events it causes, so an
 * identity provider's support ticket ("request 7f3… failed") leads straight
 * to what happened.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What a client's id may be: short, and of characters that are safe in a
 * log line, a header and a URL path segment. Anything else (or a repeated
 * header) is replaced, not trusted: a log line must not be forgeable.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._~:@+=-]{1,128}$/;

export function acceptedRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && ACCEPTED_REQUEST_ID.test(value) ? value : undefined;
}

export function generateRequestId(request: IncomingMessage): string {
  return acceptedRequestId(request.headers[REQUEST_ID_HEADER]) ?? randomUUID();
}
