import type { Migration } from './migration.js';

/**
 * Setup links (src/setup-links): a link the operator sends to a customer's
 * IT admin, opening the setup portal for one tenant. Only the keyed hash of
 * its secret is stored, like tokens. The link row is read on every use, so
 * a revocation holds at once on every instance without a cache signal.
 *
 * `tokens.setup_link_id` names the link through which the portal created a
 * token, so the operator sees which tokens the customer made. It has no
 * foreign key: links are revoked, never deleted, and both go with their
 * tenant.
 *
 * The other indexes serve the tenant health overview (src/tenant-health),
 * which reads each fact for every tenant in one grouped statement:
 * - the requests of the last 24 hours by tenant and status, from the index alone;
 * - each tenant's latest failed request (failures are the rare rows);
 * - inactive users (active users = the user count minus these);
 * - held deletions, and pending or failed webhook deliveries, by tenant.
 *   That index leads with tenant_id: led by status, the planner would take it
 *   for the delivery claim's `status = 'pending'` (no statistics say otherwise)
 *   instead of the partial due index, and sort every pending delivery per poll.
 */
export const setupLinksMigration: Migration = {
  version: 12,
  name: 'setup-links',
  up: `
CREATE TABLE setup_links (
  id TEXT NOT NULL PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  hash TEXT NOT NULL UNIQUE,
  note TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE INDEX setup_links_tenant ON setup_links (tenant_id, created_at);

ALTER TABLE tokens ADD COLUMN setup_link_id TEXT;

CREATE INDEX request_log_tenant_time ON request_log (tenant_id, occurred_at, status);
CREATE INDEX request_log_failures ON request_log (tenant_id, id) WHERE status >= 400;
CREATE INDEX users_inactive ON users (tenant_id) WHERE active = 0;
CREATE INDEX deleted_users_state ON deleted_users (state, tenant_id);
CREATE INDEX webhook_deliveries_tenant_status ON webhook_deliveries (tenant_id, status, webhook_id);
`,
};
