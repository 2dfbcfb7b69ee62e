import { scimErrors } from '../../core/errors/scim-error.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { NewEvent, ScimitarEvent } from '../../events/event.js';
import { numberEvents, singleTenant } from '../event-rows.js';
import { ResourceCountChanges } from '../resource-count-changes.js';
import type { DeletedResource, MemberRef, MemberType, NewResource, ResourceUpdate, StoredResource, StoreWriter } from '../store.js';
import type { SqliteConnection } from './connection.js';
import {
  attributesJson,
  canonicalTimestamp,
  emailRows,
  groupColumns,
  resourceFromRow,
  userColumns,
  type ResourceRow,
} from './resource-rows.js';
import { translateConstraintError } from './sqlite-errors.js';
import { checkResourceType, SqliteReader } from './sqlite-reader.js';

const INSERT_USER = `
INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, password_hash, created, last_modified, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`;

const INSERT_GROUP = `
INSERT INTO groups (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`;

// The version check and the write are one statement, so no other writer can
// slip in between (RFC 7644 §3.14); RETURNING tells whether a row matched.
const UPDATE_USER = `
UPDATE users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name = ?, active = ?, attributes = ?,
  password_hash = CASE WHEN ? = 1 THEN ? ELSE password_hash END, last_modified = ?, version = version + 1
WHERE tenant_id = ? AND id = ? AND version = ?
RETURNING id, attributes, created, last_modified, version`;

const UPDATE_GROUP = `
UPDATE groups SET display_name = ?, display_name_ci = ?, external_id = ?, attributes = ?, last_modified = ?, version = version + 1
WHERE tenant_id = ? AND id = ? AND version = ?
RETURNING id, attributes, created, last_modified, version`;

const DELETE_EMAILS = 'DELETE FROM user_emails WHERE tenant_id = ? AND user_id = ?';
const INSERT_EMAIL = 'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES (?, ?, ?, ?, ?, ?)';

/**
 * Membership changes touch only the rows they name, through the primary key
 * (tenant_id, group_id, member_id) or the (tenant_id, member_id) index, so
 * adding or removing one member costs the same in a group of any size.
 */
export const MEMBER_STATEMENTS = Object.freeze({
  add: 'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  remove: 'DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id = ? RETURNING member_type',
  removeAll: 'DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? RETURNING member_id, member_type',
  // Without statistics SQLite would rather walk the tenant's part of the primary key.
  removeMemberships: 'DELETE FROM group_members INDEXED BY group_members_member WHERE tenant_id = ? AND member_id = ?',
  touchContainingGroups:
    'UPDATE groups SET last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id IN (SELECT group_id FROM group_members INDEXED BY group_members_member WHERE tenant_id = ? AND member_id = ?) RETURNING id, attributes, created, last_modified, version',
});

/**
 * Reserves `count` numbers of the tenant's event sequence and returns the
 * last one (see migration 0003-events).
 */
const RESERVE_EVENT_SEQUENCE = `
INSERT INTO event_sequences (tenant_id, last_sequence) VALUES (?, ?)
ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = last_sequence + excluded.last_sequence
RETURNING last_sequence`;
/** Adds a transaction's inserts minus deletes to the tenant's count of the type (migration 0005-resource-counts). */
const COUNT_CHANGED =
  'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = count + excluded.count';
const INSERT_EVENT = 'INSERT INTO events (tenant_id, sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Writes inside one transaction on the writer connection; reads through it
 * see the transaction's own uncommitted writes. Unusable once the
 * transaction has ended, so a callback that leaks it cannot write outside one.
 */
export class SqliteWriter extends SqliteReader implements StoreWriter {
  private active = true;
  private readonly counts = new ResourceCountChanges();

  constructor(
    private readonly writerConnection: SqliteConnection,
    registry: SchemaRegistry,
  ) {
    super(writerConnection, registry);
  }

  /** Called by the store just before COMMIT: the count rows are written last, so they are locked only until the commit. */
  flushCounts(): void {
    const statement = this.connection().statement(COUNT_CHANGED);
    for (const change of this.counts.drain()) statement.run(change.tenantId, change.resourceType, change.delta);
  }

