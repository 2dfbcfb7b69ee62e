import type { MysqlMigration } from './migration.js';

/**
 * Group → role mapping: the SQLite history's version 9 (see
 * src/store/sqlite/migrations/0009-roles.ts) in MySQL types. Rule values
 * and keys are at most 255 characters and role names 100 (src/roles/role-rules.ts),
 * so the rule's unique index fits InnoDB's 3072-byte key in utf8mb4.
 */
export const rolesMigration: MysqlMigration = {
  version: 9,
  name: 'roles',
  statements: ({ options }) => [
    `CREATE TABLE role_mappings (
  tenant_id VARCHAR(255) NOT NULL,
  id VARCHAR(255) NOT NULL,
  match_by VARCHAR(16) NOT NULL,
  match_value VARCHAR(255) NOT NULL,
  match_key VARCHAR(255) NOT NULL,
  role VARCHAR(100) NOT NULL,
  precedence INTEGER NOT NULL,
  created_at VARCHAR(64) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT role_mappings_match_by_check CHECK (match_by IN ('displayName', 'externalId', 'id')),
  CONSTRAINT role_mappings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE UNIQUE INDEX role_mappings_rule ON role_mappings (tenant_id, match_by, match_key, role)`,
    `CREATE TABLE role_settings (
  tenant_id VARCHAR(255) NOT NULL PRIMARY KEY,
  default_role VARCHAR(100),
  CONSTRAINT role_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE TABLE user_roles (
  tenant_id VARCHAR(255) NOT NULL,
  user_id VARCHAR(255) NOT NULL,
  roles MEDIUMTEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  CONSTRAINT user_roles_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) ${options}`,
    `INSERT INTO user_roles (tenant_id, user_id, roles) SELECT tenant_id, id, '[]' FROM users`,
  ],
};
