import type { Migration } from './migration.js';

/**
 * The initial schema. Kept to SQL that PostgreSQL also accepts where it can
 * (the PostgreSQL history replays the same versions); WITHOUT ROWID is the
 * SQLite-only exception, for the two side tables that are only ever reached
 * through their primary key.
 *
 * `*_ci` columns hold the JavaScript `toLowerCase()` of their source column,
 * computed by the store, so indexed case-insensitive lookups agree with the
 * in-memory filter evaluator on non-ASCII text.
 */
export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE tenants (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE tokens (
  id TEXT NOT NULL PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE INDEX tokens_tenant ON tokens (tenant_id);

CREATE TABLE users (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  user_name_ci TEXT NOT NULL,
  external_id TEXT,
  display_name TEXT,
  active INTEGER,
  attributes TEXT NOT NULL,
  password_hash TEXT,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- RFC 7643 §4.1.1: userName is unique within the service provider (here: the tenant), case-insensitively.
CREATE UNIQUE INDEX users_user_name ON users (tenant_id, user_name_ci);
CREATE INDEX users_external_id ON users (tenant_id, external_id);

-- One row per element of a User's "emails", rewritten on every User write,
-- so "emails.value eq" is an index lookup instead of a JSON scan.
CREATE TABLE user_emails (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  value_ci TEXT,
  type_ci TEXT,
  is_primary INTEGER,
  PRIMARY KEY (tenant_id, user_id, position),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Covers every column an email filter reads, so a value filter such as
-- emails[type eq "work" and value eq "…"] is answered from the index alone.
CREATE INDEX user_emails_value ON user_emails (tenant_id, value_ci, type_ci, is_primary);

CREATE TABLE groups (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  display_name TEXT,
  display_name_ci TEXT,
  external_id TEXT,
  attributes TEXT NOT NULL,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_display_name ON groups (tenant_id, display_name_ci);
CREATE INDEX groups_external_id ON groups (tenant_id, external_id);

-- A member may be a User or a Group, so member_id cannot reference one
-- table: deleting a resource removes its member rows explicitly.
CREATE TABLE group_members (
  tenant_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  member_type TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
  PRIMARY KEY (tenant_id, group_id, member_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX group_members_member ON group_members (tenant_id, member_id);
`,
};
