/**
 * Hands every SCIM request to the request log once its response is sent
 * (onResponse: the client already has its answer). The hooks only keep
 * references — the parsed body, the response text — and the recorder does
 * the rest later, in batches (src/request-log/recorder.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthFailureReason } from '../../request-log/entry.js';
import { keepsResponseBody, type RequestLogRecorder } from '../../request-log/recorder.js';
import { clientUrlOf } from '../client-url.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why authentication failed, and whose log the failure goes to; set by the SCIM auth hook. */
    scimAuthFailure: { readonly reason: AuthFailureReason; readonly tenantId: string | undefined } | undefined;
    /** The response text as sent (or 'streamed'), kept for the request log. */
    scimResponseBody: string | 'streamed' | undefined;
  }
}

export interface RequestLogHookOptions {
  readonly recorder: RequestLogRecorder;
  /** Where a failure that names no tenant (an unknown token on /scim/v2) is recorded: the default tenant. */
  readonly unattributedTenantId: string;
}

/** The resource a request touched: the id in its URL, or the one a create answered with (its Location). */
function resourceIdOf(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const id = (request.params as Record<string, unknown> | undefined)?.['id'];
  if (typeof id === 'string' && id !== '') return id;
  if (reply.statusCode !== 201) return undefined;
  const location = reply.getHeader('location');
  if (typeof location !== 'string') return undefined;
  const last = location.slice(location.lastIndexOf('/') + 1);
  return last === '' ? undefined : decodeURIComponent(last);
}

export function registerRequestLogHooks(fastify: FastifyInstance, options: RequestLogHookOptions, urlTenant: (request: FastifyRequest) => string | undefined): void {
  const { recorder } = options;
  if (!recorder.enabled) return;
  fastify.decorateRequest('scimAuthFailure', undefined);
  fastify.decorateRequest('scimResponseBody', undefined);

  // Both hooks take Fastify's callback form: they never wait for anything, and an async hook
  // would cost every request a promise (and its async-context bookkeeping) per hook.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    // A successful read's answer is not kept (see RequestLogRecorder.responseBodyOf); not even
    // referenced, so it does not outlive the request until the next flush (and the young generation).
    if (keepsResponseBody(request.method, reply.statusCode)) {
      request.scimResponseBody = typeof payload === 'string' ? payload : payload === null || payload === undefined ? undefined : 'streamed';
    }
    done(null, payload);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const failure = request.scimAuthFailure;
    const tenantId = request.scimClient?.tenantId ?? failure?.tenantId ?? urlTenant(request) ?? options.unattributedTenantId;
    const declaredLength = Number(request.headers['content-length']);
    recorder.record({
      tenantId,
      receivedAt: Date.now() - reply.elapsedTime,
      requestId: request.id,
      method: request.method,
      // What the identity provider sent, mount path included when an app serves the API (src/embedding).
      url: clientUrlOf(request),
      status: reply.statusCode,
      latencyMs: reply.elapsedTime,
      clientAddress: request.ip,
      userAgent: request.headers['user-agent'],
      resourceId: resourceIdOf(request, reply),
      authFailure: failure?.reason,
      requestBody: request.body,
      requestBodyBytes: Number.isFinite(declaredLength) ? declaredLength : 0,
      responseBody: request.scimResponseBody,
    });
    done();
  });
}
