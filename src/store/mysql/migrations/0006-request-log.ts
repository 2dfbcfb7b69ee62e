import type { MysqlMigration } from './migration.js';

/**
 * The request log and events' request ids: the SQLite history's version 6
 * (see src/store/sqlite/migrations/0006-request-log.ts) in MySQL types.
 * Request ids, paths and resource ids come from the client's request as
 * sent (a request for a 10 KB id is logged too), so they are MEDIUMTEXT,
 * indexed by a prefix.
 */
export const requestLogMigration: MysqlMigration = {
  version: 6,
  name: 'request-log',
  statements: ({ options }) => [
    `CREATE TABLE request_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id VARCHAR(255) NOT NULL,
  occurred_at VARCHAR(64) NOT NULL,
  request_id MEDIUMTEXT NOT NULL,
  method VARCHAR(32) NOT NULL,
  path MEDIUMTEXT NOT NULL,
  query MEDIUMTEXT,
  status INTEGER NOT NULL,
  scim_type VARCHAR(255),
  detail MEDIUMTEXT,
  auth_failure VARCHAR(255),
  latency_ms DOUBLE NOT NULL,
  client_address VARCHAR(255),
  user_agent MEDIUMTEXT,
  idp MEDIUMTEXT,
  resource_id MEDIUMTEXT,
  request_body LONGTEXT,
  response_body LONGTEXT
) ${options}`,
    `CREATE INDEX request_log_tenant ON request_log (tenant_id, id)`,
    `CREATE INDEX request_log_request_id ON request_log (tenant_id, request_id(255))`,
    `CREATE INDEX request_log_occurred_at ON request_log (occurred_at)`,
    `ALTER TABLE events ADD COLUMN request_id MEDIUMTEXT`,
    `CREATE INDEX events_request_id ON events (tenant_id, request_id(255))`,
    `CREATE INDEX events_resource ON events (tenant_id, resource_id, sequence)`,
  ],
};
