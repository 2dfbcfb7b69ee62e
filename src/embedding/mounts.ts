/**
 * Scimitar's APIs mounted in an existing app: as Fastify plugins the app
 * registers under prefixes of its choosing, or as `(req, res)` handlers for
 * Express, Connect and `node:http`. The services behind them are the ones
 * the standalone server uses (one store, one set of background work); only
 * the HTTP entry differs.
 *
 * Encapsulation: a plugin adds nothing to the app's own context. The SCIM
 * routes keep their error handler (SCIM envelope), their body parser (both
 * JSON media types, SCIM's body limit) and their authentication; the app's
 * routes keep theirs. The app's hooks still run around the SCIM routes, as
 * a parent's hooks do in Fastify.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { adminPlugin, type AdminPluginOptions } from '../admin/admin-plugin.js';
import { createFastify, nameTheRequest, requestMetricsHook, type FastifySettings } from '../http/app.js';
import { scimPlugin, type ScimPluginOptions } from '../http/scim/plugin.js';
import { webPlugin, type WebPluginOptions } from '../web/web-plugin.js';
import type { ScimitarMetrics } from '../metrics/scimitar-metrics.js';
import { replayConsumedBody } from './consumed-body.js';
import { clientPrefixOf, nodeHandler, type NodeHandler, type NodeHandlerOptions } from './node-handler.js';

/** What the mounts are built from: the composition root's options of each API and its shutdown. */
export interface EmbeddingMountsOptions {
  readonly scim: ScimPluginOptions;
  readonly admin: AdminPluginOptions;
  readonly pages: WebPluginOptions;
  readonly http: FastifySettings;
  readonly metrics: ScimitarMetrics | undefined;
  /** Answers what must not hold up the app's shutdown (the event feed's long polls). */
  beforeClose(): void;
  /** Scimitar's own shutdown (idempotent): background work stopped, store closed. */
  close(): Promise<void>;
}

/** Options of a mount in a Fastify app: only the prefix, which Fastify itself applies. */
export type MountPluginOptions = Record<never, never>;

export interface EmbeddingMounts {
  /** The SCIM API: `await app.register(scimitar.fastifyPlugin, { prefix: '/scim/v2' })`. */
  readonly fastifyPlugin: FastifyPluginAsync<MountPluginOptions>;
  /** The admin API, the event feed included: `await app.register(scimitar.fastifyAdminPlugin, { prefix: '/admin/v1' })`. */
  readonly fastifyAdminPlugin: FastifyPluginAsync<MountPluginOptions>;
  /**
   * The operator console and the setup portal: `await app.register(scimitar.fastifyPagesPlugin, { prefix: '/scimitar' })`
   * serves /scimitar/console and /scimitar/setup/…; links and cookie paths follow the prefix.
   */
  readonly fastifyPagesPlugin: FastifyPluginAsync<MountPluginOptions>;
  /** The SCIM API for Express, Connect or node:http: `app.use('/scim/v2', scimitar.handler())`. */
  handler(options?: NodeHandlerOptions): NodeHandler;
  /** The admin API for Express, Connect or node:http: `app.use('/admin/v1', scimitar.adminHandler())`. */
  adminHandler(options?: NodeHandlerOptions): NodeHandler;
  /** Closes the Fastify instances behind the handlers. */
  close(): Promise<void>;
}

/** Where each API is registered inside a handler's own Fastify instance (never seen by clients). */
const HANDLER_PREFIX = '/api';

export function createEmbeddingMounts(options: EmbeddingMountsOptions): EmbeddingMounts {
  const { metrics } = options;
  const scimOptions: ScimPluginOptions = { ...options.scim, bodyLimit: options.http.bodyLimit };

  /** What every mount adds to its own context: request ids on answers, metrics, and the shutdown with the app. */
  const commonHooks = (fastify: FastifyInstance): void => {
    fastify.addHook('onRequest', nameTheRequest);
    if (metrics !== undefined) fastify.addHook('onResponse', requestMetricsHook(metrics));
    // Long polls of the event feed answer before the app waits for its connections to finish.
    fastify.addHook('preClose', async () => options.beforeClose());
    fastify.addHook('onClose', async () => options.close());
  };

  const fastifyPlugin: FastifyPluginAsync<MountPluginOptions> = async (fastify) => {
    commonHooks(fastify);
    await fastify.register(scimPlugin, scimOptions);
  };
  const fastifyAdminPlugin: FastifyPluginAsync<MountPluginOptions> = async (fastify) => {
    commonHooks(fastify);
    await fastify.register(adminPlugin, options.admin);
  };

  const fastifyPagesPlugin: FastifyPluginAsync<MountPluginOptions> = async (fastify) => {
    commonHooks(fastify);
    await fastify.register(webPlugin, options.pages);
  };

  const handlerApps: FastifyInstance[] = [];
  /** A Fastify instance of its own per handler: it serves one API and nothing else, whatever path the host hands it. */
  const handlerApp = (register: (app: FastifyInstance) => void): FastifyInstance => {
    const app = createFastify(options.http);
    app.addHook('preParsing', replayConsumedBody);
    if (metrics !== undefined) app.addHook('onResponse', requestMetricsHook(metrics));
    register(app);
    handlerApps.push(app);
    return app;
  };

  return {
    fastifyPlugin,
    fastifyAdminPlugin,
    fastifyPagesPlugin,
    handler(handlerOptions) {
      const app = handlerApp((scope) => void scope.register(scimPlugin, { ...scimOptions, clientPrefix: clientPrefixOf, prefix: HANDLER_PREFIX }));
      return nodeHandler(app, HANDLER_PREFIX, handlerOptions);
    },
    adminHandler(handlerOptions) {
      const app = handlerApp((scope) => void scope.register(adminPlugin, { ...options.admin, prefix: HANDLER_PREFIX }));
      return nodeHandler(app, HANDLER_PREFIX, handlerOptions);
    },
    async close() {
      await Promise.all(handlerApps.map((app) => app.close()));
    },
  };
}
