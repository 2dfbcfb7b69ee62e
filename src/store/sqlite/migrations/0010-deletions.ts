import type { Migration } from './migration.js';

/**
 * The delete policy and the mass-deprovisioning safeguard (docs/deletion.md).
 *
 * `deletion_settings` holds a tenant's choices and its safeguard's counting
 * window; a tenant without a row has the defaults (hard delete, safeguard
 * on). The window row is locked by every guarded delete, so concurrent
 * deletions of one tenant are counted one after the other.
 *
 * `deleted_users` keeps users that left SCIM but whose data is not gone yet:
 * soft-deleted ones until `purge_after`, and hard deletions the safeguard
 * holds (`state` 'held', `purge_after` NULL) until an operator decides. The
 * row leaves `users`, so reads, filters and the userName's uniqueness no
 * longer see it; `group_ids` are its direct groups, for a restore.
 */
export const deletionsMigration: Migration = {
  version: 10,
  name: 'deletions',
  up: `
CREATE TABLE deletion_settings (
  tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  delete_policy TEXT NOT NULL CHECK (delete_policy IN ('hard', 'soft')),
  soft_delete_days INTEGER NOT NULL,
  safeguard_enabled INTEGER NOT NULL,
  safeguard_percent INTEGER NOT NULL,
  safeguard_minimum INTEGER NOT NULL,
  safeguard_window_minutes INTEGER NOT NULL,
  window_started_at TEXT,
  window_users INTEGER NOT NULL DEFAULT 0,
  window_deletions INTEGER NOT NULL DEFAULT 0,
  tripped_at TEXT
);

CREATE TABLE deleted_users (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  external_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('soft', 'held')),
  attributes TEXT NOT NULL,
  password_hash TEXT,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version INTEGER NOT NULL,
  group_ids TEXT NOT NULL,
  base_url TEXT NOT NULL,
  deleted_at TEXT NOT NULL,
  purge_after TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deleted_users_external_id ON deleted_users (tenant_id, external_id);
CREATE INDEX deleted_users_purge_after ON deleted_users (purge_after);
`,
};
