import type { Migration } from './migration.js';

/** Per-tenant resource counts: the SQLite history's version 5 (see src/store/sqlite/migrations/0005-resource-counts.ts) in PostgreSQL types. */
export const resourceCountsMigration: Migration = {
  version: 5,
  name: 'resource-counts',
  up: `
CREATE TABLE resource_counts (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  resource_type text COLLATE "C" NOT NULL CHECK (resource_type IN ('User', 'Group')),
  count bigint NOT NULL,
  PRIMARY KEY (tenant_id, resource_type)
);
INSERT INTO resource_counts (tenant_id, resource_type, count)
  SELECT tenant_id, 'User', COUNT(*) FROM users GROUP BY tenant_id;
INSERT INTO resource_counts (tenant_id, resource_type, count)
  SELECT tenant_id, 'Group', COUNT(*) FROM groups GROUP BY tenant_id;
`,
};
