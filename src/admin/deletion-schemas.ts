/** JSON Schemas of the delete policy's and the safeguard's admin routes (see schemas.ts for why they are exhaustive). */
import type { JsonSchema } from './schemas.js';

const count = { type: 'integer', minimum: 0 } as const;
const optionalTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

const safeguardSettingsProperties = {
  enabled: { type: 'boolean', description: 'Whether hard deletions beyond the threshold are held (default true).' },
  percent: { type: 'integer', minimum: 1, maximum: 100, description: 'Trips when the hard deletions of a window are more than this percentage of the users the tenant held when it began (default 10)…' },
  minimum: { type: 'integer', minimum: 1, maximum: 1000000, description: '…and more than this many (default 25).' },
  windowMinutes: { type: 'integer', minimum: 1, maximum: 10080, description: 'How long a counting window lasts, from its first hard deletion (default 60).' },
} as const;

const settingsProperties = {
  deletePolicy: {
    type: 'string',
    enum: ['hard', 'soft'],
    description: '`hard` (default): DELETE /Users/{id} removes the user. `soft`: the user leaves SCIM at once but its data is kept `softDeleteDays` days, and comes back if the IdP re-creates the same externalId before then.',
  },
  softDeleteDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'How long soft-deleted users are kept (default 30).' },
} as const;

export const deletionSettingsBodySchema: JsonSchema = {
  type: 'object',
  description: 'The settings to change; the others keep their values.',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ...settingsProperties,
    safeguard: { type: 'object', additionalProperties: false, minProperties: 1, properties: safeguardSettingsProperties },
  },
};

const heldUserSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'userName', 'externalId', 'deletedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    userName: { type: ['string', 'null'] },
    externalId: { type: ['string', 'null'] },
    deletedAt: { type: 'string', format: 'date-time' },
  },
};

export const tenantDeletionSchema: JsonSchema = {
  type: 'object',
  description: "A tenant's delete policy, its safeguard's settings and state, and the hard deletions held.",
  required: ['deletePolicy', 'softDeleteDays', 'safeguard'],
  additionalProperties: false,
  properties: {
    ...settingsProperties,
    safeguard: {
      type: 'object',
      required: ['enabled', 'percent', 'minimum', 'windowMinutes', 'tripped', 'trippedAt', 'windowStartedAt', 'windowUsers', 'windowDeletions', 'threshold', 'heldCount', 'held'],
      additionalProperties: false,
      properties: {
        ...safeguardSettingsProperties,
        tripped: { type: 'boolean', description: 'True from the deletion beyond the threshold until an operator approves or rejects the held deletions.' },
        trippedAt: optionalTimestamp,
        windowStartedAt: optionalTimestamp,
        windowUsers: { ...count, description: 'Users the tenant held when the current window began.' },
        windowDeletions: { ...count, description: 'Hard deletions counted in the current window.' },
        threshold: { ...count, description: 'The most hard deletions the current window lets through.' },
        heldCount: { ...count, description: 'Hard deletions held, waiting for a decision.' },
        held: { type: 'array', items: heldUserSchema, description: 'The first 100 held users, oldest deletion first.' },
      },
    },
  },
};

export const deletionDecisionSchema: JsonSchema = {
  type: 'object',
  required: ['users', 'conflicts', 'remaining'],
  additionalProperties: false,
  properties: {
    users: { ...count, description: 'Approve: users whose deletion went through (`user.deleted` each, data purged). Reject: users restored, deactivated.' },
    conflicts: { type: 'array', items: heldUserSchema, description: 'Reject: held users left held because their userName is taken again.' },
    remaining: { ...count, description: 'Held users still waiting (call again for more than 5,000).' },
  },
};
