/**
 * JSON Schemas of the admin API's bodies and responses. Fastify validates
 * requests and serializes responses with them — a response serializer writes
 * only the properties declared here, so a token's hash can never reach a
 * client even if a handler passed a whole row — and the OpenAPI document is
 * assembled from the very same objects (openapi.ts).
 */
import { TENANT_ID_PATTERN } from '../tenancy/tenant-id.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

const timestamp = { type: 'string', format: 'date-time' } as const;
const optionalTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

export const tenantIdSchema: JsonSchema = {
  type: 'string',
  pattern: TENANT_ID_PATTERN,
  description: 'The tenant id: a slug of lowercase letters, digits and dashes, used in the tenant SCIM base URL /t/{tenant}/scim/v2.',
  examples: ['acme'],
};

const nameSchema = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const errorSchema: JsonSchema = {
  type: 'object',
  description: 'Every admin API error has this shape.',
  required: ['status', 'code', 'message'],
  additionalProperties: false,
  properties: {
    status: { type: 'integer', description: 'The HTTP status, repeated.' },
    code: {
      type: 'string',
      enum: ['bad_request', 'unauthorized', 'not_found', 'method_not_allowed', 'conflict', 'gone', 'payload_too_large', 'unsupported_media_type', 'too_many_requests', 'internal_error'],
    },
    message: { type: 'string', description: 'What went wrong and what to do about it.' },
  },
};

export const tenantSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'createdAt', 'scimBaseUrl'],
  additionalProperties: false,
  properties: {
    id: tenantIdSchema,
    name: { type: 'string' },
    createdAt: timestamp,
    scimBaseUrl: { type: 'string', format: 'uri', description: 'The SCIM base URL to configure in the identity provider.' },
  },
};

export const tokenSchema: JsonSchema = {
  type: 'object',
  description: 'A bearer token as listed: never its secret or hash.',
  required: ['id', 'tenant', 'name', 'prefix', 'status', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt', 'setupLinkId'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    tenant: tenantIdSchema,
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The first characters of the token, to recognise it.' },
    status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
    createdAt: timestamp,
    expiresAt: optionalTimestamp,
    revokedAt: optionalTimestamp,
    lastUsedAt: { ...optionalTimestamp, description: 'Updated at most once a minute.' },
    setupLinkId: { type: ['string', 'null'], description: "The setup link through which the customer's IT admin created the token in the setup portal; null when the operator did." },
  },
};

const tokenSecret = { type: 'string', description: 'The bearer token itself. Shown only in this response: only a keyed hash is stored.' } as const;

export const issuedTokenSchema: JsonSchema = {
  type: 'object',
  description: 'A new token, with its secret.',
  required: [...(tokenSchema['required'] as string[]), 'token'],
  additionalProperties: false,
  properties: { ...(tokenSchema['properties'] as object), token: tokenSecret },
};

export const rotatedTokenSchema: JsonSchema = {
  type: 'object',
  description: 'The successor token (with its secret) and the rotated token, which keeps working until its new expiresAt.',
  required: [...(issuedTokenSchema['required'] as string[]), 'previous'],
  additionalProperties: false,
  properties: { ...(issuedTokenSchema['properties'] as object), previous: tokenSchema },
};

export const createdTenantSchema: JsonSchema = {
  type: 'object',
  description: 'The new tenant and its first token: what an identity provider needs.',
  required: ['tenant', 'name', 'createdAt', 'scimBaseUrl', 'token', 'tokenId'],
  additionalProperties: false,
  properties: {
    tenant: tenantIdSchema,
    name: { type: 'string' },
    createdAt: timestamp,
    scimBaseUrl: { type: 'string', format: 'uri' },
    token: tokenSecret,
    tokenId: { type: 'string' },
  },
};

export const tenantDetailsSchema: JsonSchema = {
  type: 'object',
  required: [...(tenantSchema['required'] as string[]), 'users', 'groups', 'tokens'],
  additionalProperties: false,
  properties: {
    ...(tenantSchema['properties'] as object),
    users: { type: 'integer', description: 'Number of Users.' },
    groups: { type: 'integer', description: 'Number of Groups.' },
    tokens: { type: 'array', items: tokenSchema },
  },
};

export const tenantListSchema: JsonSchema = {
  type: 'object',
  required: ['tenants'],
  additionalProperties: false,
  properties: { tenants: { type: 'array', items: tenantSchema } },
};

export const tokenListSchema: JsonSchema = {
  type: 'object',
  required: ['tokens'],
  additionalProperties: false,
  properties: { tokens: { type: 'array', items: tokenSchema } },
};

export const createTenantBodySchema: JsonSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: tenantIdSchema,
    name: { ...nameSchema, description: 'A display name; defaults to the id.' },
    tokenName: { ...nameSchema, description: 'The name of the first token; defaults to "initial token".' },
  },
};

export const createTokenBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { ...nameSchema, description: 'A name to recognise the token by; defaults to "api token".' },
    expiresAt: { ...timestamp, description: 'When the token stops working; none by default.' },
  },
};

