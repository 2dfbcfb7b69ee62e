/**
 * The HTTP server: health endpoints at the root; the SCIM plugin twice —
 * under /scim/v2 (the token's tenant) and under /t/{tenant}/scim/v2 (the
 * tenant in the URL, which must be the token's) — and the admin API under
 * /admin/v1. Everything it serves comes from the services it is given.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { adminKeyAuthentication, adminPlugin, type AdminPluginOptions } from '../admin/admin-plugin.js';
import { scimErrors } from '../core/errors/scim-error.js';
import type { ScimitarMetrics } from '../metrics/scimitar-metrics.js';
import type { Store } from '../store/store.js';
import { TENANT_SCIM_PREFIX } from '../tenancy/tenant-urls.js';
import { sendScimError } from './scim/errors.js';
import { scimPlugin, type ScimPluginOptions } from './scim/plugin.js';

export const SCIM_PREFIX = '/scim/v2';
export const ADMIN_PREFIX = '/admin/v1';
export const METRICS_PATH = '/metrics';

export interface HttpAppOptions {
  readonly scim: ScimPluginOptions;
  /** The admin API; left out, /admin/v1 is not served. */
  readonly admin: AdminPluginOptions | undefined;
  readonly store: Store;
  readonly logLevel: string;
  readonly trustProxy: boolean;
  readonly bodyLimit: number;
  /** Request metrics and GET /metrics (behind the admin keys); left out, neither. */
  readonly metrics?: ScimitarMetrics;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      // Tokens must never reach the logs.
      redact: ['req.headers.authorization'],
    },
    trustProxy: options.trustProxy,
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
    // Errors the router raises before any route context exists (bad percent-encoding,
    // an over-long id) would otherwise bypass the SCIM error handler and echo the URL.
    frameworkErrors: (error, _request, reply) => {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return sendScimError(reply, scimErrors.notFound('No resource has an id this long; check the URL'));
      }
      return sendScimError(reply, scimErrors.badRequest('The URL is not valid: check its percent-encoding'));
    },
  });

  const { metrics, admin } = options;
  if (metrics !== undefined) {
    // On the root context, so it sees every request (SCIM, admin, health, unmatched), labelled by route template, never by URL.
    app.addHook('onResponse', (request, reply, done) => {
      metrics.requestFinished({
        route: request.routeOptions.url,
        method: request.method,
        statusCode: reply.statusCode,
        seconds: reply.elapsedTime / 1000,
        tenantId: request.scimClient?.tenantId,
      });
      done();
    });
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
  if (admin !== undefined) await app.register(adminPlugin, { ...admin, prefix: ADMIN_PREFIX });
  return app;
}
