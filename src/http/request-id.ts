/**
 * Request ids: the client's `X-Request-Id` when it is a sensible one, else
 * a fresh UUID in time order. The id is returned on every response and
 * names the request in every log line, in the request log and in the
 * events it causes, so an identity provider's support ticket ("request
 * 7f3… failed") leads straight to what happened.
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
  return acceptedRequestId(request.headers[REQUEST_ID_HEADER]) ?? timeOrderedUuid();
}

/**
 * A UUID of version 7 (RFC 9562 §5.7): the first 48 bits are the time in
 * milliseconds, the rest random, so ids sort by when they were made. The
 * request log and the events are indexed by request id; ids in time order
 * are added at the end of those indexes, where a batch of a thousand log
 * entries writes a handful of index pages. Random ids (version 4) put each
 * entry on a page of its own anywhere in the index, and writing those pages
 * was most of what the log cost a `GET`. The random part comes from
 * `randomUUID`, whose bytes Node draws from a pool: its version digit is
 * replaced, its variant bits are already RFC 9562's.
 */
export function timeOrderedUuid(milliseconds: number = Date.now()): string {
  const time = Math.trunc(milliseconds).toString(16).padStart(12, '0');
  // randomUUID(): xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; characters from 15 on follow the version digit.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
