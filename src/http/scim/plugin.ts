/**
 * The SCIM 2.0 HTTP adapter as one encapsulated Fastify plugin: its own
 * error handler (SCIM envelope), its own body parser, bearer authentication
 * as a hook, and 404/405 answered as SCIM errors. An existing Fastify app
 * can mount it under any prefix.
 *
 * Tenancy: the token decides the tenant. A prefix with a `:tenant` segment
 * (/t/:tenant/scim/v2) additionally names one in the URL, and a token of
 * another tenant there is refused exactly like a wrong token, so the answer
 * never tells whether the named tenant exists. The same plugin serves both
 * prefixes: one code path.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ServiceProviderSettings } from '../../core/discovery/index.js';
import type { ListSettings } from '../../core/list/index.js';
import type { AuthFailureThrottle } from '../../auth/failure-throttle.js';
import type { AuthenticatedClient, TokenAuthenticator } from '../../auth/tokens.js';
import type { RequestContext, ResourceService } from '../../services/resources/resource-service.js';
import type { TenantRateLimiter } from '../../tenancy/tenant-rate-limiter.js';
import { NO_OBSERVER, type RequestObserver } from '../../metrics/observers.js';
import { TENANT_PARAM } from '../../tenancy/tenant-urls.js';
import type { AuthFailureReason } from '../../request-log/entry.js';
import { clientPathOf } from '../client-url.js';
import { scimBaseUrl } from './base-url.js';
import { registerRequestLogHooks, type RequestLogHookOptions } from './request-log-hooks.js';
import { scimErrorHandler, sendScimError } from './errors.js';
import { ACCEPTED_REQUEST_TYPES } from './media.js';
import { registerBulkRoute, type ScimBulkOptions } from './routes/bulk.js';
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
  /** The SCIM operations; they also resolve each request's schemas (for its tenant), discovery included. */
  readonly resources: ResourceService;
  readonly authenticator: TokenAuthenticator;
  /** Shared by every mount of the plugin, so both URLs of a tenant count together. */
  readonly authFailures: AuthFailureThrottle;
  readonly rateLimiter: TenantRateLimiter;
  readonly serviceProvider: ServiceProviderSettings;
  readonly list: ListSettings;
  /** Configured public URL (no trailing slash); undefined → derived from each request. */
  readonly publicUrl: string | undefined;
  /**
   * What a PATCH of a resource holding members (a Group) answers when the
   * client does not say (RFC 7644 §3.5.2 allows 200 with the resource or
   * 204). Default 'no-content': returning 100,000 members after every member
   * add would make its cost grow with the group, and identity providers
   * expect 204 for groups.
   */
  readonly groupPatchResponse?: 'no-content' | 'resource';
  /** The per-tenant request log; left out, requests are not recorded. */
  readonly requestLog?: RequestLogHookOptions;
  /** Told of refused credentials and rate-limited requests (metrics); default: nobody. */
  readonly observer?: RequestObserver;
  /** SCIM Bulk (RFC 7644 §3.7); left out, /Bulk answers 501 and ServiceProviderConfig should say bulk.supported false. */
  readonly bulk?: ScimBulkOptions;
  /**
   * The largest request body, in bytes (default: the Fastify instance's). Set
   * when the plugin is mounted in another app, whose own limit is made for
   * its own routes, not for a SCIM PUT of a large group.
   */
  readonly bodyLimit?: number;
  /**
   * The path of the SCIM root as the client wrote it, when it is not this
   * mount's prefix: a handler mounted by another framework (src/embedding)
   * serves a path of that framework's choosing. Default: the prefix.
   */
  readonly clientPrefix?: (request: FastifyRequest) => string | undefined;
}

