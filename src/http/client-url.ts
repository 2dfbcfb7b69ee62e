/**
 * The URL as the client requested it, for what people read: the request
 * log, log lines and the path a 404 names. Fastify's `request.url` is what
 * its router was given, and an API served through a handler in another
 * framework (src/embedding) is routed under an internal prefix, with the
 * host's mount path taken off: `/api/scim/v2/Users/1` in an Express app
 * would read `/api/Users/1`. An IT admin compares the log with what their
 * identity provider sent, so the log shows what it sent.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** Where a handler leaves the URL it received before rewriting it for its router. */
const CLIENT_URL = Symbol('scimitar.clientUrl');

interface WithClientUrl extends IncomingMessage {
  [CLIENT_URL]?: string;
}

/** Keeps the URL the client requested, before `request.url` is rewritten for routing. */
export function keepClientUrl(request: IncomingMessage, url: string): void {
  (request as WithClientUrl)[CLIENT_URL] = url;
}

/** The URL the client requested, query included: the one kept by a handler, else the routed one. */
export function clientUrlOf(request: FastifyRequest): string {
  // The log serializer may be handed a request whose raw message is missing (pino tests, custom calls).
  const raw = request.raw as WithClientUrl | undefined;
  return raw?.[CLIENT_URL] ?? request.url;
}

/** The path the client requested, without the query. */
export function clientPathOf(request: FastifyRequest): string {
  const url = clientUrlOf(request);
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
