/**
 * The admin API (/admin/v1) as its own encapsulated Fastify context: its own
 * admin-key authentication hook, error handler and 404, apart from the SCIM
 * contexts. An admin key is looked up only in admin_keys and a SCIM token
 * only in tokens, so neither opens the other's API.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { clientPathOf } from '../http/client-url.js';
import { NO_OBSERVER, type AuthApi } from '../metrics/observers.js';
import { adminErrorHandler, sendAdminError } from './admin-errors.js';
import type { AdminContext, AdminPluginOptions } from './admin-context.js';
import type { AdminRoute } from './admin-route.js';
import { buildOpenApiDocument } from './openapi.js';
import { deletionRoutes } from './routes/deletion-routes.js';
import { directoryRoutes } from './routes/directory-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { requestLogRoutes } from './routes/request-log-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { schemaRoutes } from './routes/schema-routes.js';
import { setupLinkRoutes } from './routes/setup-link-routes.js';
import { roleRoutes } from './routes/role-routes.js';
import { tenantRoutes } from './routes/tenant-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { oauthClientRoutes } from './routes/oauth-client-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { consumerRoutes } from './routes/consumer-routes.js';
import { errorSchema, openApiDocumentSchema } from './schemas.js';

export type { AdminPluginOptions } from './admin-context.js';

/** Every authenticated route may also answer these; declaring them keeps their bodies to the error shape. */
const AUTHENTICATED_RESPONSES = { 401: errorSchema, 429: errorSchema, 500: errorSchema } as const;

function withCommonResponses(route: AdminRoute): AdminRoute {
  if (!route.authenticated) return route;
  return { ...route, schema: { ...route.schema, response: { ...AUTHENTICATED_RESPONSES, ...route.schema.response } } };
}

/** A body whose properties are all optional may be left out entirely: it then reads as `{}`. */
function bodyIsOptional(route: AdminRoute): boolean {
  const body = route.schema.body;
  return body !== undefined && ((body['required'] ?? []) as string[]).length === 0;
}

function register(fastify: FastifyInstance, route: AdminRoute): void {
  const { response, ...request } = route.schema;
  fastify.route({
    method: route.method,
    url: route.url,
    // 204 carries no body: Fastify needs no serializer for it.
    schema: { ...request, response: Object.fromEntries(Object.entries(response).filter(([, schema]) => schema !== null)) },
    ...(bodyIsOptional(route)
      ? {
          preValidation: async (request: FastifyRequest) => {
            request.body ??= {};
          },
        }
      : {}),
    handler: route.handler,
  });
}

/** The routes of the admin API, as data (registered below, described by the OpenAPI document). */
export function adminRoutes(context: AdminContext): AdminRoute[] {
  const routes = [...tenantRoutes(context), ...healthRoutes(context), ...tokenRoutes(context), ...oauthClientRoutes(context), ...setupLinkRoutes(context), ...directoryRoutes(context), ...eventRoutes(context), ...requestLogRoutes(context), ...webhookRoutes(context), ...consumerRoutes(context), ...reportRoutes(context), ...schemaRoutes(context), ...roleRoutes(context), ...deletionRoutes(context)].map(withCommonResponses);
  const openApi: AdminRoute = {
    method: 'GET',
    url: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document (no authentication)',
    tag: 'Documentation',
    authenticated: false,
    schema: { response: { 200: openApiDocumentSchema } },
    handler: async () => document,
  };
  const all = [...routes, openApi];
  const document = buildOpenApiDocument(all, context.prefix);
  return all;
}

/**
 * The admin-key check as an onRequest hook, shared by the admin API and
 * GET /metrics on the main port: throttled addresses get 429, anything but
 * a valid admin key 401 in the admin error format.
 */
export function adminKeyAuthentication(
  options: Pick<AdminPluginOptions, 'authenticator' | 'authFailures' | 'observer'>,
  api: AuthApi,
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  const observer = options.observer ?? NO_OBSERVER;
  return async (request, reply) => {
    const throttled = options.authFailures.addressRetryAfter(request.ip);
    if (throttled !== undefined) {
      observer.rateLimited(api, 'auth_failures');
      reply.header('Retry-After', String(throttled));
      return sendAdminError(reply, 429, `Too many failed authentication attempts; retry after ${throttled} second${throttled === 1 ? '' : 's'}`);
    }
    const key = await options.authenticator.authenticate(request.headers.authorization);
    if (key) return undefined;
    observer.authFailed(api, request.headers.authorization === undefined ? 'missing' : 'invalid');
    if (request.headers.authorization !== undefined) options.authFailures.recordFailure(request.ip, undefined);
    return sendAdminError(reply, 401, 'Missing or invalid admin key; send "Authorization: Bearer <admin key>" (create one with `scimitar admin-keys create`)');
  };
}

export const adminPlugin: FastifyPluginAsync<AdminPluginOptions> = async (fastify, options) => {
  const context: AdminContext = {
    ...options,
    prefix: fastify.prefix,
    origin: (request) => options.publicUrl ?? `${request.protocol}://${request.host}`,
  };
  fastify.setErrorHandler(adminErrorHandler);
  fastify.setNotFoundHandler(async (request, reply) => sendAdminError(reply, 404, `No admin API endpoint at ${request.method} ${clientPathOf(request)}; see GET /admin/v1/openapi.json`));

  const routes = adminRoutes(context);
  for (const route of routes.filter((candidate) => !candidate.authenticated)) register(fastify, route);

  // The authenticated routes live in a child context, so the hook cannot reach the public document.
  await fastify.register(async (authenticated) => {
    authenticated.addHook('onRequest', adminKeyAuthentication(options, 'admin'));
    for (const route of routes.filter((candidate) => candidate.authenticated)) register(authenticated, route);
  });
};
