import type { Migration } from './migration.js';

/** Durable in-process consumers: the SQLite history's version 14 (see src/store/sqlite/migrations/0014-event-consumers.ts) in PostgreSQL types. */
export const eventConsumersMigration: Migration = {
  version: 14,
  name: 'event-consumers',
  up: `
ALTER TABLE webhooks ADD COLUMN consumer_name text COLLATE "C";
CREATE UNIQUE INDEX webhooks_consumer ON webhooks (consumer_name, tenant_id);
`,
};
