/**
 * JSON Schemas of the webhook routes' bodies and responses (see schemas.ts
 * for why responses are declared: the serializer writes only what is
 * listed, so a stored secret can never reach a client by accident).
 */
import { EVENT_TYPES } from '../events/event.js';
import { MAX_URL_LENGTH } from '../webhooks/url-policy.js';
import { MAX_DELIVERY_PAGE_SIZE, MAX_DESCRIPTION_LENGTH, MAX_EVENTS_PER_REQUEST, MAX_ROTATION_OVERLAP_SECONDS } from '../webhooks/webhook-service.js';
import { tenantIdSchema, type JsonSchema } from './schemas.js';

const timestamp = { type: 'string', format: 'date-time' } as const;
const optionalTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;
const idSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;

const urlSchema = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  description: 'Where events are POSTed: https:// (http:// only with SCIMITAR_WEBHOOK_ALLOW_HTTP). Private and loopback addresses are refused unless allowed.',
} as const;

/** Types are checked by the service, whose message names the unknown ones and lists the known. */
const eventTypesSchema = {
  type: 'array',
  maxItems: EVENT_TYPES.length * 2,
  items: { type: 'string', maxLength: 100 },
  description: `The event types to receive; empty or absent: all. Built-in types: ${EVENT_TYPES.join(', ')}; a resource type the app registers adds its own (e.g. device.created).`,
} as const;

const descriptionSchema = { type: 'string', maxLength: MAX_DESCRIPTION_LENGTH } as const;

const maxEventsPerRequestDescription =
  'How many events one request may carry. 1 (the default): each event is POSTed alone, as the body. Above 1: the body is a JSON array of up to this many events, signed as one message; for receivers that accept it (docs/webhooks.md, "Several events per request").';

const maxEventsPerRequestSchema = { type: 'integer', minimum: 1, maximum: MAX_EVENTS_PER_REQUEST, description: maxEventsPerRequestDescription } as const;

export const webhookParamsSchema: JsonSchema = {
  type: 'object',
  required: ['tenant', 'webhookId'],
  properties: { tenant: tenantIdSchema, webhookId: idSchema },
};

export const deliveryParamsSchema: JsonSchema = {
  type: 'object',
  required: ['tenant', 'webhookId', 'deliveryId'],
  properties: { tenant: tenantIdSchema, webhookId: idSchema, deliveryId: idSchema },
};

export const webhookSchema: JsonSchema = {
  type: 'object',
  description: 'A webhook: never its signing secret.',
  required: ['id', 'tenant', 'url', 'eventTypes', 'enabled', 'description', 'disabledReason', 'maxEventsPerRequest', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    tenant: tenantIdSchema,
    url: { type: 'string' },
    // No enum: an embedding app's own resource types add theirs (`device.created`, …).
    eventTypes: { type: 'array', items: { type: 'string' }, description: 'Empty: every type.' },
    enabled: { type: 'boolean' },
    description: { type: 'string' },
    disabledReason: { type: ['string', 'null'], description: 'Set when Scimitar disabled the webhook itself (the endpoint answered 410 Gone); cleared by enabling it.' },
    maxEventsPerRequest: { type: 'integer', description: maxEventsPerRequestDescription },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
};

const secretSchema = {
  type: 'string',
  description: 'The signing secret (Standard Webhooks, whsec_…). Shown only in this response: keep it where the receiver verifies signatures.',
} as const;

export const createdWebhookSchema: JsonSchema = {
  type: 'object',
  description: 'The new webhook with its signing secret.',
  required: [...(webhookSchema['required'] as string[]), 'secret'],
  additionalProperties: false,
  properties: { ...(webhookSchema['properties'] as object), secret: secretSchema },
};

export const webhookListSchema: JsonSchema = {
  type: 'object',
  required: ['webhooks'],
  additionalProperties: false,
  properties: { webhooks: { type: 'array', items: webhookSchema } },
};

export const createWebhookBodySchema: JsonSchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: urlSchema,
    eventTypes: eventTypesSchema,
    enabled: { type: 'boolean', default: true },
    description: descriptionSchema,
    maxEventsPerRequest: { ...maxEventsPerRequestSchema, default: 1 },
  },
};

