import type { Migration } from './migration.js';

/**
 * The initial schema: the tables, columns and indexes of the SQLite history
 * (src/store/sqlite/migrations/0001-initial.ts), same version and name, in
 * PostgreSQL types:
 * - text is declared COLLATE "C": comparison and ORDER BY are then UTF-8
 *   byte order, i.e. code-point order, as with SQLite's BINARY collation and
 *   the in-memory evaluator, whatever the database's default collation; it
 *   is also the cheapest collation for the btree indexes;
 * - timestamps stay canonical `toISOString()` text (the port's format), so
 *   they compare and sort as text exactly as in SQLite and come back as
 *   written (timestamptz would need converting back and cannot hold year 0);
 * - `active` and `is_primary` are boolean, `attributes` jsonb.
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
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  name text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL
);

CREATE TABLE tokens (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  prefix text COLLATE "C" NOT NULL,
  hash text COLLATE "C" NOT NULL UNIQUE,
  created_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C",
  revoked_at text COLLATE "C",
  last_used_at text COLLATE "C"
);
CREATE INDEX tokens_tenant ON tokens (tenant_id);

CREATE TABLE users (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id text COLLATE "C" NOT NULL,
  user_name text COLLATE "C" NOT NULL,
  user_name_ci text COLLATE "C" NOT NULL,
  external_id text COLLATE "C",
  display_name text COLLATE "C",
  active boolean,
  attributes jsonb NOT NULL,
  password_hash text COLLATE "C",
  created text COLLATE "C" NOT NULL,
  last_modified text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- RFC 7643 §4.1.1: userName is unique within the service provider (here: the tenant), case-insensitively.
-- The store maps a violation of this index (SQLSTATE 23505, constraint users_user_name) to 409 uniqueness.
CREATE UNIQUE INDEX users_user_name ON users (tenant_id, user_name_ci);
CREATE INDEX users_external_id ON users (tenant_id, external_id);

-- One row per element of a User's "emails", rewritten on every User write,
-- so "emails.value eq" is an index lookup instead of a JSON scan.
CREATE TABLE user_emails (
  tenant_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  position integer NOT NULL,
  value_ci text COLLATE "C",
  type_ci text COLLATE "C",
  is_primary boolean,
  PRIMARY KEY (tenant_id, user_id, position),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- Covers every column an email filter reads, so a value filter such as
-- emails[type eq "work" and value eq "…"] can be an index-only scan.
CREATE INDEX user_emails_value ON user_emails (tenant_id, value_ci, type_ci, is_primary);

CREATE TABLE groups (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id text COLLATE "C" NOT NULL,
  display_name text COLLATE "C",
  display_name_ci text COLLATE "C",
  external_id text COLLATE "C",
  attributes jsonb NOT NULL,
  created text COLLATE "C" NOT NULL,
  last_modified text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_display_name ON groups (tenant_id, display_name_ci);
CREATE INDEX groups_external_id ON groups (tenant_id, external_id);

-- A member may be a User or a Group, so member_id cannot reference one
-- table: deleting a resource removes its member rows explicitly.
CREATE TABLE group_members (
  tenant_id text COLLATE "C" NOT NULL,
  group_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  member_type text COLLATE "C" NOT NULL CHECK (member_type IN ('User', 'Group')),
  PRIMARY KEY (tenant_id, group_id, member_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_member ON group_members (tenant_id, member_id);
`,
};
