/** JSON Schemas of the setup-link admin routes (see schemas.ts for why they are exhaustive). */
import type { JsonSchema } from './schemas.js';

const timestamp = { type: 'string', format: 'date-time' } as const;
const optionalTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

export const setupLinkSchema: JsonSchema = {
  type: 'object',
  description: 'A setup link as listed: never its secret or hash.',
  required: ['id', 'tenant', 'note', 'status', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    note: { type: ['string', 'null'], description: 'The operator note given at creation.' },
    status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
    createdAt: timestamp,
    expiresAt: timestamp,
    revokedAt: optionalTimestamp,
    lastUsedAt: { ...optionalTimestamp, description: 'When the setup portal last accepted the link; updated at most once a minute per server.' },
  },
};

export const createdSetupLinkSchema: JsonSchema = {
  type: 'object',
  description: 'A new setup link, with its URL.',
  required: [...(setupLinkSchema['required'] as string[]), 'url'],
  additionalProperties: false,
  properties: {
    ...(setupLinkSchema['properties'] as object),
    url: {
      type: 'string',
      format: 'uri',
      description:
        "The link to give the customer's IT admin: <public URL>/setup/<secret>. Shown only in this response: only a keyed hash of the secret is stored. The origin is SCIMITAR_PUBLIC_URL, else this request's own.",
    },
  },
};

export const setupLinkListSchema: JsonSchema = {
  type: 'object',
  required: ['setupLinks'],
  additionalProperties: false,
  properties: { setupLinks: { type: 'array', items: setupLinkSchema } },
};

export const createSetupLinkBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    expiresInSeconds: { type: 'integer', minimum: 1, maximum: 2_592_000, description: 'How long the link works: default 604800 (7 days), at most 2592000 (30 days).' },
    expiresAt: { ...timestamp, description: 'Or when it stops working (at most 30 days ahead). Not with expiresInSeconds.' },
    note: { type: 'string', maxLength: 500, description: 'For the operator: whom the link went to, or why.' },
  },
};
