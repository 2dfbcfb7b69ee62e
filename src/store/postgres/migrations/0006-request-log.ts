import type { Migration } from './migration.js';

/** The request log and events' request ids: the SQLite history's version 6 (see src/store/sqlite/migrations/0006-request-log.ts) in PostgreSQL types. */
export const requestLogMigration: Migration = {
  version: 6,
  name: 'request-log',
  up: `
CREATE TABLE request_log (
  id bigserial PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL,
  occurred_at text COLLATE "C" NOT NULL,
  request_id text COLLATE "C" NOT NULL,
  method text COLLATE "C" NOT NULL,
  path text COLLATE "C" NOT NULL,
  query text COLLATE "C",
  status integer NOT NULL,
  scim_type text COLLATE "C",
  detail text COLLATE "C",
  auth_failure text COLLATE "C",
  latency_ms double precision NOT NULL,
  client_address text COLLATE "C",
  user_agent text COLLATE "C",
  idp text COLLATE "C",
  resource_id text COLLATE "C",
  request_body text COLLATE "C",
  response_body text COLLATE "C"
);
CREATE INDEX request_log_tenant ON request_log (tenant_id, id);
CREATE INDEX request_log_request_id ON request_log (tenant_id, request_id);
CREATE INDEX request_log_occurred_at ON request_log (occurred_at);

ALTER TABLE events ADD COLUMN request_id text COLLATE "C";
CREATE INDEX events_request_id ON events (tenant_id, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX events_resource ON events (tenant_id, resource_id, sequence);
`,
};
