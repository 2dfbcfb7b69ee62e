import type { Migration } from './migration.js';

/** The request log's unused time index dropped: the SQLite history's version 16 (see src/store/sqlite/migrations/0016-request-log-pruning.ts). */
export const requestLogPruningMigration: Migration = {
  version: 16,
  name: 'request-log-pruning',
  up: `
DROP INDEX request_log_occurred_at;
`,
};
