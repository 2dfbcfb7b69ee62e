import type { Migration } from './migration.js';

/**
 * Group → role mapping (docs/roles.md): the operator's rules per tenant,
 * the tenant's default role, and every user's effective roles, kept
 * current by the writes that change them so reading them costs one row.
 *
 * `match_key` is what a rule is compared on: the JavaScript toLowerCase()
 * of a displayName (Group displayName is not caseExact, RFC 7643 §4.2),
 * an externalId or id as written. One rule per (match, role).
 *
 * Users that exist before this step hold no role yet (there are no rules):
 * each gets its row with an empty list, so every user has one.
 */
export const rolesMigration: Migration = {
  version: 9,
  name: 'roles',
  up: `
CREATE TABLE role_mappings (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  match_by TEXT NOT NULL CHECK (match_by IN ('displayName', 'externalId', 'id')),
  match_value TEXT NOT NULL,
  match_key TEXT NOT NULL,
  role TEXT NOT NULL,
  precedence INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX role_mappings_rule ON role_mappings (tenant_id, match_by, match_key, role);

CREATE TABLE role_settings (
  tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  default_role TEXT
);

CREATE TABLE user_roles (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  roles TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO user_roles (tenant_id, user_id, roles) SELECT tenant_id, id, '[]' FROM users;
`,
};