  /** Called by the store when the transaction commits or rolls back. */
  end(): void {
    this.active = false;
  }

  protected override connection(): SqliteConnection {
    if (!this.active) throw new TypeError('This writer belongs to a transaction that has ended; use it only inside its transaction callback');
    return this.writerConnection;
  }

  async insertResource(resource: NewResource): Promise<StoredResource> {
    checkResourceType(resource.resourceType);
    const connection = this.connection();
    const json = attributesJson(resource.resourceType, resource.attributes);
    const now = canonicalTimestamp(resource.now);
    const { tenantId, id } = resource;
    if (resource.resourceType === 'User') {
      const columns = userColumns(resource.attributes);
      try {
        connection
          .statement(INSERT_USER)
          .run(tenantId, id, columns.userName, columns.userNameFolded, columns.externalId, columns.displayName, columns.active, json, resource.passwordHash ?? null, now, now);
      } catch (error) {
        throw translateConstraintError(error, columns.userName);
      }
      this.writeEmails(tenantId, id, resource.attributes, false);
    } else {
      const columns = groupColumns(resource.attributes);
      try {
        connection.statement(INSERT_GROUP).run(tenantId, id, columns.displayName, columns.displayNameFolded, columns.externalId, json, now, now);
      } catch (error) {
        throw translateConstraintError(error, undefined);
      }
    }
    this.counts.change(tenantId, resource.resourceType, 1);
    return resourceFromRow(tenantId, resource.resourceType, { id, attributes: json, created: now, last_modified: now, version: 1 });
  }

  async updateResource(update: ResourceUpdate): Promise<StoredResource> {
    checkResourceType(update.resourceType);
    const connection = this.connection();
    const json = attributesJson(update.resourceType, update.attributes);
    const now = canonicalTimestamp(update.now);
    const { tenantId, id, expectedVersion } = update;
    let row: ResourceRow | undefined;
    if (update.resourceType === 'User') {
      const columns = userColumns(update.attributes);
      const setPassword = update.passwordHash === undefined ? 0 : 1;
      try {
        row = connection
          .statement(UPDATE_USER)
          .get(columns.userName, columns.userNameFolded, columns.externalId, columns.displayName, columns.active, json, setPassword, update.passwordHash ?? null, now, tenantId, id, expectedVersion) as
          | ResourceRow
          | undefined;
      } catch (error) {
        throw translateConstraintError(error, columns.userName);
      }
      if (row !== undefined && update.emailsUnchanged !== true) this.writeEmails(tenantId, id, update.attributes, true);
    } else {
      const columns = groupColumns(update.attributes);
      row = connection
        .statement(UPDATE_GROUP)
        .get(columns.displayName, columns.displayNameFolded, columns.externalId, json, now, tenantId, id, expectedVersion) as ResourceRow | undefined;
    }
    if (row === undefined) throw this.missingOrStale(tenantId, update.resourceType, id, expectedVersion);
    return resourceFromRow(tenantId, update.resourceType, row);
  }

  async touchResource(tenantId: string, resourceType: ResourceTypeName, id: string, expectedVersion: number, now: string): Promise<StoredResource> {
    const table = checkResourceType(resourceType);
    const row = this.connection()
      .statement(
        `UPDATE ${table} SET last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ? RETURNING id, attributes, created, last_modified, version`,
      )
      .get(canonicalTimestamp(now), tenantId, id, expectedVersion) as ResourceRow | undefined;
    if (row === undefined) throw this.missingOrStale(tenantId, resourceType, id, expectedVersion);
    return resourceFromRow(tenantId, resourceType, row);
  }

