import type { Migration } from './migration.js';

/**
 * The transactional outbox: every change to a tenant's directory writes its
 * events here in the same transaction (src/events/event.ts).
 *
 * `event_sequences` holds each tenant's last sequence number. Writing it is
 * the last statement of every transaction that records events, so on
 * PostgreSQL the row lock it takes makes the tenant's sequence numbers
 * follow commit order: a reader that has seen sequence n never later finds
 * a new event below n (the event feed's `after` cursor relies on it).
 * `pruned_through` is the highest sequence removed by retention.
 */
export const eventsMigration: Migration = {
  version: 3,
  name: 'events',
  up: `
CREATE TABLE event_sequences (
  tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  last_sequence INTEGER NOT NULL,
  pruned_through INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  sequence INTEGER NOT NULL,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  -- The whole event as JSON, exactly as delivered.
  payload TEXT NOT NULL,
  PRIMARY KEY (tenant_id, sequence)
);
CREATE INDEX events_occurred_at ON events (occurred_at);
`,
};
