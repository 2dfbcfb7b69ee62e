import type { MysqlMigration } from './migration.js';

/**
 * The initial schema: the tables, columns and indexes of the SQLite history
 * (src/store/sqlite/migrations/0001-initial.ts), same version and name, in
 * MySQL types:
 * - every table is InnoDB (row locks, foreign keys) in utf8mb4 (4-byte
 *   UTF-8, emoji) with the engine's binary, non-padding collation:
 *   code-point order as with SQLite's BINARY and PostgreSQL's "C";
 * - keys are VARCHAR(255): 255 characters of utf8mb4 are 1020 bytes, so
 *   two of them and a 255-character prefix fit InnoDB's 3072-byte key.
 *   Ids, tenant ids and token hashes are written by the server and are
 *   shorter; a longer id in a request simply matches no row;
 * - text a client sends is MEDIUMTEXT: the core accepts strings of up to
 *   64 Ki characters (src/core/resource/limits.ts), i.e. up to 256 KiB of
 *   UTF-8, more than TEXT's 64 KiB. Indexes on such columns cover a
 *   255-character prefix, and the unique userName index is on a SHA-256 of
 *   the whole folded value, so uniqueness is exact at any length;
 * - timestamps stay canonical `toISOString()` text, as on the other databases;
 * - `active` and `is_primary` are BOOLEAN (TINYINT(1)); `attributes` JSON
 *   (on MariaDB LONGTEXT checked by JSON_VALID).
 *
 * `*_ci` columns hold the JavaScript `toLowerCase()` of their source column,
 * computed by the store. "groups" is quoted: GROUPS is a reserved word of
 * MySQL 8 (the driver runs in ANSI_QUOTES mode).
 */
export const initialMigration: MysqlMigration = {
  version: 1,
  name: 'initial',
  statements: ({ options }) => [
    `CREATE TABLE tenants (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name MEDIUMTEXT NOT NULL,
  created_at VARCHAR(64) NOT NULL
) ${options}`,
    `CREATE TABLE tokens (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  tenant_id VARCHAR(255) NOT NULL,
  name MEDIUMTEXT NOT NULL,
  prefix VARCHAR(255) NOT NULL,
  hash VARCHAR(255) NOT NULL,
  created_at VARCHAR(64) NOT NULL,
  expires_at VARCHAR(64),
  revoked_at VARCHAR(64),
  last_used_at VARCHAR(64),
  CONSTRAINT tokens_hash_key UNIQUE (hash),
  CONSTRAINT tokens_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX tokens_tenant ON tokens (tenant_id)`,
    `CREATE TABLE users (
  tenant_id VARCHAR(255) NOT NULL,
  id VARCHAR(255) NOT NULL,
  user_name MEDIUMTEXT NOT NULL,
  user_name_ci MEDIUMTEXT NOT NULL,
  user_name_key BINARY(32) AS (UNHEX(SHA2(user_name_ci, 256))) STORED,
  external_id MEDIUMTEXT,
  display_name MEDIUMTEXT,
  active BOOLEAN,
  attributes JSON NOT NULL,
  password_hash MEDIUMTEXT,
  created VARCHAR(64) NOT NULL,
  last_modified VARCHAR(64) NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    // RFC 7643 §4.1.1: userName is unique within the tenant, case-insensitively.
    // The store maps a violation of this index (1062 on key users_user_name) to 409 uniqueness.
    `CREATE UNIQUE INDEX users_user_name ON users (tenant_id, user_name_key)`,
    // For lookups and ranges on the folded userName (the unique index above holds only hashes).
    `CREATE INDEX users_user_name_ci ON users (tenant_id, user_name_ci(255))`,
    `CREATE INDEX users_external_id ON users (tenant_id, external_id(255))`,
    `CREATE TABLE user_emails (
  tenant_id VARCHAR(255) NOT NULL,
  user_id VARCHAR(255) NOT NULL,
  position INTEGER NOT NULL,
  value_ci MEDIUMTEXT,
  type_ci MEDIUMTEXT,
  is_primary BOOLEAN,
  PRIMARY KEY (tenant_id, user_id, position),
  CONSTRAINT user_emails_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX user_emails_value ON user_emails (tenant_id, value_ci(255))`,
    `CREATE TABLE "groups" (
  tenant_id VARCHAR(255) NOT NULL,
  id VARCHAR(255) NOT NULL,
  display_name MEDIUMTEXT,
  display_name_ci MEDIUMTEXT,
  external_id MEDIUMTEXT,
  attributes JSON NOT NULL,
  created VARCHAR(64) NOT NULL,
  last_modified VARCHAR(64) NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT groups_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX groups_display_name ON "groups" (tenant_id, display_name_ci(255))`,
    `CREATE INDEX groups_external_id ON "groups" (tenant_id, external_id(255))`,
    // A member may be a User or a Group, so member_id cannot reference one
    // table: deleting a resource removes its member rows explicitly.
    `CREATE TABLE group_members (
  tenant_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(255) NOT NULL,
  member_id VARCHAR(255) NOT NULL,
  member_type VARCHAR(32) NOT NULL,
  PRIMARY KEY (tenant_id, group_id, member_id),
  CONSTRAINT group_members_member_type_check CHECK (member_type IN ('User', 'Group')),
  CONSTRAINT group_members_tenant_id_group_id_fkey FOREIGN KEY (tenant_id, group_id) REFERENCES "groups" (tenant_id, id) ON DELETE CASCADE
) ${options}`,
    `CREATE INDEX group_members_member ON group_members (tenant_id, member_id)`,
  ],
};
