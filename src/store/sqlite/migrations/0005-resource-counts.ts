import type { Migration } from './migration.js';

/**
 * How many Users and how many Groups each tenant holds, kept by the writes
 * that insert and delete them (in their own transaction), so the
 * `totalResults` of an unfiltered list is one row read instead of a count
 * of the whole tenant: at 1,000,000 users that count was most of a page's
 * cost. Filtered lists still count what matches.
 */
export const resourceCountsMigration: Migration = {
  version: 5,
  name: 'resource-counts',
  up: `
CREATE TABLE resource_counts (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
  count INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, resource_type)
);
INSERT INTO resource_counts (tenant_id, resource_type, count)
  SELECT tenant_id, 'User', COUNT(*) FROM users GROUP BY tenant_id;
INSERT INTO resource_counts (tenant_id, resource_type, count)
  SELECT tenant_id, 'Group', COUNT(*) FROM groups GROUP BY tenant_id;
`,
};
