import type { MysqlMigration } from './migration.js';

/**
 * Webhooks: the SQLite history's version 4 (see
 * src/store/sqlite/migrations/0004-webhooks.ts) in MySQL types. MySQL has
 * no partial indexes: the indexes SQLite and PostgreSQL restrict to pending
 * (or finished) deliveries cover every row here, with the status first
 * where a query names it.
 */
export const webhooksMigration: MysqlMigration = {
  version: 4,
  name: 'webhooks',
  statements: ({ options }) => [
    `CREATE TABLE webhooks (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  tenant_id VARCHAR(255) NOT NULL,
  url MEDIUMTEXT NOT NULL,
  event_types MEDIUMTEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  description MEDIUMTEXT NOT NULL,
  secret MEDIUMTEXT NOT NULL,
  previous_secret MEDIUMTEXT,
  previous_secret_expires_at VARCHAR(64),
  disabled_reason MEDIUMTEXT,
  created_at VARCHAR(64) NOT NULL,
  updated_at VARCHAR(64) NOT NULL,
  enqueued_through BIGINT NOT NULL,
  CONSTRAINT webhooks_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX webhooks_tenant ON webhooks (tenant_id)`,
    `CREATE TABLE webhook_deliveries (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  webhook_id VARCHAR(255) NOT NULL,
  tenant_id VARCHAR(255) NOT NULL,
  sequence BIGINT NOT NULL,
  event_id VARCHAR(255) NOT NULL,
  event_type VARCHAR(255) NOT NULL,
  resource_type VARCHAR(64) NOT NULL,
  resource_id VARCHAR(255) NOT NULL,
  payload LONGTEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at VARCHAR(64) NOT NULL,
  retry_window_start VARCHAR(64) NOT NULL,
  retry_window_attempts INTEGER NOT NULL,
  claimed_until VARCHAR(64),
  claim_token VARCHAR(255),
  last_error MEDIUMTEXT,
  created_at VARCHAR(64) NOT NULL,
  completed_at VARCHAR(64),
  CONSTRAINT webhook_deliveries_webhook_id_sequence_key UNIQUE (webhook_id, sequence),
  CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed')),
  CONSTRAINT webhook_deliveries_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at, sequence)`,
    `CREATE INDEX webhook_deliveries_resource_order ON webhook_deliveries (webhook_id, resource_type, resource_id, status, sequence)`,
    `CREATE INDEX webhook_deliveries_status ON webhook_deliveries (webhook_id, status, sequence)`,
    `CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (completed_at)`,
    `CREATE TABLE webhook_attempts (
  delivery_id VARCHAR(255) NOT NULL,
  attempt INTEGER NOT NULL,
  started_at VARCHAR(64) NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error MEDIUMTEXT,
  response_excerpt MEDIUMTEXT,
  PRIMARY KEY (delivery_id, attempt),
  CONSTRAINT webhook_attempts_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
) ${options}`,
  ],
};