export const updateWebhookBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { url: urlSchema, eventTypes: eventTypesSchema, enabled: { type: 'boolean' }, description: descriptionSchema, maxEventsPerRequest: maxEventsPerRequestSchema },
};

export const rotateSecretBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    overlapSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_ROTATION_OVERLAP_SECONDS,
      default: 86_400,
      description: 'How long the previous secret keeps signing too (deliveries carry both signatures meanwhile). Default 86400 (24 hours).',
    },
  },
};

export const rotatedSecretSchema: JsonSchema = {
  type: 'object',
  required: ['secret', 'previousSecretExpiresAt'],
  additionalProperties: false,
  properties: { secret: secretSchema, previousSecretExpiresAt: timestamp },
};

export const deliverySchema: JsonSchema = {
  type: 'object',
  description: 'One event sent (or to be sent) to one webhook.',
  required: [
    'id',
    'webhookId',
    'eventId',
    'eventType',
    'sequence',
    'resourceType',
    'resourceId',
    'status',
    'attemptCount',
    'nextAttemptAt',
    'lastError',
    'createdAt',
    'completedAt',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    webhookId: { type: 'string' },
    eventId: { type: 'string', description: 'Also the webhook-id header of every attempt: receivers deduplicate on it.' },
    eventType: { type: 'string' },
    sequence: { type: 'integer', description: "The event's sequence in its tenant." },
    resourceType: { type: 'string' },
    resourceId: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed'] },
    attemptCount: { type: 'integer' },
    nextAttemptAt: { ...optionalTimestamp, description: 'When a pending delivery is tried next; null once it succeeded or failed.' },
    lastError: { type: ['string', 'null'], description: 'Why the last attempt failed.' },
    createdAt: timestamp,
    completedAt: optionalTimestamp,
  },
};

const attemptSchema = {
  type: 'object',
  required: ['attempt', 'startedAt', 'durationMs', 'statusCode', 'error', 'responseExcerpt'],
  additionalProperties: false,
  properties: {
    attempt: { type: 'integer', minimum: 1 },
    startedAt: timestamp,
    durationMs: { type: 'integer' },
    statusCode: { type: ['integer', 'null'], description: 'null when no response came.' },
    error: { type: ['string', 'null'], description: 'Why no usable response came (refused address, timeout, redirect, connection error).' },
    responseExcerpt: { type: ['string', 'null'], description: 'The first KiB of the response body.' },
  },
} as const;

export const deliveryDetailsSchema: JsonSchema = {
  type: 'object',
  required: [...(deliverySchema['required'] as string[]), 'event', 'attempts'],
  additionalProperties: false,
  properties: {
    ...(deliverySchema['properties'] as object),
    event: { type: 'object', additionalProperties: true, description: 'The body sent: the event as stored.' },
    attempts: { type: 'array', items: attemptSchema },
  },
};

export const deliveryPageSchema: JsonSchema = {
  type: 'object',
  required: ['deliveries', 'next'],
  additionalProperties: false,
  properties: {
    deliveries: { type: 'array', items: deliverySchema },
    next: { type: ['integer', 'null'], description: 'Pass as `after` for the next page; null on the last page.' },
  },
};

export const deliveryQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed'] },
    limit: { type: 'integer', minimum: 1, maximum: MAX_DELIVERY_PAGE_SIZE, default: 50 },
    after: { type: 'integer', minimum: 0, description: 'The `next` of the previous page.' },
  },
};

export const replayedSchema: JsonSchema = {
  type: 'object',
  required: ['replayed'],
  additionalProperties: false,
  properties: { replayed: { type: 'integer', description: 'How many failed deliveries are pending again.' } },
};
