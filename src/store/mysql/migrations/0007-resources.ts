import type { MysqlMigration } from './migration.js';

/**
 * The table of every resource type without a table of its own: the SQLite
 * history's version 7 (see src/store/sqlite/migrations/0007-resources.ts)
 * in MySQL types; resource_counts loses its CHECK on the type names.
 */
export const resourcesMigration: MysqlMigration = {
  version: 7,
  name: 'resources',
  statements: ({ options }) => [
    `CREATE TABLE resources (
  tenant_id VARCHAR(255) NOT NULL,
  resource_type VARCHAR(64) NOT NULL,
  id VARCHAR(255) NOT NULL,
  external_id MEDIUMTEXT,
  attributes JSON NOT NULL,
  created VARCHAR(64) NOT NULL,
  last_modified VARCHAR(64) NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT resources_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX resources_type ON resources (tenant_id, resource_type, id)`,
    `CREATE INDEX resources_external_id ON resources (tenant_id, resource_type, external_id(255))`,
    `ALTER TABLE resource_counts DROP CONSTRAINT resource_counts_resource_type_check`,
  ],
};
