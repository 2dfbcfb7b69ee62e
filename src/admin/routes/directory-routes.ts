/**
 * Read-only views of a tenant's resources, one collection per resource type
 * (/tenants/{tenant}/users, …/groups, …), through the same
 * ResourceService and list parsing as the SCIM API: same filters, paging
 * and representations (meta.location points at the tenant's SCIM URL).
 */
import type { FastifyRequest } from 'fastify';
import { listResponse, parseListQuery, parseProjectionQuery } from '../../core/list/index.js';
import type { ResourceTypeFacts } from '../../core/schema/resource-types.js';
import { tenantScimBaseUrl } from '../../tenancy/tenant-urls.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema, scimListQuerySchema, scimListSchema, scimProjectionQuerySchema, scimResourceSchema, tenantIdSchema } from '../schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

const resourceParamsSchema = {
  type: 'object',
  required: ['tenant', 'id'],
  properties: { tenant: tenantIdSchema, id: { type: 'string', minLength: 1 } },
} as const;

type ListRequest = FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, unknown> }>;
type ResourceRequest = FastifyRequest<{ Params: { tenant: string; id: string }; Querystring: Record<string, unknown> }>;

function resourceRoutes(context: AdminContext, facts: ResourceTypeFacts): AdminRoute[] {
  const type = facts.name;
  const segment = facts.collection;
  const plural = `${type}s`;
  const requestContext = (request: FastifyRequest, tenantId: string) => ({ tenantId, baseUrl: tenantScimBaseUrl(context.origin(request), tenantId) });
  return [
    {
      method: 'GET',
      url: `/tenants/:tenant/${segment}`,
      operationId: `list${plural}`,
      summary: `List a tenant's ${plural}, with SCIM filter, sorting and paging`,
      tag: 'Directory',
      authenticated: true,
      schema: { params: tenantParamsSchema, querystring: scimListQuerySchema, response: { 200: scimListSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: ListRequest) => {
        await context.tenants.get(request.params.tenant);
        const listRequest = parseListQuery(request.query, await context.resources.schemasFor(request.params.tenant, type), context.list);
        const page = await context.resources.list(requestContext(request, request.params.tenant), type, listRequest);
        return listResponse(page.resources, page.totalResults, listRequest.startIndex);
      },
    },
    {
      method: 'GET',
      url: `/tenants/:tenant/${segment}/:id`,
      operationId: `get${type}`,
      summary: `Show one of a tenant's ${plural}`,
      tag: 'Directory',
      authenticated: true,
      schema: { params: resourceParamsSchema, querystring: scimProjectionQuerySchema, response: { 200: scimResourceSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: ResourceRequest) => {
        await context.tenants.get(request.params.tenant);
        const projection = parseProjectionQuery(request.query, await context.resources.schemasFor(request.params.tenant, type));
        return (await context.resources.get(requestContext(request, request.params.tenant), type, request.params.id, projection)).resource;
      },
    },
  ];
}

export function directoryRoutes(context: AdminContext): AdminRoute[] {
  return context.resources.resourceTypes.all.flatMap((facts) => resourceRoutes(context, facts));
}
