/**
 * The OAuth 2.0 token endpoint (RFC 6749 §3.2, client credentials grant
 * §4.4) as one encapsulated Fastify plugin, mounted beside each SCIM root:
 * /t/{tenant}/oauth/token for a tenant's clients, /oauth/token where the
 * client alone decides the tenant (as the token does on /scim/v2).
 *
 * Its context has its own body parser (the body is read as text, whatever
 * its type, so a JSON body is answered `invalid_request`, not 415) and its
 * own error handler: every answer is RFC 6749 §5.1 / §5.2 JSON with
 * `Cache-Control: no-store` and `Pragma: no-cache`. Failed client
 * authentication counts in the same throttle as failed bearer tokens, so
 * guessing is no cheaper here than on the SCIM API.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthFailureThrottle } from '../../auth/failure-throttle.js';
import { NO_OBSERVER, type RequestObserver } from '../../metrics/observers.js';
import { clientUrlOf } from '../client-url.js';
import { OAuthError } from '../../oauth/oauth-error.js';
import type { TokenIssuer } from '../../oauth/token-issuer.js';
import { readTokenRequest, usesBasic } from '../../oauth/token-request.js';
import type { AuthFailureReason } from '../../request-log/entry.js';
import type { RequestLogRecorder } from '../../request-log/recorder.js';
import { isStoreUnavailable, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../store/store-unavailable.js';
import type { TenantRateLimiter } from '../../tenancy/tenant-rate-limiter.js';
import { TENANT_PARAM } from '../../tenancy/tenant-urls.js';

/** A token request is a few short parameters; anything larger is not one. */
const TOKEN_REQUEST_BODY_LIMIT = 16 * 1024;

export interface TokenEndpointOptions {
  readonly issuer: TokenIssuer;
  /** The SCIM API's throttle, shared: an address's failures count together on both. */
  readonly authFailures: AuthFailureThrottle;
  /** The SCIM API's per-tenant request rate, shared: a tenant's token requests and SCIM requests draw on one budget. */
  readonly rateLimiter: TenantRateLimiter;
  readonly requestLog?: { readonly recorder: RequestLogRecorder; readonly unattributedTenantId: string };
  readonly observer?: RequestObserver;
}

/** What the request log keeps of a token request: never the secret or the token. */
interface TokenRequestNote {
  tenantId: string | undefined;
  authFailure: AuthFailureReason | undefined;
  loggedBody: Record<string, string> | undefined;
  loggedResponse: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    oauthNote: TokenRequestNote | undefined;
  }
}

function seconds(count: number): string {
  return `${count} second${count === 1 ? '' : 's'}`;
}

/** RFC 6749 §5.1: "The authorization server MUST include the HTTP Cache-Control response header field with a value of no-store … as well as the Pragma response header field with a value of no-cache." */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
}

function sendOAuthJson(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return noStore(reply).code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function sendOAuthError(request: FastifyRequest, reply: FastifyReply, error: OAuthError): FastifyReply {
  // RFC 9110 §15.5.2: a 401 carries a challenge; RFC 6749 §5.2 names Basic when the client used it. Sent on
  // every invalid_client, since clients that sent the secret in the body ignore it.
  if (error.status === 401) reply.header('WWW-Authenticate', 'Basic realm="scimitar", charset="UTF-8"');
  const note = request.oauthNote;
  const body = error.body();
  if (note !== undefined) note.loggedResponse = JSON.stringify(body);
  return sendOAuthJson(reply, error.status, body);
}

/** The form's parameters the log may keep: the secret never, whatever its name's case. */
function loggableForm(body: string): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === 'grant_type' || name === 'client_id' || name === 'scope') kept[name] = value.slice(0, 200);
  }
  return kept;
}

