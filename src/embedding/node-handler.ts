/**
 * One of Scimitar's APIs as a handler of Node's `(req, res)` shape, for
 * Express, Connect and `node:http`: the request runs through a Fastify
 * instance of its own (same settings, hooks and error handling as the
 * standalone server), which answers on the host's response.
 *
 * The mount path: Express and Connect strip it from `req.url` and keep the
 * whole URL in `req.originalUrl`, so the path the client used for the API's
 * root is read from the two. A plain `node:http` server strips nothing: the
 * handler is told its prefix.
 *
 * The whole URL the client requested is kept for the request log and the
 * log lines (src/http/client-url.ts): the router sees the handler's own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keepClientUrl } from '../http/client-url.js';
import { keepConsumedBody } from './consumed-body.js';

/** The handler's shape: Express/Connect middleware, or a `node:http` request listener (without `next`). */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void;

export interface NodeHandlerOptions {
  /**
   * The path the API is served under, for a server that does not strip it
   * (a `node:http` listener): `handler({ prefix: '/scim/v2' })`. Requests
   * outside it are answered by the API's 404. Express and Connect need none.
   */
  readonly prefix?: string;
}

/** Express's and Connect's additions to the request. */
interface MountedRequest extends IncomingMessage {
  readonly originalUrl?: string;
  readonly baseUrl?: string;
}

/** Where the handler leaves the client's path of the API root, for the API's links (meta.location). */
const CLIENT_PREFIX = Symbol('scimitar.clientPrefix');

interface WithClientPrefix extends IncomingMessage {
  [CLIENT_PREFIX]?: string;
}

/** The path the client used for the API's root, as the handler saw it. */
export function clientPrefixOf(request: FastifyRequest): string | undefined {
  return (request.raw as WithClientPrefix)[CLIENT_PREFIX];
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The mount path and the rest of the URL (which starts with a slash), from what the framework left on the request. */
export function splitMountedUrl(request: MountedRequest, prefix: string | undefined): { readonly mountPath: string; readonly rest: string } {
  const url = request.url ?? '/';
  if (typeof request.baseUrl === 'string') return { mountPath: request.baseUrl, rest: url };
  if (typeof request.originalUrl === 'string' && request.originalUrl !== url) {
    const whole = pathOf(request.originalUrl);
    const remaining = pathOf(url);
    // Connect leaves "/" for the mount path itself ("/scim/v2" → url "/").
    const mountPath = remaining === '/' && !whole.endsWith('/') ? whole : whole.slice(0, whole.length - remaining.length);
    return { mountPath, rest: url };
  }
  if (prefix !== undefined) {
    const path = pathOf(url);
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      const rest = url.slice(prefix.length);
      return { mountPath: prefix, rest: rest.startsWith('/') ? rest : `/${rest}` };
    }
  }
  return { mountPath: '', rest: url.startsWith('/') ? url : `/${url}` };
}

/**
 * A handler routing into `app`, where the API is registered under
 * `internalPrefix`. `app` is made ready on the first request; a failure
 * there goes to `next` (Express's error handling) or is a bare 500.
 */
export function nodeHandler(app: FastifyInstance, internalPrefix: string, options: NodeHandlerOptions = {}): NodeHandler {
  let ready: PromiseLike<unknown> | undefined;
  return (request, response, next) => {
    const { mountPath, rest } = splitMountedUrl(request, options.prefix);
    (request as WithClientPrefix)[CLIENT_PREFIX] = mountPath;
    // Express and Connect keep the URL as received in originalUrl (mount paths included); node:http leaves url untouched.
    const { originalUrl } = request as MountedRequest;
    keepClientUrl(request, typeof originalUrl === 'string' ? originalUrl : (request.url ?? '/'));
    keepConsumedBody(request);
    // The host's request object is Fastify's raw request from here on; the host's router
    // restores its url only when `next` is called, which this handler never does for a request it answers.
    request.url = `${internalPrefix}${rest}`;
    ready ??= app.ready();
    void ready.then(
      () => app.routing(request, response),
      (error: unknown) => {
        if (next !== undefined) {
          next(error);
          return;
        }
        response.statusCode = 500;
        response.end();
      },
    );
  };
}
