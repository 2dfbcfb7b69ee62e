import type { Migration } from './migration.js';

/** Webhooks: the SQLite history's version 4 (see src/store/sqlite/migrations/0004-webhooks.ts) in PostgreSQL types. */
export const webhooksMigration: Migration = {
  version: 4,
  name: 'webhooks',
  up: `
CREATE TABLE webhooks (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url text COLLATE "C" NOT NULL,
  event_types text COLLATE "C" NOT NULL,
  enabled boolean NOT NULL,
  description text COLLATE "C" NOT NULL,
  secret text COLLATE "C" NOT NULL,
  previous_secret text COLLATE "C",
  previous_secret_expires_at text COLLATE "C",
  disabled_reason text COLLATE "C",
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  enqueued_through bigint NOT NULL
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id);

CREATE TABLE webhook_deliveries (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  webhook_id text COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  tenant_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  event_type text COLLATE "C" NOT NULL,
  resource_type text COLLATE "C" NOT NULL,
  resource_id text COLLATE "C" NOT NULL,
  payload text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL,
  next_attempt_at text COLLATE "C" NOT NULL,
  retry_window_start text COLLATE "C" NOT NULL,
  retry_window_attempts integer NOT NULL,
  claimed_until text COLLATE "C",
  claim_token text COLLATE "C",
  last_error text COLLATE "C",
  created_at text COLLATE "C" NOT NULL,
  completed_at text COLLATE "C",
  UNIQUE (webhook_id, sequence)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, sequence) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_resource_order ON webhook_deliveries (webhook_id, resource_type, resource_id, sequence) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (webhook_id, status, sequence);
CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (completed_at) WHERE status <> 'pending';

CREATE TABLE webhook_attempts (
  delivery_id text COLLATE "C" NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  started_at text COLLATE "C" NOT NULL,
  duration_ms integer NOT NULL,
  status_code integer,
  error text COLLATE "C",
  response_excerpt text COLLATE "C",
  PRIMARY KEY (delivery_id, attempt)
);
`,
};
