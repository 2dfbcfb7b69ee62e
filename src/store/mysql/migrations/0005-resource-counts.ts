import type { MysqlMigration } from './migration.js';

/** Per-tenant resource counts: the SQLite history's version 5 (see src/store/sqlite/migrations/0005-resource-counts.ts) in MySQL types. */
export const resourceCountsMigration: MysqlMigration = {
  version: 5,
  name: 'resource-counts',
  statements: ({ options }) => [
    `CREATE TABLE resource_counts (
  tenant_id VARCHAR(255) NOT NULL,
  resource_type VARCHAR(64) NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, resource_type),
  CONSTRAINT resource_counts_resource_type_check CHECK (resource_type IN ('User', 'Group')),
  CONSTRAINT resource_counts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `INSERT INTO resource_counts (tenant_id, resource_type, count) SELECT tenant_id, 'User', COUNT(*) FROM users GROUP BY tenant_id`,
    `INSERT INTO resource_counts (tenant_id, resource_type, count) SELECT tenant_id, 'Group', COUNT(*) FROM "groups" GROUP BY tenant_id`,
  ],
};
