/**
 * One admin API route as data: Fastify registers it and the OpenAPI
 * document describes it, both from this one object, so the two cannot
 * drift apart.
 */
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { JsonSchema } from './schemas.js';

export interface AdminRouteSchema {
  readonly params?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly body?: JsonSchema;
  /** By status code; 204 maps to null (no body). */
  readonly response: Readonly<Record<number, JsonSchema | null>>;
}

export interface AdminRoute {
  readonly method: Extract<HTTPMethods, 'GET' | 'POST' | 'PATCH' | 'DELETE'>;
  /** Relative to /admin/v1, Fastify syntax (`/tenants/:tenant`). */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'Tenants' | 'Tokens' | 'Directory' | 'Documentation' | 'Events' | 'Webhooks' | 'Consumers' | 'Requests' | 'Reports' | 'Roles' | 'Deletions' | 'Schemas' | 'Setup links';
  /**
   * A streamed answer that is not JSON (a report as CSV or JSON Lines):
   * its status maps to null in `schema.response` (no serializer) and this
   * says what the OpenAPI document lists for it.
   */
  readonly streamed?: {
    readonly status: number;
    readonly content: Readonly<Record<string, { readonly schema: JsonSchema }>>;
    readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
  };
  /** false only for the OpenAPI document itself. */
  readonly authenticated: boolean;
  readonly schema: AdminRouteSchema;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly handler: (request: FastifyRequest<any>, reply: FastifyReply) => Promise<unknown>;
}
