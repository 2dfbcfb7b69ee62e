/** /admin/v1/tenants: create (with a first token), list, show, delete. */
import type { FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { createdTenantSchema, createTenantBodySchema, errorSchema, tenantDetailsSchema, tenantIdSchema, tenantListSchema } from '../schemas.js';
import { createdTenantView, tenantDetailsView, tenantView } from '../views.js';

export const tenantParamsSchema = { type: 'object', required: ['tenant'], properties: { tenant: tenantIdSchema } } as const;

type TenantRequest = FastifyRequest<{ Params: { tenant: string } }>;

export function tenantRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'POST',
      url: '/tenants',
      operationId: 'createTenant',
      summary: 'Create a tenant and its first bearer token',
      description: 'Returns the SCIM base URL and a bearer token to configure in the customer identity provider. The token is shown only in this response.',
      tag: 'Tenants',
      authenticated: true,
      schema: { body: createTenantBodySchema, response: { 201: createdTenantSchema, 400: errorSchema, 401: errorSchema, 409: errorSchema } },
      handler: async (request: FastifyRequest<{ Body: { id: string; name?: string; tokenName?: string } }>, reply) => {
        const created = await context.tenants.create(request.body.id, { name: request.body.name, tokenName: request.body.tokenName });
        return reply.code(201).send(createdTenantView(created, context.origin(request)));
      },
    },
    {
      method: 'GET',
      url: '/tenants',
      operationId: 'listTenants',
      summary: 'List all tenants, ordered by id',
      tag: 'Tenants',
      authenticated: true,
      schema: { response: { 200: tenantListSchema, 401: errorSchema } },
      handler: async (request) => {
        const origin = context.origin(request);
        return { tenants: (await context.tenants.list()).map((tenant) => tenantView(tenant, origin)) };
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant',
      operationId: 'getTenant',
      summary: 'Show a tenant: its SCIM base URL, how many users and groups it holds, and its tokens',
      tag: 'Tenants',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: tenantDetailsSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: TenantRequest) => tenantDetailsView(await context.tenants.show(request.params.tenant), context.origin(request)),
    },
    {
      method: 'DELETE',
      url: '/tenants/:tenant',
      operationId: 'deleteTenant',
      summary: 'Delete a tenant with all its users, groups and tokens',
      description: 'Irreversible. The default tenant cannot be deleted.',
      tag: 'Tenants',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 204: null, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: TenantRequest, reply) => {
        await context.tenants.delete(request.params.tenant);
        return reply.code(204).send();
      },
    },
  ];
}
