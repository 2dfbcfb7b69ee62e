import type { Migration } from './migration.js';

/** The transactional outbox: the SQLite history's version 3 (see src/store/sqlite/migrations/0003-events.ts) in PostgreSQL types. */
export const eventsMigration: Migration = {
  version: 3,
  name: 'events',
  up: `
CREATE TABLE event_sequences (
  tenant_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  last_sequence bigint NOT NULL,
  pruned_through bigint NOT NULL DEFAULT 0
);

CREATE TABLE events (
  tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  sequence bigint NOT NULL,
  id text COLLATE "C" NOT NULL UNIQUE,
  type text COLLATE "C" NOT NULL,
  resource_type text COLLATE "C" NOT NULL,
  resource_id text COLLATE "C" NOT NULL,
  occurred_at text COLLATE "C" NOT NULL,
  -- text, not jsonb: delivered byte for byte as written.
  payload text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, sequence)
);
CREATE INDEX events_occurred_at ON events (occurred_at);
`,
};
