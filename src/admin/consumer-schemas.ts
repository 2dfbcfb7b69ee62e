/** JSON Schemas of the consumer routes' parameters and responses (deliveries as webhooks' deliveries, named by their consumer). */
import { tenantIdSchema, type JsonSchema } from './schemas.js';
import { deliveryDetailsSchema, deliveryPageSchema, deliverySchema } from './webhook-schemas.js';

const timestamp = { type: 'string', format: 'date-time' } as const;
const nameSchema = { type: 'string', minLength: 1, maxLength: 200, description: "The consumer's name, as the app passes it to scimitar.events.consume." } as const;
const idSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const consumerParamsSchema: JsonSchema = {
  type: 'object',
  required: ['tenant', 'consumer'],
  properties: { tenant: tenantIdSchema, consumer: nameSchema },
};

export const consumerNameParamsSchema: JsonSchema = {
  type: 'object',
  required: ['consumer'],
  properties: { consumer: nameSchema },
};

export const consumerDeliveryParamsSchema: JsonSchema = {
  type: 'object',
  required: ['tenant', 'consumer', 'deliveryId'],
  properties: { tenant: tenantIdSchema, consumer: nameSchema, deliveryId: idSchema },
};

export const consumerSchema: JsonSchema = {
  type: 'object',
  description: "A durable in-process consumer's cursor in one tenant.",
  required: ['name', 'tenant', 'eventTypes', 'cursor', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    tenant: tenantIdSchema,
    eventTypes: { type: 'array', items: { type: 'string' }, description: 'Empty: every type.' },
    cursor: { type: 'integer', description: "The last sequence of the tenant's events the consumer has taken." },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
};

export const consumerListSchema: JsonSchema = {
  type: 'object',
  required: ['consumers'],
  additionalProperties: false,
  properties: { consumers: { type: 'array', items: consumerSchema } },
};

/** A webhook delivery's fields, named by the consumer instead of a webhook id. */
function forConsumer(schema: JsonSchema): JsonSchema {
  const { webhookId: _webhookId, ...properties } = schema['properties'] as Record<string, unknown>;
  return {
    ...schema,
    required: [...(schema['required'] as string[]).filter((field) => field !== 'webhookId'), 'consumer'],
    properties: { ...properties, consumer: { type: 'string' } },
  };
}

export const consumerDeliverySchema: JsonSchema = {
  ...forConsumer(deliverySchema),
  description: "One event handed (or to be handed) to one consumer; `failed`: parked after the consumer's maxAttempts.",
};

export const consumerDeliveryDetailsSchema: JsonSchema = forConsumer(deliveryDetailsSchema);

export const consumerDeliveryPageSchema: JsonSchema = {
  ...deliveryPageSchema,
  properties: { ...(deliveryPageSchema['properties'] as object), deliveries: { type: 'array', items: consumerDeliverySchema } },
};

export const deletedConsumerSchema: JsonSchema = {
  type: 'object',
  required: ['tenants'],
  additionalProperties: false,
  properties: { tenants: { type: 'integer', description: 'How many tenants the consumer read.' } },
};
