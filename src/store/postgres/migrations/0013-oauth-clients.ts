import type { Migration } from './migration.js';

/** OAuth 2.0 clients and their secrets: the SQLite history's version 13 (see src/store/sqlite/migrations/0013-oauth-clients.ts) in PostgreSQL types. */
export const oauthClientsMigration: Migration = {
  version: 13,
  name: 'oauth-clients',
  up: `
CREATE TABLE oauth_clients (
  client_id text COLLATE "C" NOT NULL PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  revoked_at text COLLATE "C"
);
CREATE INDEX oauth_clients_tenant ON oauth_clients (tenant_id);

CREATE TABLE oauth_client_secrets (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  client_id text COLLATE "C" NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  prefix text COLLATE "C" NOT NULL,
  hash text COLLATE "C" NOT NULL UNIQUE,
  created_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C",
  last_used_at text COLLATE "C"
);
CREATE INDEX oauth_client_secrets_client ON oauth_client_secrets (client_id);

ALTER TABLE tokens ADD COLUMN oauth_secret_id text COLLATE "C" REFERENCES oauth_client_secrets (id) ON DELETE CASCADE;
CREATE INDEX tokens_oauth_secret ON tokens (oauth_secret_id);
`,
};
