/** /admin/v1/tenant-health and /admin/v1/tenants/{tenant}/health: tenants' health at a glance. */
import type { FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { tenantHealthListSchema, tenantHealthSchema } from '../health-schemas.js';
import { errorSchema } from '../schemas.js';
import { tenantHealthView } from '../views.js';
import { tenantParamsSchema } from './tenant-routes.js';

export function healthRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'GET',
      url: '/tenant-health',
      operationId: 'listTenantHealth',
      summary: "Every tenant's health: last request and identity provider, errors of the last 24 hours, directory size, what waits",
      description: 'Ordered by tenant id. Each fact is read once for all tenants, so this stays cheap with many tenants.',
      tag: 'Tenants',
      authenticated: true,
      schema: { response: { 200: tenantHealthListSchema } },
      handler: async () => ({ tenants: (await context.tenantHealth.forAllTenants()).map(tenantHealthView) }),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/health',
      operationId: 'getTenantHealth',
      summary: "A tenant's health: last request and identity provider, errors of the last 24 hours, directory size, what waits",
      tag: 'Tenants',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: tenantHealthSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string } }>) => tenantHealthView(await context.tenantHealth.forTenant(request.params.tenant)),
    },
  ];
}
