/** /admin/v1/tenants/{tenant}/setup-links: create (with its URL, once), list, show, revoke. */
import type { FastifyRequest } from 'fastify';
import { setupLinkUrl } from '../../setup-links/setup-link-secret.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema, tenantIdSchema } from '../schemas.js';
import { createdSetupLinkSchema, createSetupLinkBodySchema, setupLinkListSchema, setupLinkSchema } from '../setup-link-schemas.js';
import { setupLinkView } from '../views.js';
import { tenantParamsSchema } from './tenant-routes.js';

const setupLinkParamsSchema = {
  type: 'object',
  required: ['tenant', 'linkId'],
  properties: { tenant: tenantIdSchema, linkId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

type SetupLinkRequest = FastifyRequest<{ Params: { tenant: string; linkId: string } }>;

export function setupLinkRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'POST',
      url: '/tenants/:tenant/setup-links',
      operationId: 'createSetupLink',
      summary: "Create a setup link: the URL of the tenant's setup portal, for the customer's IT admin",
      description:
        'The URL (with its secret) is shown only in this response, so a host app can put it behind its own "Configure SCIM" button. The link expires (default 7 days, at most 30) and can be revoked.',
      tag: 'Setup links',
      authenticated: true,
      schema: { params: tenantParamsSchema, body: createSetupLinkBodySchema, response: { 201: createdSetupLinkSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string }; Body: { expiresInSeconds?: number; expiresAt?: string; note?: string } }>, reply) => {
        const body = request.body;
        const created = await context.setupLinks.create(request.params.tenant, {
          expiresInMs: body.expiresInSeconds === undefined ? undefined : body.expiresInSeconds * 1000,
          expiresAt: body.expiresAt === undefined ? undefined : new Date(body.expiresAt),
          note: body.note,
        });
        return reply.code(201).send({ ...setupLinkView(created.summary), url: setupLinkUrl(context.origin(request), created.secret) });
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/setup-links',
      operationId: 'listSetupLinks',
      summary: "List a tenant's setup links (never their secrets)",
      tag: 'Setup links',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: setupLinkListSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string } }>) => ({
        setupLinks: (await context.setupLinks.list(request.params.tenant)).map(setupLinkView),
      }),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/setup-links/:linkId',
      operationId: 'getSetupLink',
      summary: 'Show a setup link: its status, expiry and last use',
      tag: 'Setup links',
      authenticated: true,
      schema: { params: setupLinkParamsSchema, response: { 200: setupLinkSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: SetupLinkRequest) => setupLinkView(await context.setupLinks.get(request.params.tenant, request.params.linkId)),
    },
    {
      method: 'DELETE',
      url: '/tenants/:tenant/setup-links/:linkId',
      operationId: 'revokeSetupLink',
      summary: 'Revoke a setup link: the portal refuses it from the next request on, on every instance',
      description: 'The link stays listed, as revoked. Tokens created through it keep working; revoke them apart if needed.',
      tag: 'Setup links',
      authenticated: true,
      schema: { params: setupLinkParamsSchema, response: { 200: setupLinkSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: SetupLinkRequest) => setupLinkView(await context.setupLinks.revoke(request.params.tenant, request.params.linkId)),
    },
  ];
}
