import type { Migration } from './migration.js';

/** Operator keys for the admin API (/admin/v1): stored as keyed hashes, like bearer tokens. */
export const adminKeysMigration: Migration = {
  version: 2,
  name: 'admin-keys',
  up: `
CREATE TABLE admin_keys (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  name text COLLATE "C" NOT NULL,
  prefix text COLLATE "C" NOT NULL,
  hash text COLLATE "C" NOT NULL UNIQUE,
  created_at text COLLATE "C" NOT NULL,
  revoked_at text COLLATE "C",
  last_used_at text COLLATE "C"
);
`,
};
