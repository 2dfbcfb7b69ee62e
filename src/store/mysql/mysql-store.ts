/**
 * The MySQL/MariaDB store: the one SqlStore over the MySQL driver, with the
 * same parts as on the other databases. Only what the driver cannot give is
 * missing: MySQL has no LISTEN/NOTIFY, so `credentialChanges` is undefined
 * and instances read the token row on every request (a revocation holds on
 * every instance at once without a signal).
 */
import { SqlEventStore } from '../sql/event-store.js';
import { SqlEventHistoryStore, SqlRequestLogStore } from '../sql/request-log-store.js';
import { SqlResourceReader } from '../sql/resource-reader.js';
import { SqlResourceWriter } from '../sql/resource-writer.js';
import { SqlStore, type SqlStoreParts } from '../sql/sql-store.js';
import { SqlTenantStore } from '../sql/tenant-store.js';
import { SqlWebhookStore } from '../sql/webhook-store.js';
import type { MysqlSessions } from './mysql-sessions.js';
import { openMysqlSessions, type MysqlConnectionOptions } from './open-mysql-sessions.js';

export type MysqlStoreOptions = MysqlConnectionOptions;

export type MysqlStore = SqlStore;

function mysqlParts(sessions: MysqlSessions): SqlStoreParts {
  return {
    reader: new SqlResourceReader(() => sessions.committed()),
    tenants: new SqlTenantStore(sessions),
    events: new SqlEventStore(sessions),
    webhooks: new SqlWebhookStore(sessions),
    requestLog: new SqlRequestLogStore(sessions),
    eventHistory: new SqlEventHistoryStore(sessions),
    writer: (session) => new SqlResourceWriter(session, (error) => sessions.failure(error)),
  };
}

/** Connects, applies pending migrations (once, whatever the number of instances starting: see migrateMysql), and returns the store. */
export async function openMysqlStore(options: MysqlStoreOptions): Promise<MysqlStore> {
  const { sessions, migrations } = await openMysqlSessions(options);
  return new SqlStore({ driver: sessions, parts: mysqlParts(sessions), migrations, credentialChanges: undefined });
}
