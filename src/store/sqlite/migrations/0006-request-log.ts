import type { Migration } from './migration.js';

/**
 * The per-tenant request log (src/request-log): one row per SCIM request,
 * written in batches off the request's path, pruned by age and by a row cap
 * per tenant. No foreign key to `tenants`: a failed authentication names a
 * tenant that may not exist, and one bad row must never fail a whole batch;
 * pruning removes the rows of deleted tenants instead.
 *
 * Events get the id of the request that caused them (`request_id`, NULL for
 * changes made outside HTTP, e.g. by the CLI), and an index per resource
 * for a user's history.
 */
export const requestLogMigration: Migration = {
  version: 6,
  name: 'request-log',
  up: `
CREATE TABLE request_log (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  request_id TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT,
  status INTEGER NOT NULL,
  scim_type TEXT,
  detail TEXT,
  auth_failure TEXT,
  latency_ms REAL NOT NULL,
  client_address TEXT,
  user_agent TEXT,
  idp TEXT,
  resource_id TEXT,
  request_body TEXT,
  response_body TEXT
);
CREATE INDEX request_log_tenant ON request_log (tenant_id, id);
CREATE INDEX request_log_request_id ON request_log (tenant_id, request_id);
CREATE INDEX request_log_occurred_at ON request_log (occurred_at);

ALTER TABLE events ADD COLUMN request_id TEXT;
CREATE INDEX events_request_id ON events (tenant_id, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX events_resource ON events (tenant_id, resource_id, sequence);
`,
};
