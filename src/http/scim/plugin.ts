/**
 * The SCIM 2.0 HTTP adapter as one encapsulated Fastify plugin: its own
 * error handler (SCIM envelope), its own body parser, bearer authentication
 * as a hook, and 404/405 answered as SCIM errors. An existing Fastify app
 * can mount it under any prefix.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ServiceProviderSettings } from '../../core/discovery/index.js';
import type { ListSettings } from '../../core/list/index.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { AuthenticatedClient, TokenAuthenticator } from '../../auth/tokens.js';
import type { ResourceService } from '../../services/resources/resource-service.js';
import { scimBaseUrl } from './base-url.js';
import { scimErrorHandler, sendScimError } from './errors.js';
import { ACCEPTED_REQUEST_TYPES } from './media.js';
import { registerDiscoveryRoutes } from './routes/discovery.js';
import { registerResourceRoutes } from './routes/resources.js';
import { registerRootSearchRoute } from './routes/root-search.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated SCIM client (tenant and token); set by the SCIM context's auth hook. */
    scimClient: AuthenticatedClient | undefined;
  }
}

export interface ScimPluginOptions {
  readonly resources: ResourceService;
  readonly registry: SchemaRegistry;
  readonly authenticator: TokenAuthenticator;
  readonly serviceProvider: ServiceProviderSettings;
  readonly list: ListSettings;
  /** Configured public URL (no trailing slash); undefined → derived from each request. */
  readonly publicUrl: string | undefined;
  /**
   * What a Group PATCH answers when the client does not say (RFC 7644 §3.5.2
   * allows 200 with the resource or 204). Default 'no-content': returning
   * 100,000 members after every member add would make its cost grow with the
   * group, and identity providers expect 204 for groups.
   */
  readonly groupPatchResponse?: 'no-content' | 'resource';
}

/** What the route modules need from the plugin. */
export interface ScimRouteContext {
  readonly options: ScimPluginOptions;
  baseUrl(request: FastifyRequest): string;
  tenantId(request: FastifyRequest): string;
}

const ALL_METHODS: readonly HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Answers the methods a path does not support with 405 and an Allow header (RFC 9110 §15.5.6). */
export function registerMethodNotAllowed(fastify: FastifyInstance, url: string, allowed: readonly HTTPMethods[]): void {
  const others = ALL_METHODS.filter((method) => !allowed.includes(method));
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
  fastify.route({
    method: others as HTTPMethods[],
    url,
    handler: async (request, reply) => {
      reply.header('Allow', allow);
      return sendScimError(reply, scimErrors.methodNotAllowed(`${request.method} is not allowed on ${url}; allowed: ${allow}`));
    },
  });
}

export const scimPlugin: FastifyPluginAsync<ScimPluginOptions> = async (fastify, options) => {
  const prefix = fastify.prefix;
  const context: ScimRouteContext = {
    options,
    baseUrl: (request) => scimBaseUrl(request, options.publicUrl, prefix),
    tenantId: (request) => {
      if (!request.scimClient) throw new TypeError('SCIM route reached without an authenticated client');
      return request.scimClient.tenantId;
    },
  };

  fastify.setErrorHandler(scimErrorHandler);

  // Our own parser for both media types: secure JSON parsing (prototype
  // poisoning refused) and an empty body read as "no body", because some
  // clients send Content-Type on DELETE and GET.
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser([...ACCEPTED_REQUEST_TYPES], { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  fastify.decorateRequest('scimClient', undefined);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const client = await options.authenticator.authenticate(request.headers.authorization);
    if (!client) {
      return sendScimError(reply, scimErrors.unauthorized('Missing or invalid bearer token; send "Authorization: Bearer <token>"'));
    }
    request.scimClient = client;
    return undefined;
  });

  fastify.setNotFoundHandler(async (request, reply) =>
    sendScimError(reply, scimErrors.notFound(`No SCIM endpoint at ${request.method} ${request.url.split('?')[0]}`)),
  );

  registerResourceRoutes(fastify, context, 'User', '/Users');
  registerResourceRoutes(fastify, context, 'Group', '/Groups');
  registerRootSearchRoute(fastify, context);
  registerDiscoveryRoutes(fastify, context);

  // RFC 7644 §3.11: /Me is optional; we have no notion of "the subject behind the token" as a User.
  const meHandler = async (_request: FastifyRequest, reply: FastifyReply) =>
    sendScimError(reply, scimErrors.notImplemented('/Me is not supported: tokens authenticate an identity provider, not a User'));
  fastify.route({ method: [...ALL_METHODS], url: '/Me', handler: meHandler });
  fastify.route({ method: [...ALL_METHODS], url: '/Me/*', handler: meHandler });

  // Bulk arrives with its own issue; until then it is advertised as unsupported and answered 501.
  const bulkHandler = async (_request: FastifyRequest, reply: FastifyReply) =>
    sendScimError(reply, scimErrors.notImplemented('Bulk operations are not supported by this server (ServiceProviderConfig bulk.supported is false)'));
  fastify.route({ method: [...ALL_METHODS], url: '/Bulk', handler: bulkHandler });
};
