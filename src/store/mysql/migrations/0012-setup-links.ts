import type { MysqlMigration } from './migration.js';

/**
 * Setup links, the token's setup link, and the tenant health indexes: the
 * SQLite history's version 12 (see src/store/sqlite/migrations/0012-setup-links.ts)
 * in MySQL types. MySQL has no partial indexes: the failed-request and
 * inactive-user indexes lead with the column the others filter on.
 */
export const setupLinksMigration: MysqlMigration = {
  version: 12,
  name: 'setup-links',
  statements: ({ options }) => [
    `CREATE TABLE setup_links (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  tenant_id VARCHAR(255) NOT NULL,
  hash VARCHAR(255) NOT NULL,
  note MEDIUMTEXT,
  created_at VARCHAR(64) NOT NULL,
  expires_at VARCHAR(64) NOT NULL,
  revoked_at VARCHAR(64),
  last_used_at VARCHAR(64),
  CONSTRAINT setup_links_hash_key UNIQUE (hash),
  CONSTRAINT setup_links_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    'CREATE INDEX setup_links_tenant ON setup_links (tenant_id, created_at)',
    'ALTER TABLE tokens ADD COLUMN setup_link_id VARCHAR(255)',
    'CREATE INDEX request_log_tenant_time ON request_log (tenant_id, occurred_at, status)',
    'CREATE INDEX request_log_failures ON request_log (tenant_id, status, id)',
    'CREATE INDEX users_inactive ON users (active, tenant_id)',
    'CREATE INDEX deleted_users_state ON deleted_users (state, tenant_id)',
    'CREATE INDEX webhook_deliveries_tenant_status ON webhook_deliveries (tenant_id, status, webhook_id)',
  ],
};
