/**
 * The HTTP server: health endpoints at the root; the SCIM plugin twice —
 * under /scim/v2 (the token's tenant) and under /t/{tenant}/scim/v2 (the
 * tenant in the URL, which must be the token's) — the OAuth token endpoint
 * beside each (/oauth/token, /t/{tenant}/oauth/token), and the admin API
 * under /admin/v1. Everything it serves comes from the services it is given.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { adminKeyAuthentication, adminPlugin, type AdminPluginOptions } from '../admin/admin-plugin.js';
import { scimErrors } from '../core/errors/scim-error.js';
import type { ScimitarMetrics } from '../metrics/scimitar-metrics.js';
import type { Store } from '../store/store.js';
import { TENANT_OAUTH_PREFIX, TENANT_SCIM_PREFIX } from '../tenancy/tenant-urls.js';
import { clientErrorAnswerer } from './client-errors.js';
import { clientPathOf, clientUrlOf } from './client-url.js';
import { redactUrlForLog } from './log-url.js';
import { generateRequestId, REQUEST_ID_HEADER } from './request-id.js';
import { sendScimError } from './scim/errors.js';
import { scimPlugin, type ScimPluginOptions } from './scim/plugin.js';
import { tokenEndpointPlugin, type TokenEndpointOptions } from './oauth/token-endpoint.js';
import { webPlugin, type WebPluginOptions } from '../web/web-plugin.js';

export const SCIM_PREFIX = '/scim/v2';
/** The token endpoint where the client alone decides the tenant, as the token does on /scim/v2: POST /oauth/token. */
export const OAUTH_PREFIX = '/oauth';
export const ADMIN_PREFIX = '/admin/v1';
export const METRICS_PATH = '/metrics';

export interface HttpAppOptions {
  readonly scim: ScimPluginOptions;
  /** The OAuth 2.0 token endpoint (client credentials); left out, /oauth/token is not served. */
  readonly oauth?: TokenEndpointOptions;
  /** The admin API; left out, /admin/v1 is not served. */
  readonly admin: AdminPluginOptions | undefined;
  readonly store: Store;
  readonly logLevel: string;
  /** Log request URLs whole (SCIMITAR_LOG_FULL_URLS); by default query values are redacted (log-url.ts). */
  readonly logFullUrls?: boolean;
  /** Where log lines go (default: standard output), e.g. an embedding app's log pipeline. */
  readonly logStream?: NodeJS.WritableStream;
  /**
   * Whose X-Forwarded-* headers to believe: false (none), a number of proxy
   * hops, or proxy addresses / CIDR ranges. `request.ip` is then the address
   * the nearest untrusted hop connected from; never pass `true`, which would
   * make it the left-most X-Forwarded-For entry, written by the client.
   */
  readonly trustProxy: false | number | readonly string[];
  readonly bodyLimit: number;
  /** The operator console (/console) and setup portal (/setup); left out, neither is served. */
  readonly pages?: WebPluginOptions;
  /** Request metrics and GET /metrics (behind the admin keys); left out, neither. */
  readonly metrics?: ScimitarMetrics;
}

