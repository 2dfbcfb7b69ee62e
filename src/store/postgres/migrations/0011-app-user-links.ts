import type { Migration } from './migration.js';

/** Links to the embedding app's users: the SQLite history's version 11 (see src/store/sqlite/migrations/0011-app-user-links.ts) in PostgreSQL types. */
export const appUserLinksMigration: Migration = {
  version: 11,
  name: 'app-user-links',
  up: `
CREATE TABLE app_user_links (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL,
  app_user_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE UNIQUE INDEX app_user_links_app_user ON app_user_links (tenant_id, app_user_id);
`,
};