/** What the route modules need from the plugin. */
export interface ScimRouteContext {
  readonly options: ScimPluginOptions;
  baseUrl(request: FastifyRequest): string;
  tenantId(request: FastifyRequest): string;
  /** What the services need of the request: tenant, SCIM root and request id (which the change's events carry). */
  requestContext(request: FastifyRequest): RequestContext;
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

const UNAUTHORIZED_DETAIL = 'Missing or invalid bearer token; send "Authorization: Bearer <token>"';

function seconds(count: number): string {
  return `${count} second${count === 1 ? '' : 's'}`;
}

/** 429 with Retry-After in whole seconds (RFC 9110 §10.2.3), the form identity providers honour. */
function sendTooManyRequests(reply: FastifyReply, retryAfterSeconds: number, detail: string): FastifyReply {
  reply.header('Retry-After', String(retryAfterSeconds));
  return sendScimError(reply, scimErrors.tooManyRequests(detail));
}

/** Adds the tenant to the request's log bindings (pino's setBindings; a child logger for a logger without it). */
function bindTenant(request: FastifyRequest, reply: FastifyReply, tenantId: string): void {
  const log = request.log as FastifyBaseLogger & { setBindings?: (bindings: Record<string, unknown>) => void };
  if (typeof log.setBindings === 'function') {
    log.setBindings({ tenant: tenantId });
    return;
  }
  const child = request.log.child({ tenant: tenantId });
  request.log = child;
  reply.log = child;
}

export const scimPlugin: FastifyPluginAsync<ScimPluginOptions> = async (fastify, options) => {
  const prefix = fastify.prefix;
  const tenantSegment = `:${TENANT_PARAM}`;
  const addressedByTenant = prefix.split('/').includes(tenantSegment);
  /** The tenant the URL names, if this mount has one in its prefix. */
  const urlTenant = (request: FastifyRequest): string | undefined =>
    addressedByTenant ? String((request.params as Record<string, unknown>)[TENANT_PARAM] ?? '') : undefined;
  /**
   * What failed authentications are counted against besides the address:
   * the tenant's URL, or this mount's own when the token alone chooses the
   * tenant. The two forms cannot collide: a mount prefix starts with a slash.
   */
  const failureUrlKey = (tenantInUrl: string | undefined): string => (tenantInUrl === undefined ? prefix : `tenant:${tenantInUrl}`);
  const context: ScimRouteContext = {
    options,
    // meta.location and $ref use the URL the client used; past authentication the URL's tenant is the token's.
    baseUrl: (request) =>
      scimBaseUrl(
        request,
        options.publicUrl,
        addressedByTenant ? prefix.replace(tenantSegment, encodeURIComponent(context.tenantId(request))) : (options.clientPrefix?.(request) ?? prefix),
      ),
    tenantId: (request) => {
      if (!request.scimClient) throw new TypeError('SCIM route reached without an authenticated client');
      return request.scimClient.tenantId;
    },
    requestContext: (request) => ({ tenantId: context.tenantId(request), baseUrl: context.baseUrl(request), requestId: request.id }),
  };

  fastify.setErrorHandler(scimErrorHandler);

  // Our own parser for both media types: secure JSON parsing (prototype
  // poisoning refused) and an empty body read as "no body", because some
  // clients send Content-Type on DELETE and GET.
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser([...ACCEPTED_REQUEST_TYPES], { parseAs: 'string', ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}) }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  fastify.decorateRequest('scimClient', undefined);
  if (options.requestLog !== undefined) registerRequestLogHooks(fastify, options.requestLog, urlTenant);
  /** Notes why authentication failed, for the request log; the client's answer is the same 401 whatever the reason. */
  const noteFailure = (request: FastifyRequest, reason: AuthFailureReason, tenantId: string | undefined): void => {
    if (options.requestLog?.recorder.enabled === true) request.scimAuthFailure = { reason, tenantId };
  };
  const observer = options.observer ?? NO_OBSERVER;
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const tenantInUrl = urlTenant(request);
    const throttled = options.authFailures.addressRetryAfter(request.ip);
    if (throttled !== undefined) {
      noteFailure(request, 'throttled', tenantInUrl);
      observer.rateLimited('scim', 'auth_failures');
      return sendTooManyRequests(reply, throttled, `Too many failed authentication attempts; retry after ${seconds(throttled)}`);
    }
    const outcome = await options.authenticator.check(request.headers.authorization);
    const client = 'client' in outcome ? outcome.client : undefined;
    if (!client || (tenantInUrl !== undefined && tenantInUrl !== client.tenantId)) {
      // A token of another tenant is logged in the tenant whose URL it was used on.
      if ('failure' in outcome) noteFailure(request, outcome.failure, tenantInUrl ?? outcome.tenantId);
      else noteFailure(request, 'wrong_tenant', tenantInUrl);
      observer.authFailed('scim', 'failure' in outcome ? outcome.failure : 'wrong_tenant');
      // A request without credentials is not a guess; only presented credentials count as failures.
      if (request.headers.authorization !== undefined) {
        const retryAfter = options.authFailures.recordFailure(request.ip, failureUrlKey(tenantInUrl));
        if (retryAfter !== undefined) {
          observer.rateLimited('scim', 'auth_failures');
          return sendTooManyRequests(reply, retryAfter, `Too many failed authentication attempts; retry after ${seconds(retryAfter)}`);
        }
      }
      return sendScimError(reply, scimErrors.unauthorized(UNAUTHORIZED_DETAIL));
    }
    // Every log line of the request from here on names its tenant. The request's logger is
    // already its own child (it carries reqId): adding a binding costs less than another child.
    bindTenant(request, reply, client.tenantId);
    const wait = options.rateLimiter.take(client.tenantId);
    if (wait !== undefined) {
      request.scimClient = client;
      observer.rateLimited('scim', 'tenant_rate');
      return sendTooManyRequests(reply, wait, `This tenant's request rate limit is exceeded; retry after ${seconds(wait)}`);
    }
    request.scimClient = client;
    return undefined;
  });

  fastify.setNotFoundHandler(async (request, reply) =>
    sendScimError(reply, scimErrors.notFound(`No SCIM endpoint at ${request.method} ${clientPathOf(request)}`)),
  );

  for (const resourceType of options.resources.resourceTypes.all) registerResourceRoutes(fastify, context, resourceType.name);
  registerRootSearchRoute(fastify, context);
  registerDiscoveryRoutes(fastify, context);

  // RFC 7644 §3.11: /Me is optional; we have no notion of "the subject behind the token" as a User.
  const meHandler = async (_request: FastifyRequest, reply: FastifyReply) =>
    sendScimError(reply, scimErrors.notImplemented('/Me is not supported: tokens authenticate an identity provider, not a User'));
  fastify.route({ method: [...ALL_METHODS], url: '/Me', handler: meHandler });
  fastify.route({ method: [...ALL_METHODS], url: '/Me/*', handler: meHandler });

  if (options.bulk !== undefined) {
    registerBulkRoute(fastify, context, options.bulk);
  } else {
    // An embedding app that wires no Bulk service keeps the RFC 7644 §3.2 answer for an unsupported operation.
    const bulkHandler = async (_request: FastifyRequest, reply: FastifyReply) =>
      sendScimError(reply, scimErrors.notImplemented('Bulk operations are not supported by this server (ServiceProviderConfig bulk.supported is false)'));
    fastify.route({ method: [...ALL_METHODS], url: '/Bulk', handler: bulkHandler });
  }
};
