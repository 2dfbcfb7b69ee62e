import type { Migration } from './migration.js';

/**
 * The table of every resource type without a table of its own (one an
 * embedding app registers): the common attributes in columns, everything
 * else in the JSON, as in users and groups. Ids are unique per tenant
 * across types, as the server makes them, so the key is (tenant_id, id)
 * and a member check finds an id without knowing its type; lists read
 * (tenant_id, resource_type, …).
 *
 * resource_counts counts those types too: its CHECK on the type names
 * goes, which SQLite can only do by building the table again.
 */
export const resourcesMigration: Migration = {
  version: 7,
  name: 'resources',
  up: `
CREATE TABLE resources (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  external_id TEXT,
  attributes TEXT NOT NULL,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX resources_type ON resources (tenant_id, resource_type, id);
CREATE INDEX resources_external_id ON resources (tenant_id, resource_type, external_id);

CREATE TABLE resource_counts_of_any_type (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, resource_type)
);
INSERT INTO resource_counts_of_any_type (tenant_id, resource_type, count) SELECT tenant_id, resource_type, count FROM resource_counts;
DROP TABLE resource_counts;
ALTER TABLE resource_counts_of_any_type RENAME TO resource_counts;
`,
};
