import type { Migration } from './migration.js';

/** Setup links, the token's setup link, and the tenant health indexes: the SQLite history's version 12 (see src/store/sqlite/migrations/0012-setup-links.ts) in PostgreSQL types. */
export const setupLinksMigration: Migration = {
  version: 12,
  name: 'setup-links',
  up: `
CREATE TABLE setup_links (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  hash text COLLATE "C" NOT NULL UNIQUE,
  note text COLLATE "C",
  created_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C" NOT NULL,
  revoked_at text COLLATE "C",
  last_used_at text COLLATE "C"
);
CREATE INDEX setup_links_tenant ON setup_links (tenant_id, created_at);

ALTER TABLE tokens ADD COLUMN setup_link_id text COLLATE "C";

CREATE INDEX request_log_tenant_time ON request_log (tenant_id, occurred_at, status);
CREATE INDEX request_log_failures ON request_log (tenant_id, id) WHERE status >= 400;
CREATE INDEX users_inactive ON users (tenant_id) WHERE active = false;
CREATE INDEX deleted_users_state ON deleted_users (state, tenant_id);
CREATE INDEX webhook_deliveries_tenant_status ON webhook_deliveries (tenant_id, status, webhook_id);
`,
};
