import type { MysqlMigration } from './migration.js';

/** Links to the embedding app's users: the SQLite history's version 11 (see src/store/sqlite/migrations/0011-app-user-links.ts) in MySQL types. */
export const appUserLinksMigration: MysqlMigration = {
  version: 11,
  name: 'app-user-links',
  statements: ({ options }) => [
    `CREATE TABLE app_user_links (
  tenant_id VARCHAR(255) NOT NULL,
  user_id VARCHAR(255) NOT NULL,
  app_user_id VARCHAR(255) NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  CONSTRAINT app_user_links_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    'CREATE UNIQUE INDEX app_user_links_app_user ON app_user_links (tenant_id, app_user_id)',
  ],
};
