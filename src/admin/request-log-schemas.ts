/** JSON Schemas of the request log's admin routes (see schemas.ts for why responses have schemas). */
import { AUTH_FAILURE_REASONS } from '../request-log/entry.js';
import { MAX_REQUEST_LOG_PAGE } from '../request-log/request-log-service.js';
import type { JsonSchema } from './schemas.js';

const nullableString = { type: ['string', 'null'] } as const;

const entryProperties = {
  requestId: { type: 'string', description: 'The X-Request-Id the request was answered with (the client\'s own when it sent a valid one).' },
  tenant: { type: 'string' },
  occurredAt: { type: 'string', format: 'date-time' },
  method: { type: 'string' },
  path: { type: 'string' },
  query: { ...nullableString, description: 'The query string, secret parameters masked.' },
  status: { type: 'integer' },
  scimType: { ...nullableString, description: 'The scimType of the SCIM error answered (RFC 7644 §3.12).' },
  detail: { ...nullableString, description: 'The detail of the SCIM error answered: what the identity provider was told.' },
  authFailure: { type: ['string', 'null'], enum: [...AUTH_FAILURE_REASONS, null], description: 'Why authentication failed; never the credential.' },
  latencyMs: { type: 'number' },
  clientAddress: nullableString,
  userAgent: nullableString,
  idp: { ...nullableString, description: 'The identity provider named by the User-Agent (Okta, Entra ID, Google Workspace, OneLogin, JumpCloud, …).' },
  resourceId: { ...nullableString, description: 'The User or Group the request addressed or created.' },
} as const;

export const requestLogEntrySchema: JsonSchema = {
  type: 'object',
  description: 'One SCIM request, without bodies (see GET /tenants/{tenant}/requests/{requestId}).',
  required: Object.keys(entryProperties),
  additionalProperties: false,
  properties: entryProperties,
};

const body = { ...nullableString, description: 'Redacted JSON (secrets always, configured personal attributes too), cut at SCIMITAR_REQUEST_LOG_MAX_BODY_BYTES; a cut body ends with …[truncated].' };

export const requestLogDetailSchema: JsonSchema = {
  type: 'object',
  required: [...Object.keys(entryProperties), 'requestBody', 'responseBody', 'events'],
  additionalProperties: false,
  properties: {
    ...entryProperties,
    requestBody: body,
    responseBody: body,
    events: {
      type: 'array',
      description: 'The events this request wrote (as retained), in sequence order.',
      items: {
        type: 'object',
        required: ['id', 'sequence', 'type', 'resourceType', 'resourceId'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, sequence: { type: 'integer' }, type: { type: 'string' }, resourceType: { type: 'string' }, resourceId: { type: 'string' } },
      },
    },
  },
};

export const requestLogPageSchema: JsonSchema = {
  type: 'object',
  required: ['entries', 'nextCursor'],
  additionalProperties: false,
  properties: {
    entries: { type: 'array', items: requestLogEntrySchema },
    nextCursor: {
      ...nullableString,
      description: 'order=newest: the cursor of the next (older) page, null on the last. order=oldest: where to continue once more requests arrive (tailing).',
    },
  },
};

const filter = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', minLength: 1, maxLength: 200, description, ...extra });

export const requestLogQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: filter('From this time (inclusive): ISO 8601 with a zone, or a duration back from now (15m, 2h, 7d).'),
    until: filter('Before this time (exclusive), in the same forms as since.'),
    status: filter('A status (404) or a class (4xx, 5xx).'),
    method: filter('GET, POST, PUT, PATCH or DELETE.'),
    path: filter('A prefix of the URL path, e.g. /scim/v2/Users.'),
    resourceId: filter('The User or Group id the request touched.'),
    requestId: filter('One request id.'),
    idp: filter('The identity provider, as shown in entries: Okta, Entra ID, Google Workspace, OneLogin, JumpCloud, …'),
    order: { type: 'string', enum: ['newest', 'oldest'], description: 'newest (default) pages back in time; oldest pages forward and is how the log is tailed.' },
    cursor: filter('nextCursor of the previous page.', { maxLength: 40 }),
    limit: { type: 'integer', minimum: 1, maximum: MAX_REQUEST_LOG_PAGE, description: 'Entries per page (default 100).' },
    format: { type: 'string', enum: ['json', 'ndjson'], description: 'ndjson: every matching entry with bodies, one JSON object per line, streamed (also chosen by Accept: application/x-ndjson).' },
  },
};

export const historyQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0, default: 0, description: 'nextAfter of the previous page: an event sequence.' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_REQUEST_LOG_PAGE, default: 100 },
  },
};

export const historyPageSchema: JsonSchema = {
  type: 'object',
  required: ['changes', 'nextAfter'],
  additionalProperties: false,
  properties: {
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sequence', 'eventId', 'type', 'timestamp', 'changedAttributes', 'requestId', 'request'],
        additionalProperties: false,
        properties: {
          sequence: { type: 'integer' },
          eventId: { type: 'string' },
          type: { type: 'string', description: 'The event type: user.created, user.updated, user.deactivated, …' },
          timestamp: { type: 'string', format: 'date-time' },
          changedAttributes: { type: ['array', 'null'], items: { type: 'string' } },
          requestId: { ...nullableString, description: 'The SCIM request that made the change; null for changes made outside HTTP.' },
          request: {
            type: ['object', 'null'],
            description: "The request's log entry in brief, while it is retained.",
            required: ['method', 'path', 'status', 'idp', 'userAgent'],
            additionalProperties: false,
            properties: { method: { type: 'string' }, path: { type: 'string' }, status: { type: 'integer' }, idp: nullableString, userAgent: nullableString },
          },
        },
      },
    },
    nextAfter: { type: ['integer', 'null'], description: 'Pass as after= for more; null when there is no more.' },
  },
};
