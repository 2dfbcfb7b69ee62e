import type { Migration } from './migration.js';

/** Batched webhook requests: the SQLite history's version 15 (see src/store/sqlite/migrations/0015-webhook-batches.ts) in PostgreSQL types. */
export const webhookBatchesMigration: Migration = {
  version: 15,
  name: 'webhook-batches',
  up: `
ALTER TABLE webhooks ADD COLUMN max_events_per_request integer NOT NULL DEFAULT 1;
`,
};
