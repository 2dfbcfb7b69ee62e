import type { Migration } from './migration.js';

/**
 * The request log is pruned tenant by tenant, through the indexes that lead
 * with the tenant (src/store/sql/request-log-store.ts), so nothing reads
 * `request_log_occurred_at` any more; pruning by age was its only reader,
 * and even that scanned the table. Dropped, so that the log's inserts (one
 * row per SCIM request) no longer maintain it: about 0.4 µs of the 8 µs an
 * entry costs on SQLite (docs/benchmarks.md).
 */
export const requestLogPruningMigration: Migration = {
  version: 16,
  name: 'request-log-pruning',
  up: `
DROP INDEX request_log_occurred_at;
`,
};
