/**
 * /admin/v1/tenants/{tenant}/role-mappings and …/users/{id}/roles: the
 * group → role rules of a tenant, its default role, and a user's
 * effective roles (src/roles).
 */
import type { FastifyRequest } from 'fastify';
import { MATCH_KINDS, MAX_MATCH_VALUE_LENGTH, MAX_PRECEDENCE, MAX_ROLE_LENGTH } from '../../roles/role-rules.js';
import { tenantScimBaseUrl } from '../../tenancy/tenant-urls.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema, tenantIdSchema, type JsonSchema } from '../schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

const roleSchema: JsonSchema = { type: 'string', minLength: 1, maxLength: MAX_ROLE_LENGTH, description: 'A role name of the app, compared exactly.' };

const mappingSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'matchBy', 'matchValue', 'role', 'precedence', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    matchBy: { type: 'string', enum: [...MATCH_KINDS] },
    matchValue: { type: 'string' },
    role: { type: 'string' },
    precedence: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const rulesSchema: JsonSchema = {
  type: 'object',
  required: ['defaultRole', 'mappings'],
  additionalProperties: false,
  properties: {
    defaultRole: { type: ['string', 'null'], description: 'The role of users no rule gives any; null: none.' },
    mappings: { type: 'array', items: mappingSchema, description: 'In precedence order (lowest first), then by role.' },
  },
};

const newMappingSchema: JsonSchema = {
  type: 'object',
  required: ['matchBy', 'matchValue', 'role'],
  additionalProperties: false,
  properties: {
    matchBy: { type: 'string', enum: [...MATCH_KINDS], description: 'What the group is named by: displayName (case-insensitive; follows renames), externalId, or id (survives renames).' },
    matchValue: { type: 'string', minLength: 1, maxLength: MAX_MATCH_VALUE_LENGTH },
    role: roleSchema,
    precedence: { type: 'integer', minimum: 0, maximum: MAX_PRECEDENCE, description: 'Lower first: a user’s roles are listed in this order, the first is their primary role. Default 100.' },
  },
};

const usersChangedSchema: JsonSchema = { type: 'integer', description: 'How many users’ roles the change moved; each has its user.roles_changed event.' };

const mappingParamsSchema: JsonSchema = {
  type: 'object',
  required: ['tenant', 'mapping'],
  properties: { tenant: tenantIdSchema, mapping: { type: 'string', minLength: 1, maxLength: 200 } },
};

const userParamsSchema: JsonSchema = {
  type: 'object',
  required: ['tenant', 'id'],
  properties: { tenant: tenantIdSchema, id: { type: 'string', minLength: 1 } },
};

type TenantRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string }; Body: Body }>;

export function roleRoutes(context: AdminContext): AdminRoute[] {
  const changeContext = (request: FastifyRequest, tenantId: string) => ({ tenantId, baseUrl: tenantScimBaseUrl(context.origin(request), tenantId) });
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/role-mappings',
      operationId: 'listRoleMappings',
      summary: "List a tenant's group → role rules and its default role",
      tag: 'Roles',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: rulesSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: TenantRequest) => context.roles.rules(request.params.tenant),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/role-mappings',
      operationId: 'createRoleMapping',
      summary: 'Give a role to the members of a group (direct and nested)',
      description: "Every user's effective roles are recomputed in the same transaction; each user whose roles change gets a user.roles_changed event (webhooks, feed, hooks).",
      tag: 'Roles',
      authenticated: true,
      schema: {
        params: tenantParamsSchema,
        body: newMappingSchema,
        response: {
          201: { type: 'object', required: ['mapping', 'usersChanged'], additionalProperties: false, properties: { mapping: mappingSchema, usersChanged: usersChangedSchema } },
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
      handler: async (request: TenantRequest<Record<string, unknown>>, reply) => {
        const added = await context.roles.addMapping(changeContext(request, request.params.tenant), request.body);
        return reply.code(201).send(added);
      },
    },
    {
      method: 'DELETE',
      url: '/tenants/:tenant/role-mappings/:mapping',
      operationId: 'deleteRoleMapping',
      summary: 'Remove a rule; the roles only it gave are taken back (user.roles_changed)',
      tag: 'Roles',
      authenticated: true,
      schema: { params: mappingParamsSchema, response: { 204: null, 400: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string; mapping: string } }>, reply) => {
        await context.roles.removeMapping(changeContext(request, request.params.tenant), request.params.mapping);
        return reply.code(204).send();
      },
    },
    {
      method: 'PATCH',
      url: '/tenants/:tenant/role-settings',
      operationId: 'setDefaultRole',
      summary: 'Set or clear the role of users no rule gives any',
      tag: 'Roles',
      authenticated: true,
      schema: {
        params: tenantParamsSchema,
        body: {
          type: 'object',
          required: ['defaultRole'],
          additionalProperties: false,
          properties: { defaultRole: { anyOf: [roleSchema, { type: 'null' }] } },
        },
        response: {
          200: {
            type: 'object',
            required: ['defaultRole', 'usersChanged'],
            additionalProperties: false,
            properties: { defaultRole: { type: ['string', 'null'] }, usersChanged: usersChangedSchema },
          },
          400: errorSchema,
          404: errorSchema,
        },
      },
      handler: async (request: TenantRequest<{ defaultRole: string | null }>) =>
        context.roles.setDefaultRole(changeContext(request, request.params.tenant), request.body.defaultRole),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/users/:id/roles',
      operationId: 'getUserRoles',
      summary: "A user's effective roles, from their direct and nested groups",
      tag: 'Roles',
      authenticated: true,
      schema: {
        params: userParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['userId', 'roles'],
            additionalProperties: false,
            properties: { userId: { type: 'string' }, roles: { type: 'array', items: { type: 'string' }, description: 'In precedence order; the first is the primary role.' } },
          },
          400: errorSchema,
          404: errorSchema,
        },
      },
      handler: async (request: FastifyRequest<{ Params: { tenant: string; id: string } }>) => context.roles.rolesOf(request.params.tenant, request.params.id),
    },
  ];
}
