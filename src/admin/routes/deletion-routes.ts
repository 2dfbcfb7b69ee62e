/** /admin/v1/tenants/{tenant}/deletion: the delete policy, the safeguard's settings and state, and the decision on held deletions. */
import type { FastifyRequest } from 'fastify';
import type { DeletionSettingsChange, HeldUserView, TenantDeletionView } from '../../services/deletion/deletion-service.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { deletionDecisionSchema, deletionSettingsBodySchema, tenantDeletionSchema } from '../deletion-schemas.js';
import { errorSchema } from '../schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

type TenantRequest = FastifyRequest<{ Params: { tenant: string } }>;

export function deletionRoutes(context: AdminContext): AdminRoute[] {
  const deletions = context.resources.deletions;
  const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/deletion',
      operationId: 'getDeletionPolicy',
      summary: "Show a tenant's delete policy and its mass-deprovisioning safeguard: settings, counting window, held deletions",
      tag: 'Deletions',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: tenantDeletionSchema, ...errors } },
      handler: async (request: TenantRequest) => deletionView(await deletions.show(request.params.tenant)),
    },
    {
      method: 'PATCH',
      url: '/tenants/:tenant/deletion',
      operationId: 'updateDeletionPolicy',
      summary: "Change a tenant's delete policy or safeguard settings",
      tag: 'Deletions',
      authenticated: true,
      schema: { params: tenantParamsSchema, body: deletionSettingsBodySchema, response: { 200: tenantDeletionSchema, ...errors } },
      handler: async (request: FastifyRequest<{ Params: { tenant: string }; Body: DeletionSettingsChange }>) =>
        deletionView(await deletions.configure(request.params.tenant, request.body)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/deletion/approve',
      operationId: 'approveHeldDeletions',
      summary: 'Let the held deletions go through: `user.deleted` for each, and their data is purged',
      description: 'Irreversible. Resets the safeguard: counting starts afresh at the next hard deletion.',
      tag: 'Deletions',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: deletionDecisionSchema, ...errors } },
      handler: async (request: TenantRequest) => decisionView(await deletions.approve(request.params.tenant)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/deletion/reject',
      operationId: 'rejectHeldDeletions',
      summary: 'Undo the held deletions: the users come back under their ids, deactivated, in the groups they were in',
      description: 'A user whose userName was taken again meanwhile stays held and is listed in `conflicts`. Resets the safeguard once nothing is held.',
      tag: 'Deletions',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: deletionDecisionSchema, ...errors } },
      handler: async (request: TenantRequest) => decisionView(await deletions.reject(request.params.tenant)),
    },
  ];
}

function heldView(user: HeldUserView) {
  return { id: user.id, userName: user.userName ?? null, externalId: user.externalId ?? null, deletedAt: user.deletedAt };
}

export function deletionView(view: TenantDeletionView) {
  const { settings, safeguard } = view;
  return {
    deletePolicy: settings.deletePolicy,
    softDeleteDays: settings.softDeleteDays,
    safeguard: {
      ...settings.safeguard,
      tripped: safeguard.tripped,
      trippedAt: safeguard.trippedAt ?? null,
      windowStartedAt: safeguard.windowStartedAt ?? null,
      windowUsers: safeguard.windowUsers,
      windowDeletions: safeguard.windowDeletions,
      threshold: safeguard.threshold,
      heldCount: safeguard.heldCount,
      held: safeguard.held.map(heldView),
    },
  };
}

function decisionView(result: { users: number; conflicts: readonly HeldUserView[]; remaining: number }) {
  return { users: result.users, conflicts: result.conflicts.map(heldView), remaining: result.remaining };
}
