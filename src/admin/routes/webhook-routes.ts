/**
 * /admin/v1/tenants/{tenant}/webhooks: configure a tenant's webhooks, rotate
 * their signing secrets, inspect deliveries and replay failed ones.
 */
import type { FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema } from '../schemas.js';
import {
  createdWebhookSchema,
  createWebhookBodySchema,
  deliveryDetailsSchema,
  deliveryPageSchema,
  deliveryParamsSchema,
  deliveryQuerySchema,
  deliverySchema,
  replayedSchema,
  rotatedSecretSchema,
  rotateSecretBodySchema,
  updateWebhookBodySchema,
  webhookListSchema,
  webhookParamsSchema,
  webhookSchema,
} from '../webhook-schemas.js';
import { createdWebhookView, deliveryDetailsView, deliveryPageView, deliveryView, rotatedSecretView, webhookView } from '../webhook-views.js';
import { tenantParamsSchema } from './tenant-routes.js';

interface WebhookBody {
  readonly url?: string;
  readonly eventTypes?: string[];
  readonly enabled?: boolean;
  readonly description?: string;
  readonly maxEventsPerRequest?: number;
}

type TenantRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string }; Body: Body }>;
type WebhookRequest<Body = unknown, Query = unknown> = FastifyRequest<{ Params: { tenant: string; webhookId: string }; Body: Body; Querystring: Query }>;
type DeliveryRequest = FastifyRequest<{ Params: { tenant: string; webhookId: string; deliveryId: string } }>;

const ERRORS = { 400: errorSchema, 401: errorSchema, 404: errorSchema } as const;

export function webhookRoutes(context: AdminContext): AdminRoute[] {
  const service = context.webhooks;
  return [
    {
      method: 'POST',
      url: '/tenants/:tenant/webhooks',
      operationId: 'createWebhook',
      summary: 'Create a webhook: the tenant changes from now on are POSTed to its URL, signed',
      description:
        'The signing secret is shown only in this response (Standard Webhooks: verify webhook-signature with it). The webhook receives the events committed after its creation.',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: tenantParamsSchema, body: createWebhookBodySchema, response: { 201: createdWebhookSchema, ...ERRORS } },
      handler: async (request: TenantRequest<WebhookBody & { url: string }>, reply) => {
        const created = await service.create(request.params.tenant, request.body);
        return reply.code(201).send(createdWebhookView(created));
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/webhooks',
      operationId: 'listWebhooks',
      summary: "List a tenant's webhooks (never their secrets)",
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: webhookListSchema, ...ERRORS } },
      handler: async (request: TenantRequest) => ({ webhooks: (await service.list(request.params.tenant)).map(webhookView) }),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/webhooks/:webhookId',
      operationId: 'getWebhook',
      summary: 'Show a webhook',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: webhookParamsSchema, response: { 200: webhookSchema, ...ERRORS } },
      handler: async (request: WebhookRequest) => webhookView(await service.get(request.params.tenant, request.params.webhookId)),
    },
    {
      method: 'PATCH',
      url: '/tenants/:tenant/webhooks/:webhookId',
      operationId: 'updateWebhook',
      summary: "Change a webhook's URL, event types, description or events per request, or enable / disable it",
      description: 'A disabled webhook receives nothing, not even later: enabling it delivers the changes made from then on.',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: webhookParamsSchema, body: updateWebhookBodySchema, response: { 200: webhookSchema, ...ERRORS } },
      handler: async (request: WebhookRequest<WebhookBody>) => webhookView(await service.update(request.params.tenant, request.params.webhookId, request.body)),
    },
    {
      method: 'DELETE',
      url: '/tenants/:tenant/webhooks/:webhookId',
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook with its deliveries',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: webhookParamsSchema, response: { 204: null, ...ERRORS } },
      handler: async (request: WebhookRequest, reply) => {
        await service.delete(request.params.tenant, request.params.webhookId);
        return reply.code(204).send();
      },
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/webhooks/:webhookId/rotate-secret',
      operationId: 'rotateWebhookSecret',
      summary: 'Rotate the signing secret: a new one now, the previous one keeps signing for an overlap',
      description: 'During the overlap every delivery carries both signatures (space-separated in webhook-signature), so the receiver can switch secrets without rejecting a delivery.',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: webhookParamsSchema, body: rotateSecretBodySchema, response: { 200: rotatedSecretSchema, ...ERRORS } },
      handler: async (request: WebhookRequest<{ overlapSeconds?: number }>) =>
        rotatedSecretView(await service.rotateSecret(request.params.tenant, request.params.webhookId, { overlapSeconds: request.body.overlapSeconds })),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/webhooks/:webhookId/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: "List a webhook's deliveries in event order, a page at a time",
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: webhookParamsSchema, querystring: deliveryQuerySchema, response: { 200: deliveryPageSchema, ...ERRORS } },
      handler: async (request: WebhookRequest<unknown, { status?: string; limit?: number; after?: number }>) =>
        deliveryPageView(await service.listDeliveries(request.params.tenant, request.params.webhookId, request.query)),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/webhooks/:webhookId/deliveries/:deliveryId',
      operationId: 'getWebhookDelivery',
      summary: 'Show a delivery with the event sent and every attempt',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: deliveryParamsSchema, response: { 200: deliveryDetailsSchema, ...ERRORS } },
      handler: async (request: DeliveryRequest) =>
        deliveryDetailsView(await service.getDelivery(request.params.tenant, request.params.webhookId, request.params.deliveryId)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/webhooks/:webhookId/deliveries/:deliveryId/replay',
      operationId: 'replayWebhookDelivery',
      summary: 'Send a failed delivery again, with a fresh retry schedule (its attempts are kept)',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: deliveryParamsSchema, response: { 200: deliverySchema, ...ERRORS } },
      handler: async (request: DeliveryRequest) =>
        deliveryView(await service.replayDelivery(request.params.tenant, request.params.webhookId, request.params.deliveryId)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/webhooks/:webhookId/replay-failed',
      operationId: 'replayFailedWebhookDeliveries',
      summary: 'Send every failed delivery of the webhook again',
      tag: 'Webhooks',
      authenticated: true,
      schema: { params: webhookParamsSchema, response: { 200: replayedSchema, ...ERRORS } },
      handler: async (request: WebhookRequest) => ({ replayed: await service.replayFailed(request.params.tenant, request.params.webhookId) }),
    },
  ];
}
