import type { MysqlMigration } from './migration.js';

/** The transactional outbox: the SQLite history's version 3 (see src/store/sqlite/migrations/0003-events.ts) in MySQL types. */
export const eventsMigration: MysqlMigration = {
  version: 3,
  name: 'events',
  statements: ({ options }) => [
    `CREATE TABLE event_sequences (
  tenant_id VARCHAR(255) NOT NULL PRIMARY KEY,
  last_sequence BIGINT NOT NULL,
  pruned_through BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT event_sequences_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    // payload is text, not JSON: delivered byte for byte as written.
    `CREATE TABLE events (
  tenant_id VARCHAR(255) NOT NULL,
  sequence BIGINT NOT NULL,
  id VARCHAR(255) NOT NULL,
  type VARCHAR(255) NOT NULL,
  resource_type VARCHAR(64) NOT NULL,
  resource_id VARCHAR(255) NOT NULL,
  occurred_at VARCHAR(64) NOT NULL,
  payload LONGTEXT NOT NULL,
  PRIMARY KEY (tenant_id, sequence),
  CONSTRAINT events_id_key UNIQUE (id),
  CONSTRAINT events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX events_occurred_at ON events (occurred_at)`,
  ],
};
