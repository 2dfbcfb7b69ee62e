/** JSON Schemas of the tenant health routes (see schemas.ts for why they are exhaustive). */
import type { JsonSchema } from './schemas.js';

const count = { type: 'integer', minimum: 0 } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;

const healthRequestSchema: JsonSchema = {
  type: ['object', 'null'],
  required: ['occurredAt', 'requestId', 'method', 'path', 'status', 'scimType', 'detail', 'idp', 'expected'],
  additionalProperties: false,
  properties: {
    occurredAt: timestamp,
    requestId: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string' },
    status: { type: 'integer' },
    scimType: { type: ['string', 'null'] },
    detail: { type: ['string', 'null'] },
    idp: { type: ['string', 'null'], description: 'The identity provider its User-Agent names (Okta, Entra ID, …); null when none Scimitar knows.' },
    expected: {
      type: 'boolean',
      description:
        'Refused as identity providers expect in the normal course of provisioning (404 to GET /Users/{id} or /Groups/{id}, 409 uniqueness to a create): not counted as an error.',
    },
  },
};

export const tenantHealthSchema: JsonSchema = {
  type: 'object',
  description: "A tenant's health at a glance.",
  required: ['tenant', 'name', 'lastRequest', 'lastError', 'window', 'users', 'activeUsers', 'groups', 'heldDeletions', 'webhooks', 'consumers', 'attention'],
  additionalProperties: false,
  properties: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    lastRequest: { ...healthRequestSchema, description: "The latest request in the tenant's request log; null when it holds none." },
    lastError: { ...healthRequestSchema, description: 'The latest request answered with a status of 400 or more, expected refusals left out; null when none.' },
    window: {
      type: 'object',
      description: 'The last 24 hours of the request log.',
      required: ['since', 'until', 'requests', 'clientErrors', 'expectedErrors', 'serverErrors', 'errorRate'],
      additionalProperties: false,
      properties: {
        since: timestamp,
        until: timestamp,
        requests: count,
        clientErrors: { ...count, description: 'Answered 4xx, expected refusals left out.' },
        expectedErrors: {
          ...count,
          description: 'Answered 4xx as identity providers expect (404 to GET /Users/{id} or /Groups/{id}, 409 uniqueness to a create): counted apart, not errors.',
        },
        serverErrors: { ...count, description: 'Answered 5xx.' },
        errorRate: { type: ['number', 'null'], minimum: 0, maximum: 1, description: '(clientErrors + serverErrors) / requests, expected refusals left out; null without requests.' },
      },
    },
    users: count,
    activeUsers: { ...count, description: 'Users whose active is not false.' },
    groups: count,
    heldDeletions: { ...count, description: 'Deletions held by the mass-deprovisioning safeguard for a decision.' },
    webhooks: {
      type: 'object',
      required: ['pendingDeliveries', 'failedDeliveries', 'eventsNotYetQueued'],
      additionalProperties: false,
      properties: {
        pendingDeliveries: count,
        failedDeliveries: { ...count, description: 'Deliveries that used up their retries; replay them once the receiver is fixed.' },
        eventsNotYetQueued: { ...count, description: 'Events not yet turned into deliveries, for the webhook furthest behind.' },
      },
    },
    consumers: {
      type: 'object',
      description: "The host app's durable in-process consumers (they share the webhooks' delivery pipeline).",
      required: ['pendingEvents', 'parkedEvents', 'eventsNotYetQueued'],
      additionalProperties: false,
      properties: {
        pendingEvents: count,
        parkedEvents: { ...count, description: "Events a consumer's handler kept refusing; replay them once it is fixed." },
        eventsNotYetQueued: count,
      },
    },
    attention: {
      type: 'array',
      description: 'What needs a look, in the order to check it (last_request_failed: not for an expected refusal).',
      items: { type: 'string', enum: ['no_requests_yet', 'last_request_failed', 'server_errors', 'held_deletions', 'failed_webhook_deliveries', 'parked_consumer_events'] },
    },
  },
};

export const tenantHealthListSchema: JsonSchema = {
  type: 'object',
  required: ['tenants'],
  additionalProperties: false,
  properties: { tenants: { type: 'array', items: tenantHealthSchema } },
};
