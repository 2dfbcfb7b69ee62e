import type { MysqlMigration } from './migration.js';

/** Batched webhook requests: the SQLite history's version 15 (see src/store/sqlite/migrations/0015-webhook-batches.ts) in MySQL types. */
export const webhookBatchesMigration: MysqlMigration = {
  version: 15,
  name: 'webhook-batches',
  statements: () => ['ALTER TABLE webhooks ADD COLUMN max_events_per_request INTEGER NOT NULL DEFAULT 1'],
};
