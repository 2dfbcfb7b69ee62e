import type { Migration } from './migration.js';

/**
 * Webhooks: per-tenant endpoints that receive the outbox's events.
 * `enqueued_through` is the last event sequence of the tenant already
 * turned into deliveries for this webhook; retention never prunes an event
 * above it.
 *
 * Secrets are stored encrypted (AES-256-GCM, src/webhooks/secret-box.ts),
 * never hashed: they must sign. During a rotation the previous secret signs
 * too, until `previous_secret_expires_at`.
 *
 * A delivery holds its own copy of the event (`payload`), so retention may
 * prune the event once every webhook has enqueued it. UNIQUE (webhook_id,
 * sequence) is the last line of exactly-once enqueueing. A delivery is
 * `pending` until it `succeeded` or `failed`; while an instance sends it,
 * `claimed_until` (its lease) and `claim_token` say so.
 */
export const webhooksMigration: Migration = {
  version: 4,
  name: 'webhooks',
  up: `
CREATE TABLE webhooks (
  id TEXT NOT NULL PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  -- A JSON array of event types; [] means every type.
  event_types TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  description TEXT NOT NULL,
  secret TEXT NOT NULL,
  previous_secret TEXT,
  previous_secret_expires_at TEXT,
  disabled_reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  enqueued_through INTEGER NOT NULL
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id);

CREATE TABLE webhook_deliveries (
  id TEXT NOT NULL PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  -- The retry budget (max attempts, max age) counts from here: creation, or the last replay.
  retry_window_start TEXT NOT NULL,
  retry_window_attempts INTEGER NOT NULL,
  claimed_until TEXT,
  claim_token TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  completed_at TEXT,
  UNIQUE (webhook_id, sequence)
);
-- The claim: pending deliveries by due time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, sequence) WHERE status = 'pending';
-- Order per resource: is an earlier delivery of this resource still pending?
CREATE INDEX webhook_deliveries_resource_order ON webhook_deliveries (webhook_id, resource_type, resource_id, sequence) WHERE status = 'pending';
-- Listing a webhook's deliveries by status; pruning completed ones.
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (webhook_id, status, sequence);
CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (completed_at) WHERE status <> 'pending';

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  response_excerpt TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
`,
};