export const tokenEndpointPlugin: FastifyPluginAsync<TokenEndpointOptions> = async (fastify, options) => {
  const addressedByTenant = fastify.prefix.split('/').includes(`:${TENANT_PARAM}`);
  const urlTenant = (request: FastifyRequest): string | undefined =>
    addressedByTenant ? String((request.params as Record<string, unknown>)[TENANT_PARAM] ?? '') : undefined;
  // The same keys as the SCIM plugin's: failures on a tenant's token endpoint and its SCIM URL count together.
  const failureUrlKey = (tenantInUrl: string | undefined): string => (tenantInUrl === undefined ? fastify.prefix : `tenant:${tenantInUrl}`);
  const observer = options.observer ?? NO_OBSERVER;

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: TOKEN_REQUEST_BODY_LIMIT }, (_request, body, done) => {
    done(null, typeof body === 'string' ? body : body.toString('utf8'));
  });
  fastify.decorateRequest('oauthNote', undefined);

  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof OAuthError) return sendOAuthError(request, reply, error);
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error.cause ?? error }, 'the database is unreachable; the token request was answered 503');
      reply.header('Retry-After', String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
      return sendOAuthJson(reply, 503, { error: 'temporarily_unavailable', error_description: 'The server cannot reach its database; retry shortly' });
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const description = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'The token request body is too large' : 'The token request could not be read';
      return sendOAuthError(request, reply, new OAuthError('invalid_request', description));
    }
    request.log.error({ err: error }, 'unexpected error while issuing an access token');
    return sendOAuthJson(reply, 500, { error: 'server_error', error_description: 'An unexpected error occurred on the server; it has been logged' });
  });

  if (options.requestLog !== undefined && options.requestLog.recorder.enabled) {
    const { recorder, unattributedTenantId } = options.requestLog;
    fastify.addHook('onResponse', async (request, reply) => {
      const note = request.oauthNote;
      recorder.record({
        tenantId: note?.tenantId ?? urlTenant(request) ?? unattributedTenantId,
        receivedAt: Date.now() - reply.elapsedTime,
        requestId: request.id,
        method: request.method,
        url: clientUrlOf(request),
        status: reply.statusCode,
        latencyMs: reply.elapsedTime,
        clientAddress: request.ip,
        userAgent: request.headers['user-agent'],
        resourceId: undefined,
        authFailure: note?.authFailure,
        requestBody: note?.loggedBody,
        requestBodyBytes: 0,
        responseBody: note?.loggedResponse,
      });
    });
  }

  fastify.route({
    method: 'POST',
    url: '/token',
    handler: async (request, reply) => {
      const tenantInUrl = urlTenant(request);
      const note: TokenRequestNote = { tenantId: tenantInUrl, authFailure: undefined, loggedBody: undefined, loggedResponse: undefined };
      request.oauthNote = note;
      const throttled = options.authFailures.addressRetryAfter(request.ip);
      if (throttled !== undefined) {
        note.authFailure = 'throttled';
        observer.rateLimited('scim', 'auth_failures');
        reply.header('Retry-After', String(throttled));
        const body = { error: 'temporarily_unavailable', error_description: `Too many failed authentication attempts; retry after ${seconds(throttled)}` };
        note.loggedResponse = JSON.stringify(body);
        return sendOAuthJson(reply, 429, body);
      }
      const text = typeof request.body === 'string' ? request.body : '';
      note.loggedBody = loggableForm(text);
      try {
        const tokenRequest = readTokenRequest(request.headers['content-type'], text, request.headers.authorization);
        const authenticated = await options.issuer.authenticate(tokenRequest, tenantInUrl);
        note.tenantId = authenticated.client.tenantId;
        // The tenant's request rate covers token requests too: each issues a row, and a client asking
        // in a loop must not fill the table faster than the hourly purge empties it.
        const wait = options.rateLimiter.take(authenticated.client.tenantId);
        if (wait !== undefined) {
          observer.rateLimited('scim', 'tenant_rate');
          reply.header('Retry-After', String(wait));
          const body = { error: 'temporarily_unavailable', error_description: `This tenant's request rate limit is exceeded; retry after ${seconds(wait)}` };
          note.loggedResponse = JSON.stringify(body);
          return sendOAuthJson(reply, 429, body);
        }
        const issued = await options.issuer.issue(authenticated);
        const { access_token: _secret, ...shown } = issued.response;
        note.loggedResponse = JSON.stringify(shown);
        return sendOAuthJson(reply, 200, { ...issued.response });
      } catch (error) {
        if (!(error instanceof OAuthError) || error.authFailure === undefined) throw error;
        note.authFailure = error.authFailure;
        note.tenantId = error.tenantId ?? tenantInUrl;
        observer.authFailed('scim', error.authFailure);
        // As on the SCIM API: a request that presented no credentials is not a guess.
        const presented = error.authFailure !== 'missing' || usesBasic(request.headers.authorization);
        if (presented) {
          const retryAfter = options.authFailures.recordFailure(request.ip, failureUrlKey(tenantInUrl));
          if (retryAfter !== undefined) {
            observer.rateLimited('scim', 'auth_failures');
            reply.header('Retry-After', String(retryAfter));
            const body = { error: 'temporarily_unavailable', error_description: `Too many failed authentication attempts; retry after ${seconds(retryAfter)}` };
            note.loggedResponse = JSON.stringify(body);
            return sendOAuthJson(reply, 429, body);
          }
        }
        throw error;
      }
    },
  });
  fastify.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/token',
    handler: async (request, reply) => {
      reply.header('Allow', 'POST');
      request.oauthNote = { tenantId: urlTenant(request), authFailure: undefined, loggedBody: undefined, loggedResponse: undefined };
      const error = new OAuthError('invalid_request', `${request.method} is not allowed: send the token request as POST (RFC 6749 §3.2)`);
      request.oauthNote.loggedResponse = JSON.stringify(error.body());
      return sendOAuthJson(reply, 405, error.body());
    },
  });
};
