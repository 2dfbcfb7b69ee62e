import type { MysqlMigration } from './migration.js';

/** OAuth 2.0 clients and their secrets: the SQLite history's version 13 (see src/store/sqlite/migrations/0013-oauth-clients.ts) in MySQL types. */
export const oauthClientsMigration: MysqlMigration = {
  version: 13,
  name: 'oauth-clients',
  statements: ({ options }) => [
    `CREATE TABLE oauth_clients (
  client_id VARCHAR(255) NOT NULL PRIMARY KEY,
  tenant_id VARCHAR(255) NOT NULL,
  name MEDIUMTEXT NOT NULL,
  created_at VARCHAR(64) NOT NULL,
  revoked_at VARCHAR(64),
  CONSTRAINT oauth_clients_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ${options}`,
    'CREATE INDEX oauth_clients_tenant ON oauth_clients (tenant_id)',
    `CREATE TABLE oauth_client_secrets (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  client_id VARCHAR(255) NOT NULL,
  prefix VARCHAR(255) NOT NULL,
  hash VARCHAR(255) NOT NULL,
  created_at VARCHAR(64) NOT NULL,
  expires_at VARCHAR(64),
  last_used_at VARCHAR(64),
  CONSTRAINT oauth_client_secrets_hash_key UNIQUE (hash),
  CONSTRAINT oauth_client_secrets_client_id_fkey FOREIGN KEY (client_id) REFERENCES oauth_clients (client_id) ON DELETE CASCADE
) ${options}`,
    'CREATE INDEX oauth_client_secrets_client ON oauth_client_secrets (client_id)',
    'ALTER TABLE tokens ADD COLUMN oauth_secret_id VARCHAR(255)',
    'CREATE INDEX tokens_oauth_secret ON tokens (oauth_secret_id)',
    'ALTER TABLE tokens ADD CONSTRAINT tokens_oauth_secret_id_fkey FOREIGN KEY (oauth_secret_id) REFERENCES oauth_client_secrets (id) ON DELETE CASCADE',
  ],
};
