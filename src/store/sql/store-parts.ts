/**
 * The store parts, the same on every database: resource reads and writes,
 * tenants, events, webhooks, request log, event history, roles, the delete
 * policy's rows, tenants' declared schemas and setup links, all over the
 * driver's sessions. A database differs only in its driver (and what the
 * driver offers beyond sessions, like PostgreSQL's credential notice).
 */
import { SqlDeletionStore } from './deletion-store.js';
import { SqlEventStore } from './event-store.js';
import { SqlEventHistoryStore, SqlRequestLogStore } from './request-log-store.js';
import { SqlResourceReader } from './resource-reader.js';
import { SqlResourceWriter } from './resource-writer.js';
import { SqlSchemaDeclarationStore } from './schema-declaration-store.js';
import { SqlRoleStore } from './role-store.js';
import { SqlSetupLinkStore } from './setup-link-store.js';
import type { SqlDriver } from './session.js';
import type { SqlStoreParts } from './sql-store.js';
import { SqlTenantStore } from './tenant-store.js';
import { SqlWebhookStore } from './webhook-store.js';

export function sqlStoreParts(driver: SqlDriver): SqlStoreParts {
  return {
    reader: new SqlResourceReader(() => driver.committed()),
    tenants: new SqlTenantStore(driver),
    events: new SqlEventStore(driver),
    webhooks: new SqlWebhookStore(driver),
    requestLog: new SqlRequestLogStore(driver),
    eventHistory: new SqlEventHistoryStore(driver),
    schemaDeclarations: new SqlSchemaDeclarationStore(driver),
    roles: new SqlRoleStore(driver),
    deletions: new SqlDeletionStore(driver),
    setupLinks: new SqlSetupLinkStore(driver),
    writer: (session) => new SqlResourceWriter(session, (error) => driver.failure(error)),
  };
}
