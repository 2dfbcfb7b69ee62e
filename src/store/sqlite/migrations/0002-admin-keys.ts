import type { Migration } from './migration.js';

/** Operator keys for the admin API (/admin/v1): stored as keyed hashes, like bearer tokens. */
export const adminKeysMigration: Migration = {
  version: 2,
  name: 'admin-keys',
  up: `
CREATE TABLE admin_keys (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
`,
};
