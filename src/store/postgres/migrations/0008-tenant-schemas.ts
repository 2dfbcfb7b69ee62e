import type { Migration } from './migration.js';

/** Tenants' own extension schemas: the SQLite history's version 8 (src/store/sqlite/migrations/0008-tenant-schemas.ts) in PostgreSQL types. */
export const tenantSchemasMigration: Migration = {
  version: 8,
  name: 'tenant-schemas',
  up: `
CREATE TABLE tenant_schema_extensions (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  schema_key text COLLATE "C" NOT NULL,
  schema_id text COLLATE "C" NOT NULL,
  resource_type text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  description text COLLATE "C" NOT NULL,
  attributes jsonb NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, schema_key)
);

CREATE TABLE tenant_schema_settings (
  tenant_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  undeclared_extensions text COLLATE "C" NOT NULL CHECK (undeclared_extensions IN ('keep', 'reject'))
);

CREATE TABLE tenant_schema_changes (
  id integer NOT NULL PRIMARY KEY CHECK (id = 1),
  changed_at text COLLATE "C" NOT NULL
);
`,
};