  async deleteResource(tenantId: string, resourceType: ResourceTypeName, id: string, now: string): Promise<DeletedResource | undefined> {
    const table = checkResourceType(resourceType);
    const connection = this.connection();
    // The resource row goes first: only when it existed are membership rows
    // naming the id removed (an id of another type keeps its memberships).
    // A User's email rows and a Group's member rows follow by ON DELETE CASCADE.
    const deleted = connection.statement(`DELETE FROM ${table} WHERE tenant_id = ? AND id = ?`).run(tenantId, id).changes;
    if (deleted === 0) return undefined;
    this.counts.change(tenantId, resourceType, -1);
    const touched = connection.statement(MEMBER_STATEMENTS.touchContainingGroups).all(canonicalTimestamp(now), tenantId, tenantId, id) as ResourceRow[];
    connection.statement(MEMBER_STATEMENTS.removeMemberships).run(tenantId, id);
    if (resourceType === 'Group') connection.statement(MEMBER_STATEMENTS.removeAll).run(tenantId, id);
    return { groupsLosingMember: touched.map((row) => resourceFromRow(tenantId, 'Group', row)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  }

  async addMembers(tenantId: string, groupId: string, members: readonly MemberRef[]): Promise<readonly MemberRef[]> {
    const statement = this.connection().statement(MEMBER_STATEMENTS.add);
    const added: MemberRef[] = [];
    for (const member of members) {
      try {
        if (statement.run(tenantId, groupId, member.value, member.type).changes > 0) added.push({ value: member.value, type: member.type });
      } catch (error) {
        throw translateConstraintError(error, undefined);
      }
    }
    return added;
  }

  async removeMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<readonly MemberRef[]> {
    const statement = this.connection().statement(MEMBER_STATEMENTS.remove);
    const removed: MemberRef[] = [];
    for (const memberId of memberIds) {
      const row = statement.get(tenantId, groupId, memberId) as { member_type: MemberType } | undefined;
      if (row !== undefined) removed.push({ value: memberId, type: row.member_type });
    }
    return removed;
  }

  async removeAllMembers(tenantId: string, groupId: string): Promise<readonly MemberRef[]> {
    const rows = this.connection().statement(MEMBER_STATEMENTS.removeAll).all(tenantId, groupId) as { member_id: string; member_type: MemberType }[];
    return rows.map((row) => ({ value: row.member_id, type: row.member_type })).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  async appendEvents(events: readonly NewEvent[]): Promise<readonly ScimitarEvent[]> {
    const tenantId = singleTenant(events);
    if (tenantId === undefined) return [];
    const connection = this.connection();
    const { last_sequence: last } = connection.statement(RESERVE_EVENT_SEQUENCE).get(tenantId, events.length) as { last_sequence: number };
    const insert = connection.statement(INSERT_EVENT);
    return numberEvents(events, last - events.length + 1).map(({ event, payload }) => {
      insert.run(tenantId, event.sequence, event.id, event.type, event.resourceType, event.resourceId, canonicalTimestamp(event.timestamp), payload, event.requestId);
      return event;
    });
  }

  async getPasswordHash(tenantId: string, id: string): Promise<string | undefined> {
    const row = this.connection().statement('SELECT password_hash FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, id) as
      | { password_hash: string | null }
      | undefined;
    return row?.password_hash ?? undefined;
  }

  /** The email rows mirror `emails` exactly: rewritten whole on every User write. */
  private writeEmails(tenantId: string, userId: string, attributes: NewResource['attributes'], replace: boolean): void {
    const connection = this.connection();
    if (replace) connection.statement(DELETE_EMAILS).run(tenantId, userId);
    const insert = connection.statement(INSERT_EMAIL);
    for (const row of emailRows(attributes)) insert.run(tenantId, userId, row.position, row.valueFolded, row.typeFolded, row.primary);
  }

  /** After an update matched no row: 404 when the resource is gone, 412 when its version moved on. */
  private missingOrStale(tenantId: string, resourceType: ResourceTypeName, id: string, expectedVersion: number): Error {
    const table = checkResourceType(resourceType);
    const current = this.connection().statement(`SELECT version FROM ${table} WHERE tenant_id = ? AND id = ?`).get(tenantId, id) as
      | { version: number }
      | undefined;
    if (current === undefined) return scimErrors.notFound(`${resourceType} ${JSON.stringify(id)} not found`);
    return scimErrors.preconditionFailed(
      `${resourceType} ${JSON.stringify(id)} has changed: expected version W/"${expectedVersion}", it is now W/"${current.version}"; read it again and retry`,
    );
  }
}
