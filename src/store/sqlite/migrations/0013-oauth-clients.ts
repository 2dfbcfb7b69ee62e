import type { Migration } from './migration.js';

/**
 * OAuth 2.0 clients of a tenant (RFC 6749 §4.4, client credentials): the
 * client id is public and random, so it is the key. A client has one or
 * more secrets (several during a rotation's overlap), each stored as its
 * keyed hash like bearer tokens. The access tokens a secret issues are rows
 * of `tokens` that name it, so the bearer path authenticates them unchanged
 * and everything that ends a secret (rotation, revocation of the client,
 * deletion of the tenant) reaches them in the same statement or cascade.
 * Version 12 belongs to another line of work; versions need only be unique.
 */
export const oauthClientsMigration: Migration = {
  version: 13,
  name: 'oauth-clients',
  up: `
CREATE TABLE oauth_clients (
  client_id TEXT NOT NULL PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX oauth_clients_tenant ON oauth_clients (tenant_id);

CREATE TABLE oauth_client_secrets (
  id TEXT NOT NULL PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  last_used_at TEXT
);
CREATE INDEX oauth_client_secrets_client ON oauth_client_secrets (client_id);

ALTER TABLE tokens ADD COLUMN oauth_secret_id TEXT REFERENCES oauth_client_secrets (id) ON DELETE CASCADE;
CREATE INDEX tokens_oauth_secret ON tokens (oauth_secret_id);
`,
};
