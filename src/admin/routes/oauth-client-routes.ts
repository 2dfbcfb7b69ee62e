/** /admin/v1/tenants/{tenant}/oauth-clients: create, list, rotate the secret, revoke. */
import type { FastifyRequest } from 'fastify';
import { tenantTokenEndpointUrl } from '../../tenancy/tenant-urls.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import {
  createOAuthClientBodySchema,
  errorSchema,
  issuedOAuthClientSchema,
  oauthClientListSchema,
  oauthClientSchema,
  rotateOAuthClientBodySchema,
  tenantIdSchema,
} from '../schemas.js';
import { issuedOAuthClientView, oauthClientView } from '../views.js';
import { tenantParamsSchema } from './tenant-routes.js';

const clientParamsSchema = {
  type: 'object',
  required: ['tenant', 'clientId'],
  properties: { tenant: tenantIdSchema, clientId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

type ClientRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string; clientId: string }; Body: Body }>;

export function oauthClientRoutes(context: AdminContext): AdminRoute[] {
  const tokenEndpoint = (request: FastifyRequest, tenantId: string): string => tenantTokenEndpointUrl(context.origin(request), tenantId);
  return [
    {
      method: 'POST',
      url: '/tenants/:tenant/oauth-clients',
      operationId: 'createOAuthClient',
      summary: 'Create an OAuth 2.0 client (client id and secret) for a tenant',
      description: 'The secret is shown only in this response; only a keyed hash is stored. The identity provider exchanges the id and secret at tokenEndpoint for access tokens (client credentials grant).',
      tag: 'OAuth clients',
      authenticated: true,
      schema: { params: tenantParamsSchema, body: createOAuthClientBodySchema, response: { 201: issuedOAuthClientSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string }; Body: { name?: string } }>, reply) => {
        const issued = await context.oauthClients.create(request.params.tenant, { name: request.body.name ?? 'oauth client' });
        return reply.code(201).send(issuedOAuthClientView(issued, tokenEndpoint(request, request.params.tenant)));
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/oauth-clients',
      operationId: 'listOAuthClients',
      summary: "List a tenant's OAuth clients (never their secrets)",
      tag: 'OAuth clients',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: oauthClientListSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string } }>) => ({
        clients: (await context.oauthClients.list(request.params.tenant)).map((client) => oauthClientView(client, tokenEndpoint(request, request.params.tenant))),
      }),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/oauth-clients/:clientId/rotate',
      operationId: 'rotateOAuthClient',
      summary: "Rotate a client's secret: a new secret now, the previous ones keep working for an overlap",
      description:
        'The client id stays. The previous secrets, and the access tokens they issued, stop after overlapSeconds (never later than they already would); 0 stops them at once, on every instance.',
      tag: 'OAuth clients',
      authenticated: true,
      schema: { params: clientParamsSchema, body: rotateOAuthClientBodySchema, response: { 201: issuedOAuthClientSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: ClientRequest<{ overlapSeconds?: number }>, reply) => {
        const rotated = await context.oauthClients.rotate(request.params.tenant, request.params.clientId, { overlapMs: (request.body.overlapSeconds ?? 86_400) * 1000 });
        return reply.code(201).send(issuedOAuthClientView(rotated, tokenEndpoint(request, request.params.tenant)));
      },
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/oauth-clients/:clientId/revoke',
      operationId: 'revokeOAuthClient',
      summary: 'Revoke a client: its secrets and every access token it was issued are refused from the next request on',
      tag: 'OAuth clients',
      authenticated: true,
      schema: { params: clientParamsSchema, response: { 200: oauthClientSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: ClientRequest) =>
        oauthClientView(await context.oauthClients.revoke(request.params.tenant, request.params.clientId), tokenEndpoint(request, request.params.tenant)),
    },
  ];
}
