import type { Migration } from './migration.js';

/** The delete policy and the safeguard: the SQLite history's version 10 (see src/store/sqlite/migrations/0010-deletions.ts) in PostgreSQL types. */
export const deletionsMigration: Migration = {
  version: 10,
  name: 'deletions',
  up: `
CREATE TABLE deletion_settings (
  tenant_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  delete_policy text COLLATE "C" NOT NULL CHECK (delete_policy IN ('hard', 'soft')),
  soft_delete_days integer NOT NULL,
  safeguard_enabled boolean NOT NULL,
  safeguard_percent integer NOT NULL,
  safeguard_minimum integer NOT NULL,
  safeguard_window_minutes integer NOT NULL,
  window_started_at text COLLATE "C",
  window_users bigint NOT NULL DEFAULT 0,
  window_deletions bigint NOT NULL DEFAULT 0,
  tripped_at text COLLATE "C"
);

CREATE TABLE deleted_users (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id text COLLATE "C" NOT NULL,
  external_id text COLLATE "C",
  state text COLLATE "C" NOT NULL CHECK (state IN ('soft', 'held')),
  attributes text COLLATE "C" NOT NULL,
  password_hash text COLLATE "C",
  created text COLLATE "C" NOT NULL,
  last_modified text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  group_ids text COLLATE "C" NOT NULL,
  base_url text COLLATE "C" NOT NULL,
  deleted_at text COLLATE "C" NOT NULL,
  purge_after text COLLATE "C",
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deleted_users_external_id ON deleted_users (tenant_id, external_id);
CREATE INDEX deleted_users_purge_after ON deleted_users (purge_after);
`,
};