export const rotateTokenBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    overlapSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 31_536_000,
      default: 86_400,
      description: 'How long the rotated token keeps working (never longer than its current expiry). Default 86400 (24 hours).',
    },
    expiresAt: { ...timestamp, description: 'Expiry of the successor; none by default.' },
  },
};

/** A SCIM resource as the SCIM API renders it (RFC 7643); its attributes depend on the resource type. */
export const scimResourceSchema: JsonSchema = {
  type: 'object',
  // attributes= / excludedAttributes= may leave out meta; id and schemas are always returned.
  required: ['schemas', 'id'],
  additionalProperties: true,
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    id: { type: 'string' },
    meta: { type: 'object', additionalProperties: true },
  },
};

export const scimListSchema: JsonSchema = {
  type: 'object',
  description: 'A SCIM ListResponse (RFC 7644 §3.4.2).',
  required: ['schemas', 'totalResults', 'startIndex', 'itemsPerPage', 'Resources'],
  additionalProperties: false,
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    totalResults: { type: 'integer' },
    startIndex: { type: 'integer' },
    itemsPerPage: { type: 'integer' },
    Resources: { type: 'array', items: scimResourceSchema },
  },
};

export const scimListQuerySchema: JsonSchema = {
  type: 'object',
  properties: {
    filter: { type: 'string', description: 'A SCIM filter (RFC 7644 §3.4.2.2), e.g. userName eq "bjensen@example.com".' },
    sortBy: { type: 'string', description: 'An attribute path to sort by.' },
    sortOrder: { type: 'string', enum: ['ascending', 'descending'] },
    startIndex: { type: 'integer', minimum: 1, description: '1-based index of the first result.' },
    count: { type: 'integer', minimum: 0, description: 'Page size (clamped to the server maximum).' },
    attributes: { type: 'string', description: 'Comma-separated attributes to return.' },
    excludedAttributes: { type: 'string', description: 'Comma-separated attributes to leave out.' },
  },
};

export const scimProjectionQuerySchema: JsonSchema = {
  type: 'object',
  properties: {
    attributes: (scimListQuerySchema['properties'] as Record<string, JsonSchema>)['attributes'],
    excludedAttributes: (scimListQuerySchema['properties'] as Record<string, JsonSchema>)['excludedAttributes'],
  },
};

/** The OpenAPI document is JSON without a fixed shape beyond its top level. */
export const openApiDocumentSchema: JsonSchema = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  additionalProperties: true,
  properties: { openapi: { type: 'string' }, info: { type: 'object', additionalProperties: true }, paths: { type: 'object', additionalProperties: true } },
};

export const eventSchema: JsonSchema = {
  type: 'object',
  description: 'One change, exactly as webhooks deliver it (see docs/events.md).',
  required: ['id', 'type', 'timestamp', 'tenant', 'sequence', 'resourceType', 'resourceId', 'externalId', 'data'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    timestamp,
    tenant: { type: 'string' },
    sequence: { type: 'integer', minimum: 1 },
    resourceType: { type: 'string', description: 'User, Group, or a resource type the embedding app registered.' },
    resourceId: { type: 'string' },
    externalId: { type: ['string', 'null'] },
    data: {
      type: 'object',
      required: ['resource'],
      properties: {
        resource: { type: 'object', additionalProperties: true },
        changedAttributes: { type: 'array', items: { type: 'string' } },
        members: {
          type: 'array',
          items: { type: 'object', required: ['value', 'type'], properties: { value: { type: 'string' }, type: { type: 'string' } } },
        },
        roles: {
          type: 'object',
          description: 'user.roles_changed: the effective roles before and after, in precedence order (docs/roles.md).',
          required: ['before', 'after'],
          properties: { before: { type: 'array', items: { type: 'string' } }, after: { type: 'array', items: { type: 'string' } } },
        },
        safeguard: {
          type: 'object',
          description: '`tenant.safeguard_tripped`: the counting window and the threshold it went beyond (docs/deletion.md).',
          required: ['windowStartedAt', 'windowMinutes', 'users', 'deletions', 'threshold'],
          properties: {
            windowStartedAt: timestamp,
            windowMinutes: { type: 'integer' },
            users: { type: 'integer' },
            deletions: { type: 'integer' },
            threshold: { type: 'integer' },
          },
        },
      },
    },
    requestId: {
      type: ['string', 'null'],
      description: 'The X-Request-Id of the SCIM request that made the change (see its entry at /tenants/{tenant}/requests/{requestId}); null for changes made outside HTTP. Absent on events recorded before request ids were kept.',
    },
  },
};

export const eventPageSchema: JsonSchema = {
  type: 'object',
  required: ['events', 'nextCursor'],
  additionalProperties: false,
  properties: {
    events: { type: 'array', items: eventSchema },
    nextCursor: { type: 'string', description: 'Pass as after= for the next page (the same cursor when the page was empty).' },
  },
};