/** Fastify's request log fields, with the URL the client requested (client-url.ts), redacted unless full URLs are asked for. */
function requestForLog(logFullUrls: boolean) {
  return (request: FastifyRequest) => {
    const url = clientUrlOf(request);
    return {
      method: request.method,
      url: logFullUrls ? url : redactUrlForLog(url),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  };
}

/** Fastify's form of the setting: hop 0 is the socket's peer, hop 1 the right-most X-Forwarded-For entry, and so on. */
function fastifyTrustProxy(trusted: HttpAppOptions['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (trusted === false) return false;
  if (typeof trusted === 'number') return (_address, hop) => hop < trusted;
  return [...trusted];
}

/** The settings a Fastify instance of Scimitar's is built with: the whole server's, or a handler's mounted in another framework. */
export type FastifySettings = Pick<HttpAppOptions, 'logLevel' | 'logFullUrls' | 'logStream' | 'trustProxy' | 'bodyLimit'>;

/**
 * A Fastify instance with Scimitar's settings, request ids and 404, and no
 * routes: buildHttpApp adds the server's, an embedding handler (src/embedding)
 * adds one API's.
 */
export function createFastify(options: FastifySettings): FastifyInstance {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      // Tokens must never reach the logs.
      redact: ['req.headers.authorization'],
      serializers: { req: requestForLog(options.logFullUrls === true) },
      ...(options.logStream !== undefined ? { stream: options.logStream } : {}),
    },
    // The id is ours to validate: Fastify would take the header as it comes (see request-id.ts).
    requestIdHeader: false,
    genReqId: generateRequestId,
    trustProxy: fastifyTrustProxy(options.trustProxy),
    bodyLimit: options.bodyLimit,
    // Stop reading slow bodies and idle sockets instead of holding them forever.
    requestTimeout: 60_000,
    return503OnClosing: true,
    // Identity providers are configured by hand: a base URL pasted with a trailing slash
    // (`…/scim/v2/` + `/Users` → `//Users`), `/Users/?filter=…` and `/users` (Microsoft's
    // reference test collection sends both) all mean the endpoint. Path parameters keep their case.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, caseSensitive: false },
    // Schemas validate only the admin API; there an unknown property is a mistake to report
    // (400), not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
    // Requests the HTTP parser refuses (431, a control character in a header): SCIM errors on SCIM paths too.
    clientErrorHandler: clientErrorAnswerer(ADMIN_PREFIX),
    // Errors the router raises before any route context exists (bad percent-encoding,
    // an over-long id) would otherwise bypass the SCIM error handler and echo the URL.
    frameworkErrors: (error, request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return sendScimError(reply, scimErrors.notFound('No resource has an id this long; check the URL'));
      }
      return sendScimError(reply, scimErrors.badRequest('The URL is not valid: check its percent-encoding'));
    },
  });

  // Fastify's own 404 would log the whole URL ("Route GET:/x?filter=… not found") and echo it back.
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: 'Not Found', message: `No endpoint at ${request.method} ${clientPathOf(request)}`, statusCode: 404 }),
  );
  app.addHook('onRequest', nameTheRequest);
  return app;
}

/** Every answer names its request: SCIM, admin, errors and 404s alike. */
export async function nameTheRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header(REQUEST_ID_HEADER, request.id);
}

/** Counts each finished request in the metrics, labelled by route template, never by URL. */
export function requestMetricsHook(metrics: ScimitarMetrics) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    metrics.requestFinished({
      route: request.routeOptions.url,
      method: request.method,
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
      tenantId: request.scimClient?.tenantId,
    });
    done();
  };
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = createFastify(options);
  const { metrics, admin } = options;
  if (metrics !== undefined) {
    // On the root context, so it sees every request (SCIM, admin, health, unmatched).
    app.addHook('onResponse', requestMetricsHook(metrics));
    if (admin !== undefined) {
      // On the main port the metrics need an admin key: they name tenants and routes.
      await app.register(async (scope) => {
        scope.addHook('onRequest', adminKeyAuthentication(admin, 'metrics'));
        scope.get(METRICS_PATH, async (_request, reply) => {
          const { contentType, text } = await metrics.exposition();
          return reply.header('content-type', contentType).header('cache-control', 'no-store').send(text);
        });
      });
    }
  }

  // Liveness stays cheap: it answers as long as the event loop does.
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ok', database: 'reachable' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });

  await app.register(scimPlugin, { ...options.scim, prefix: SCIM_PREFIX });
  await app.register(scimPlugin, { ...options.scim, prefix: TENANT_SCIM_PREFIX });
  if (options.oauth !== undefined) {
    await app.register(tokenEndpointPlugin, { ...options.oauth, prefix: OAUTH_PREFIX });
    await app.register(tokenEndpointPlugin, { ...options.oauth, prefix: TENANT_OAUTH_PREFIX });
  }
  if (admin !== undefined) await app.register(adminPlugin, { ...admin, prefix: ADMIN_PREFIX });
  if (options.pages !== undefined) {
    await app.register(webPlugin, options.pages);
    // A person who opens the server's address lands in the console.
    app.get('/', async (_request, reply) => reply.redirect('/console', 302));
  }
  return app;
}
