import type { MysqlMigration } from './migration.js';

/**
 * Tenants' own extension schemas: the SQLite history's version 8 (see
 * src/store/sqlite/migrations/0008-tenant-schemas.ts) in MySQL types.
 * `schema_key` is VARCHAR(512): with the 255-character tenant id the key
 * stays within InnoDB's 3072 bytes in utf8mb4, and declarations refuse
 * longer URNs on every database (src/core/schema/declared-extension.ts).
 */
export const tenantSchemasMigration: MysqlMigration = {
  version: 8,
  name: 'tenant-schemas',
  statements: ({ options }) => [
    `CREATE TABLE tenant_schema_extensions (
  tenant_id VARCHAR(255) NOT NULL,
  schema_key VARCHAR(512) NOT NULL,
  schema_id VARCHAR(512) NOT NULL,
  resource_type VARCHAR(64) NOT NULL,
  name MEDIUMTEXT NOT NULL,
  description MEDIUMTEXT NOT NULL,
  attributes JSON NOT NULL,
  updated_at VARCHAR(64) NOT NULL,
  PRIMARY KEY (tenant_id, schema_key),
  CONSTRAINT tenant_schema_extensions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE TABLE tenant_schema_settings (
  tenant_id VARCHAR(255) NOT NULL PRIMARY KEY,
  undeclared_extensions VARCHAR(16) NOT NULL,
  CONSTRAINT tenant_schema_settings_policy_check CHECK (undeclared_extensions IN ('keep', 'reject')),
  CONSTRAINT tenant_schema_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE TABLE tenant_schema_changes (
  id INTEGER NOT NULL PRIMARY KEY,
  changed_at VARCHAR(128) NOT NULL,
  CONSTRAINT tenant_schema_changes_one_row CHECK (id = 1)
) ${options}`,
  ],
};
