/**
 * /admin/v1/tenants/{tenant}/consumers: the durable in-process consumers'
 * cursors in a tenant, their deliveries, and replays of parked events;
 * /admin/v1/consumers/{consumer}: forgetting a consumer the app no longer runs.
 */
import type { FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import {
  consumerDeliveryDetailsSchema,
  consumerDeliveryPageSchema,
  consumerDeliveryParamsSchema,
  consumerDeliverySchema,
  consumerListSchema,
  consumerNameParamsSchema,
  consumerParamsSchema,
  consumerSchema,
  deletedConsumerSchema,
} from '../consumer-schemas.js';
import { consumerDeliveryDetailsView, consumerDeliveryPageView, consumerDeliveryView, consumerView } from '../consumer-views.js';
import { errorSchema } from '../schemas.js';
import { deliveryQuerySchema, replayedSchema } from '../webhook-schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

type TenantRequest = FastifyRequest<{ Params: { tenant: string } }>;
type ConsumerRequest<Query = unknown> = FastifyRequest<{ Params: { tenant: string; consumer: string }; Querystring: Query }>;
type DeliveryRequest = FastifyRequest<{ Params: { tenant: string; consumer: string; deliveryId: string } }>;

const ERRORS = { 400: errorSchema, 401: errorSchema, 404: errorSchema } as const;

export function consumerRoutes(context: AdminContext): AdminRoute[] {
  const service = context.consumers;
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/consumers',
      operationId: 'listConsumers',
      summary: "List the durable consumers reading a tenant's events, with their cursors",
      description: 'Consumers are declared in the embedding app (scimitar.events.consume); each reads each tenant from its own cursor.',
      tag: 'Consumers',
      authenticated: true,
      schema: { params: tenantParamsSchema, response: { 200: consumerListSchema, ...ERRORS } },
      handler: async (request: TenantRequest) => ({ consumers: (await service.list(request.params.tenant)).map(consumerView) }),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/consumers/:consumer',
      operationId: 'getConsumer',
      summary: "Show a consumer's cursor in the tenant",
      tag: 'Consumers',
      authenticated: true,
      schema: { params: consumerParamsSchema, response: { 200: consumerSchema, ...ERRORS } },
      handler: async (request: ConsumerRequest) => consumerView(await service.get(request.params.tenant, request.params.consumer)),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/consumers/:consumer/deliveries',
      operationId: 'listConsumerDeliveries',
      summary: "List a consumer's deliveries in the tenant in event order; status=failed lists the parked ones",
      tag: 'Consumers',
      authenticated: true,
      schema: { params: consumerParamsSchema, querystring: deliveryQuerySchema, response: { 200: consumerDeliveryPageSchema, ...ERRORS } },
      handler: async (request: ConsumerRequest<{ status?: string; limit?: number; after?: number }>) =>
        consumerDeliveryPageView(request.params.consumer, await service.listDeliveries(request.params.tenant, request.params.consumer, request.query)),
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/consumers/:consumer/deliveries/:deliveryId',
      operationId: 'getConsumerDelivery',
      summary: 'Show a delivery with its event and every call of the handler (the error each failed call threw)',
      tag: 'Consumers',
      authenticated: true,
      schema: { params: consumerDeliveryParamsSchema, response: { 200: consumerDeliveryDetailsSchema, ...ERRORS } },
      handler: async (request: DeliveryRequest) =>
        consumerDeliveryDetailsView(request.params.consumer, await service.getDelivery(request.params.tenant, request.params.consumer, request.params.deliveryId)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/consumers/:consumer/deliveries/:deliveryId/replay',
      operationId: 'replayConsumerDelivery',
      summary: 'Hand a parked event to the consumer again, with a fresh retry budget (its attempts are kept)',
      tag: 'Consumers',
      authenticated: true,
      schema: { params: consumerDeliveryParamsSchema, response: { 200: consumerDeliverySchema, ...ERRORS } },
      handler: async (request: DeliveryRequest) =>
        consumerDeliveryView(request.params.consumer, await service.replayDelivery(request.params.tenant, request.params.consumer, request.params.deliveryId)),
    },
    {
      method: 'POST',
      url: '/tenants/:tenant/consumers/:consumer/replay-failed',
      operationId: 'replayFailedConsumerDeliveries',
      summary: 'Hand every event parked for the consumer in the tenant over again',
      tag: 'Consumers',
      authenticated: true,
      schema: { params: consumerParamsSchema, response: { 200: replayedSchema, ...ERRORS } },
      handler: async (request: ConsumerRequest) => ({ replayed: await service.replayFailed(request.params.tenant, request.params.consumer) }),
    },
    {
      method: 'DELETE',
      url: '/consumers/:consumer',
      operationId: 'deleteConsumer',
      summary: 'Forget a consumer the app no longer runs, in every tenant, with its deliveries',
      description: "A consumer's cursor keeps the events it has not taken from retention; delete one that is gone for good. A consumer still running registers itself again and reads from the oldest retained event.",
      tag: 'Consumers',
      authenticated: true,
      schema: { params: consumerNameParamsSchema, response: { 200: deletedConsumerSchema, ...ERRORS } },
      handler: async (request: FastifyRequest<{ Params: { consumer: string } }>) => ({ tenants: await service.delete(request.params.consumer) }),
    },
  ];
}
