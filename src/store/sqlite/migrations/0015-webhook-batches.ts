import type { Migration } from './migration.js';

/**
 * Batched webhook requests: how many of a webhook's claimed deliveries one
 * POST may carry, as a JSON array (src/webhooks/delivery-attempt.ts). 1, the
 * default and every existing webhook's value, is one event per request with
 * the event itself as the body, as before. The allowed range is the webhook
 * service's to check (it may widen without a migration), so no CHECK here.
 * A consumer's row keeps 1: its deliveries are calls of its handler.
 */
export const webhookBatchesMigration: Migration = {
  version: 15,
  name: 'webhook-batches',
  up: `
ALTER TABLE webhooks ADD COLUMN max_events_per_request INTEGER NOT NULL DEFAULT 1;
`,
};
