import type { MysqlMigration } from './migration.js';

/** Operator keys for the admin API (/admin/v1): stored as keyed hashes, like bearer tokens. */
export const adminKeysMigration: MysqlMigration = {
  version: 2,
  name: 'admin-keys',
  statements: ({ options }) => [
    `CREATE TABLE admin_keys (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name MEDIUMTEXT NOT NULL,
  prefix VARCHAR(255) NOT NULL,
  hash VARCHAR(255) NOT NULL,
  created_at VARCHAR(64) NOT NULL,
  revoked_at VARCHAR(64),
  last_used_at VARCHAR(64),
  CONSTRAINT admin_keys_hash_key UNIQUE (hash)
) ${options}`,
  ],
};
