import type { Migration } from './migration.js';

/** Group → role mapping: the SQLite history's version 9 (src/store/sqlite/migrations/0009-roles.ts) in PostgreSQL types. */
export const rolesMigration: Migration = {
  version: 9,
  name: 'roles',
  up: `
CREATE TABLE role_mappings (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id text COLLATE "C" NOT NULL,
  match_by text COLLATE "C" NOT NULL CHECK (match_by IN ('displayName', 'externalId', 'id')),
  match_value text COLLATE "C" NOT NULL,
  match_key text COLLATE "C" NOT NULL,
  role text COLLATE "C" NOT NULL,
  precedence integer NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX role_mappings_rule ON role_mappings (tenant_id, match_by, match_key, role);

CREATE TABLE role_settings (
  tenant_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  default_role text COLLATE "C"
);

CREATE TABLE user_roles (
  tenant_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  roles text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO user_roles (tenant_id, user_id, roles) SELECT tenant_id, id, '[]' FROM users;
`,
};
