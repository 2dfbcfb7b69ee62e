/** /admin/v1/tenants/{tenant}/tokens: create, list, revoke, rotate. */
import type { FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { createTokenBodySchema, errorSchema, issuedTokenSchema, rotatedTokenSchema, rotateTokenBodySchema, tenantIdSchema, tokenListSchema, tokenSchema } from '../schemas.js';
import { issuedTokenView, rotatedTokenView, tokenView } from '../views.js';
import { tenantParamsSchema } from './tenant-routes.js';

const tokenParamsSchema = {
  type: 'object',
  required: ['tenant', 'tokenId'],
  properties: { tenant: tenantIdSchema, tokenId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

type TokenRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string; tokenId: string }; Body: Body }>;

function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}

export function tokenRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'POST',
      url: '/tenants/:tenant/tokens',
      operationId: 'createToken',
      summary: 'Create a bearer token for a tenant',
      description: 'The token is shown only in this response; only a keyed hash is stored.',
      tag: 'Tokens',
      authenticated: true,
      schema: { params: tenantParamsSchema, body: createTokenBodySchema, response: { 201: issuedTokenSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string }; Body: { name?: string; expiresAt?: string } }>, reply) => {
        const body = request.body;
        const issued = await context.tokens.create(request.params.tenant, { name: body.name ?? 'api token', expiresAt: optionalDate(body.expiresAt) });
        return reply.code(201).send(issuedTokenView(issued));
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/tokens',
      operationId: 'listTokens',
      summary: "List a tenant's tokens (never their secrets)",
      tag: 'Tokens',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: tokenListSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string } }>) => ({
        tokens: (await context.tokens.list(request.params.tenant)).map(tokenView),
      }),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/tokens/:tokenId/revoke',
      operationId: 'revokeToken',
      summary: 'Revoke a token: refused from the next request on',
      tag: 'Tokens',
      authenticated: true,
      schema: { params: tokenParamsSchema, response: { 200: tokenSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: TokenRequest) => tokenView(await context.tokens.revoke(request.params.tenant, request.params.tokenId)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/tokens/:tokenId/rotate',
      operationId: 'rotateToken',
      summary: 'Rotate a token: a successor now, the old token keeps working for an overlap',
      description:
        'Creates a successor with the same name and sets the old token to expire after overlapSeconds (never later than it already would), so the identity provider can be reconfigured without a failed request.',
      tag: 'Tokens',
      authenticated: true,
      schema: { params: tokenParamsSchema, body: rotateTokenBodySchema, response: { 201: rotatedTokenSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: TokenRequest<{ overlapSeconds?: number; expiresAt?: string }>, reply) => {
        const body = request.body;
        const rotated = await context.tokens.rotate(request.params.tenant, request.params.tokenId, {
          overlapMs: (body.overlapSeconds ?? 86_400) * 1000,
          expiresAt: optionalDate(body.expiresAt),
        });
        return reply.code(201).send(rotatedTokenView(rotated));
      },
    },
  ];
}
