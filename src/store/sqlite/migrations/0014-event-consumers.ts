import type { Migration } from './migration.js';

/**
 * Durable in-process consumers (src/consumers): a consumer is a delivery
 * target like a webhook, one row per (consumer, tenant) in `webhooks`, so
 * its cursor (`enqueued_through`), its deliveries, their claims, retries,
 * parking (`failed`) and replays are the webhooks' own, and retention
 * already keeps every event a consumer has not taken. `consumer_name` is
 * NULL for an HTTP webhook; a consumer's row has no URL and no secret.
 */
export const eventConsumersMigration: Migration = {
  version: 14,
  name: 'event-consumers',
  up: `
ALTER TABLE webhooks ADD COLUMN consumer_name TEXT;
CREATE UNIQUE INDEX webhooks_consumer ON webhooks (consumer_name, tenant_id);
`,
};
