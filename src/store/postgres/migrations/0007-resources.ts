import type { Migration } from './migration.js';

/**
 * The table of every resource type without a table of its own: the SQLite
 * history's version 7 (see src/store/sqlite/migrations/0007-resources.ts)
 * in PostgreSQL types; resource_counts loses its CHECK on the type names.
 */
export const resourcesMigration: Migration = {
  version: 7,
  name: 'resources',
  up: `
CREATE TABLE resources (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  resource_type text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  external_id text COLLATE "C",
  attributes jsonb NOT NULL,
  created text COLLATE "C" NOT NULL,
  last_modified text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX resources_type ON resources (tenant_id, resource_type, id);
CREATE INDEX resources_external_id ON resources (tenant_id, resource_type, external_id);

ALTER TABLE resource_counts DROP CONSTRAINT resource_counts_resource_type_check;
`,
};
