import type { MysqlMigration } from './migration.js';

/** The delete policy and the safeguard: the SQLite history's version 10 (see src/store/sqlite/migrations/0010-deletions.ts) in MySQL types. */
export const deletionsMigration: MysqlMigration = {
  version: 10,
  name: 'deletions',
  statements: ({ options }) => [
    `CREATE TABLE deletion_settings (
  tenant_id VARCHAR(255) NOT NULL PRIMARY KEY,
  delete_policy VARCHAR(16) NOT NULL,
  soft_delete_days INTEGER NOT NULL,
  safeguard_enabled BOOLEAN NOT NULL,
  safeguard_percent INTEGER NOT NULL,
  safeguard_minimum INTEGER NOT NULL,
  safeguard_window_minutes INTEGER NOT NULL,
  window_started_at VARCHAR(64),
  window_users BIGINT NOT NULL DEFAULT 0,
  window_deletions BIGINT NOT NULL DEFAULT 0,
  tripped_at VARCHAR(64),
  CONSTRAINT deletion_settings_delete_policy_check CHECK (delete_policy IN ('hard', 'soft')),
  CONSTRAINT deletion_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    // attributes is text, not JSON: kept as written, never queried inside.
    `CREATE TABLE deleted_users (
  tenant_id VARCHAR(255) NOT NULL,
  id VARCHAR(255) NOT NULL,
  external_id MEDIUMTEXT,
  state VARCHAR(16) NOT NULL,
  attributes LONGTEXT NOT NULL,
  password_hash MEDIUMTEXT,
  created VARCHAR(64) NOT NULL,
  last_modified VARCHAR(64) NOT NULL,
  version BIGINT NOT NULL,
  group_ids LONGTEXT NOT NULL,
  base_url MEDIUMTEXT NOT NULL,
  deleted_at VARCHAR(64) NOT NULL,
  purge_after VARCHAR(64),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT deleted_users_state_check CHECK (state IN ('soft', 'held')),
  CONSTRAINT deleted_users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX deleted_users_external_id ON deleted_users (tenant_id, external_id(255))`,
    `CREATE INDEX deleted_users_purge_after ON deleted_users (purge_after)`,
  ],
};
