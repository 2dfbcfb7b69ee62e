import { initialMigration } from './0001-initial.js';
import { adminKeysMigration } from './0002-admin-keys.js';
import { eventsMigration } from './0003-events.js';
import { webhooksMigration } from './0004-webhooks.js';
import { resourceCountsMigration } from './0005-resource-counts.js';
import { requestLogMigration } from './0006-request-log.js';
import { resourcesMigration } from './0007-resources.js';
import { tenantSchemasMigration } from './0008-tenant-schemas.js';
import { rolesMigration } from './0009-roles.js';
import { deletionsMigration } from './0010-deletions.js';
import { appUserLinksMigration } from './0011-app-user-links.js';
import { setupLinksMigration } from './0012-setup-links.js';
import { oauthClientsMigration } from './0013-oauth-clients.js';
import { eventConsumersMigration } from './0014-event-consumers.js';
import { webhookBatchesMigration } from './0015-webhook-batches.js';
import { requestLogPruningMigration } from './0016-request-log-pruning.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** The whole history, in version order: the same versions and names as SQLite's. Append new steps; never edit an applied one. */
export const postgresMigrations: readonly Migration[] = Object.freeze([initialMigration, adminKeysMigration, eventsMigration, webhooksMigration, resourceCountsMigration, requestLogMigration, resourcesMigration, tenantSchemasMigration, rolesMigration, deletionsMigration, appUserLinksMigration, setupLinksMigration, oauthClientsMigration, eventConsumersMigration, webhookBatchesMigration, requestLogPruningMigration]);
