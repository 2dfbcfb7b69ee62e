/** /admin/v1/tenants/{tenant}/schemas: the tenant's own extension schemas and its policy for undeclared ones. */
import type { FastifyRequest } from 'fastify';
import type { StoredSchemaDeclaration } from '../../store/schema-declarations.js';
import type { UndeclaredExtensionPolicy } from '../../core/resource/undeclared-extensions.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema, tenantIdSchema } from '../schemas.js';
import {
  declarationBodySchema,
  declarationReportSchema,
  forceQuerySchema,
  schemaSettingsBodySchema,
  tenantSchemasSchema,
} from '../tenant-schema-schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

const schemaParamsSchema = {
  type: 'object',
  required: ['tenant', 'schemaId'],
  properties: { tenant: tenantIdSchema, schemaId: { type: 'string', minLength: 1, maxLength: 1024, description: 'The declared schema URN (URL-encoded or not).' } },
} as const;

type TenantRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string }; Body: Body; Querystring: { force?: boolean } }>;
type SchemaRequest = FastifyRequest<{ Params: { tenant: string; schemaId: string }; Querystring: { force?: boolean } }>;

function declarationView(declaration: StoredSchemaDeclaration): Record<string, unknown> {
  const { schemaId, resourceType, name, description, attributes, updatedAt } = declaration;
  return { id: schemaId, resourceType, name, description, attributes, updatedAt };
}

export function schemaRoutes(context: AdminContext): AdminRoute[] {
  const listView = async (tenantId: string) => {
    const schemas = await context.tenantSchemas.list(tenantId);
    return { undeclaredExtensions: schemas.undeclaredExtensions, declarations: schemas.declarations.map(declarationView) };
  };
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/schemas',
      operationId: 'listTenantSchemas',
      summary: "List the tenant's declared extension schemas and its policy for undeclared ones",
      tag: 'Schemas',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: tenantSchemasSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: TenantRequest) => listView(request.params.tenant),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/schemas',
      operationId: 'declareTenantSchema',
      summary: 'Declare (or declare again) an extension schema for the tenant',
      description:
        "From then on the tenant's /Schemas and /ResourceTypes list it, and its values are validated, filterable and sortable. Values already kept under the URN are checked and those that do not fit are reported, never dropped. Declaring again in a way that removes or retypes an attribute holding values is 409 unless force=true.",
      tag: 'Schemas',
      authenticated: true,
      schema: {
        params: tenantParamsSchema,
        querystring: forceQuerySchema,
        body: declarationBodySchema,
        response: { 200: declarationReportSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema },
      },
      handler: async (request: TenantRequest) => {
        const report = await context.tenantSchemas.declare(request.params.tenant, request.body, { force: request.query.force === true });
        return { ...report, declaration: declarationView(report.declaration) };
      },
    },
    {
      method: 'PATCH',
      url: '/tenants/:tenant/schemas',
      operationId: 'setUndeclaredExtensions',
      summary: 'Keep (default) or reject extension namespaces the tenant has not declared',
      tag: 'Schemas',
      authenticated: true,
      schema: { params: tenantParamsSchema, body: schemaSettingsBodySchema, response: { 200: tenantSchemasSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } },
      handler: async (request: TenantRequest<{ undeclaredExtensions: UndeclaredExtensionPolicy }>) => {
        await context.tenantSchemas.setUndeclaredExtensions(request.params.tenant, request.body.undeclaredExtensions);
        return listView(request.params.tenant);
      },
    },
    {
      method: 'DELETE',
      url: '/tenants/:tenant/schemas/:schemaId',
      operationId: 'removeTenantSchema',
      summary: 'Remove a declared extension schema',
      description: 'Refused (409) while resources hold values under it, unless force=true: the values are then kept as an undeclared extension.',
      tag: 'Schemas',
      authenticated: true,
      schema: { params: schemaParamsSchema, querystring: forceQuerySchema, response: { 204: null, 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema } },
      handler: async (request: SchemaRequest, reply) => {
        await context.tenantSchemas.remove(request.params.tenant, request.params.schemaId, { force: request.query.force === true });
        return reply.code(204).send();
      },
    },
  ];
}
