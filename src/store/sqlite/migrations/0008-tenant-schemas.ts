import type { Migration } from './migration.js';

/**
 * Each tenant's own extension schemas (declared through the admin API or
 * the CLI) and its policy for extension namespaces nobody declared.
 * `schema_key` is the lower-cased URN: URNs compare case-insensitively
 * (RFC 7643 §3), so one tenant cannot declare the same schema twice.
 * `tenant_schema_changes` holds one row, changed with every declaration, so
 * instances learn with one read whether their cached schemas are stale.
 */
export const tenantSchemasMigration: Migration = {
  version: 8,
  name: 'tenant-schemas',
  up: `
CREATE TABLE tenant_schema_extensions (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  schema_key TEXT NOT NULL,
  schema_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  attributes TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, schema_key)
);

CREATE TABLE tenant_schema_settings (
  tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  undeclared_extensions TEXT NOT NULL CHECK (undeclared_extensions IN ('keep', 'reject'))
);

CREATE TABLE tenant_schema_changes (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  changed_at TEXT NOT NULL
);
`,
};
