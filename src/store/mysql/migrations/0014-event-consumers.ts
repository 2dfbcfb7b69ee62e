import type { MysqlMigration } from './migration.js';

/** Durable in-process consumers: the SQLite history's version 14 (see src/store/sqlite/migrations/0014-event-consumers.ts) in MySQL types. */
export const eventConsumersMigration: MysqlMigration = {
  version: 14,
  name: 'event-consumers',
  statements: () => ['ALTER TABLE webhooks ADD COLUMN consumer_name VARCHAR(255) NULL', 'CREATE UNIQUE INDEX webhooks_consumer ON webhooks (consumer_name, tenant_id)'],
};
