import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { SqlDialect } from '../sql/dialect.js';
import type { NewEvent, ScimitarEvent } from '../../events/event.js';
import { numberEvents, singleTenant } from '../event-rows.js';
import { ResourceCountChanges } from '../resource-count-changes.js';
import type { DeletedResource, MemberRef, MemberType, NewResource, ResourceAttributes, ResourceUpdate, StoredResource, StoreWriter } from '../store.js';
import type { Queryable } from './pool.js';
import { translateConstraintError } from './postgres-errors.js';
import { PostgresReader, type ReadLocks } from './postgres-reader.js';
import {
  attributesJson,
  booleanColumn,
  canonicalTimestamp,
  checkResourceType,
  checkStorableAttributes,
  emailRows,
  groupColumns,
  hasNul,
  RESOURCE_ROW_COLUMNS,
  resourceFromRow,
  userColumns,
  type ResourceRow,
} from './resource-rows.js';

const INSERT_USER = `
INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, password_hash, created, last_modified, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1)`;

const INSERT_GROUP = `
INSERT INTO groups (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)`;

// The version check and the write are one statement (RFC 7644 §3.14): under
// READ COMMITTED an UPDATE whose row another transaction is changing waits
// for it, then re-checks the WHERE clause against the committed row, so a
// stale version matches nothing on any number of instances.
const UPDATE_USER = `
UPDATE users SET user_name = $1, user_name_ci = $2, external_id = $3, display_name = $4, active = $5, attributes = $6,
  password_hash = CASE WHEN $7 THEN $8 ELSE password_hash END, last_modified = $9, version = version + 1
WHERE tenant_id = $10 AND id = $11 AND version = $12
RETURNING ${RESOURCE_ROW_COLUMNS}`;

const UPDATE_GROUP = `
UPDATE groups SET display_name = $1, display_name_ci = $2, external_id = $3, attributes = $4, last_modified = $5, version = version + 1
WHERE tenant_id = $6 AND id = $7 AND version = $8
RETURNING ${RESOURCE_ROW_COLUMNS}`;

const DELETE_EMAILS = 'DELETE FROM user_emails WHERE tenant_id = $1 AND user_id = $2';

/** All of a User's email rows in one statement, from parallel arrays. */
const INSERT_EMAILS = `
INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary)
SELECT $1, $2, e.position, e.value_ci, e.type_ci, e.is_primary
FROM unnest($3::integer[], $4::text[], $5::text[], $6::boolean[]) AS e(position, value_ci, type_ci, is_primary)`;

/**
 * Membership changes touch only the rows they name, through the primary key
 * (tenant_id, group_id, member_id) or the (tenant_id, member_id) index, so
 * adding or removing one member costs the same in a group of any size.
 * Members travel as arrays: one statement per call, whatever their number.
 */
export const MEMBER_STATEMENTS = Object.freeze({
  // DO NOTHING also skips a row repeated within the same statement.
  add: `
INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
SELECT $1, $2, m.member_id, m.member_type FROM unnest($3::text[], $4::text[]) AS m(member_id, member_type)
ON CONFLICT DO NOTHING
RETURNING member_id, member_type`,
  remove: 'DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND member_id = ANY ($3::text[]) RETURNING member_id, member_type',
  removeAll: 'DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 RETURNING member_id, member_type',
  removeMemberships: 'DELETE FROM group_members WHERE tenant_id = $1 AND member_id = $2',
  // The groups are locked in id order before they are updated, so two
  // transactions touching overlapping sets of groups queue up instead of
  // deadlocking on each other's rows.
  touchContainingGroups: `
WITH containing AS (
  SELECT g.id FROM groups AS g
  WHERE g.tenant_id = $2 AND g.id IN (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = $2 AND m.member_id = $3)
  ORDER BY g.id
  FOR NO KEY UPDATE
)
UPDATE groups AS g SET last_modified = $1, version = g.version + 1
FROM containing WHERE g.tenant_id = $2 AND g.id = containing.id
RETURNING g.id, g.attributes, g.created, g.last_modified, g.version`,
});

/**
 * Reserves `count` numbers of the tenant's event sequence and returns the
 * last one. The row lock it takes is held to commit: the tenant's events
 * are numbered in commit order (see migration 0003-events).
 */
const RESERVE_EVENT_SEQUENCE = `
INSERT INTO event_sequences AS s (tenant_id, last_sequence) VALUES ($1, $2)
ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = s.last_sequence + EXCLUDED.last_sequence
RETURNING last_sequence`;
/**
 * Adds a transaction's inserts minus deletes to the tenant's count of the
 * type (migration 0005-resource-counts). Written just before COMMIT, so the
 * row lock it takes is held only for the commit: concurrent writes in one
 * tenant queue for it briefly, not for each other's whole transactions.
 */
const COUNT_CHANGED = `
INSERT INTO resource_counts AS c (tenant_id, resource_type, count) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = c.count + EXCLUDED.count`;
const INSERT_EVENTS = `
INSERT INTO events (tenant_id, sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id)
SELECT $1, e.sequence, e.id, e.type, e.resource_type, e.resource_id, e.occurred_at, e.payload, e.request_id
FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS e(sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id)`;

function byMemberId(a: MemberRef, b: MemberRef): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function memberRefs(rows: readonly { member_id: string; member_type: MemberType }[]): MemberRef[] {
  return rows.map((row) => ({ value: row.member_id, type: row.member_type })).sort(byMemberId);
}

/**
 * The row locks reads take inside a transaction, held until it ends
 * (PostgreSQL manual, "Row-Level Locks"):
 * - getResource: FOR NO KEY UPDATE, the lock UPDATE itself takes. It
 *   conflicts with itself, so a read-modify-write (PATCH) of a resource
 *   waits for any other transaction that read it to change it, then reads
 *   what that one committed; and a DELETE of the row waits too.
 * - findResourceTypes: FOR KEY SHARE, the lock a foreign key check takes.
 *   The services check that members exist before adding them; this keeps
 *   them existing until the transaction ends: a concurrent delete of one
 *   waits, and its later statements then see (and remove) the new
 *   membership; or the check waits for the delete and finds nothing. It
 *   does not conflict with FOR NO KEY UPDATE, so a member being PATCHed
 *   can still be added to a group meanwhile.
 */
const TRANSACTION_LOCKS: ReadLocks = Object.freeze({ resource: ' FOR NO KEY UPDATE', existence: ' FOR KEY SHARE' });

/**
 * Writes inside one transaction, on its connection; reads through it see
 * the transaction's own uncommitted writes and lock what they read (see
 * TRANSACTION_LOCKS). Unusable once the transaction has ended, and once a
 * statement has failed: PostgreSQL then aborts the whole transaction, so
 * the error must end it (SQLite would let it go on).
 */
export class PostgresWriter extends PostgresReader implements StoreWriter {
  private active = true;
  private readonly counts = new ResourceCountChanges();
  /** The first database error of the transaction, after which PostgreSQL refuses every statement but ROLLBACK. */
  private readonly outcome: { failure: unknown };

  constructor(client: PoolClient, registry: SchemaRegistry, dialect: SqlDialect) {
    const outcome: { failure: unknown } = { failure: undefined };
    const recording: Queryable = {
      query: async <Row extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> => {
        try {
          return await client.query<Row>(text, values as unknown[] | undefined);
        } catch (error) {
          outcome.failure ??= error;
          throw error;
        }
      },
    };
    super(() => recording, registry, dialect);
    this.outcome = outcome;
  }

  /** Called by the store just before COMMIT: the count rows are written last, so they are locked only for the commit. */
  async flushCounts(): Promise<void> {
    // A failed statement aborted the transaction: COMMIT will report that failure; nothing more may run.
    if (this.outcome.failure !== undefined) return;
    for (const change of this.counts.drain()) await this.queryable().query(COUNT_CHANGED, [change.tenantId, change.resourceType, change.delta]);
  }

  /** Called by the store when the transaction commits or rolls back. */
  end(): void {
    this.active = false;
  }

  /** The error that made PostgreSQL abort the transaction, if a statement failed. */
  get failure(): unknown {
    return this.outcome.failure;
  }

  /** Where statements of this transaction go, for the tenant store joining it. */
  statements(): Queryable {
    return this.queryable();
  }

  protected override queryable(): Queryable {
    if (!this.active) throw new TypeError('This writer belongs to a transaction that has ended; use it only inside its transaction callback');
    if (this.outcome.failure !== undefined) {
      throw new TypeError('An earlier statement of this transaction failed and PostgreSQL has aborted it: let that error end the transaction callback');
    }
    return super.queryable();
  }

  protected override locks(): ReadLocks {
    return TRANSACTION_LOCKS;
  }

  async insertResource(resource: NewResource): Promise<StoredResource> {
    checkResourceType(resource.resourceType);
    const queryable = this.queryable();
    const json = attributesJson(resource.resourceType, resource.attributes);
    const now = canonicalTimestamp(resource.now);
    const { tenantId, id } = resource;
    if (resource.resourceType === 'User') {
      const columns = userColumns(resource.attributes);
      checkStorable(resource.attributes, tenantId, id);
      try {
        await queryable.query(INSERT_USER, [
          tenantId,
          id,
          columns.userName,
          columns.userNameFolded,
          columns.externalId,
          columns.displayName,
          booleanColumn(columns.active),
          json,
          resource.passwordHash ?? null,
          now,
        ]);
      } catch (error) {
        throw this.translated(error, columns.userName);
      }
      await this.writeEmails(tenantId, id, resource.attributes, false);
    } else {
      const columns = groupColumns(resource.attributes);
      checkStorable(resource.attributes, tenantId, id);
      try {
        await queryable.query(INSERT_GROUP, [tenantId, id, columns.displayName, columns.displayNameFolded, columns.externalId, json, now]);
      } catch (error) {
        throw this.translated(error, undefined);
      }
    }
    this.counts.change(tenantId, resource.resourceType, 1);
    return resourceFromRow(tenantId, resource.resourceType, { id, attributes: JSON.parse(json) as ResourceAttributes, created: now, last_modified: now, version: 1 });
  }

  async updateResource(update: ResourceUpdate): Promise<StoredResource> {
    checkResourceType(update.resourceType);
    const queryable = this.queryable();
    const json = attributesJson(update.resourceType, update.attributes);
    const now = canonicalTimestamp(update.now);
    const { tenantId, id, expectedVersion } = update;
    if (hasNul(tenantId, id)) throw missing(update.resourceType, id);
    let row: ResourceRow | undefined;
    if (update.resourceType === 'User') {
      const columns = userColumns(update.attributes);
      checkStorableAttributes(update.attributes);
      try {
        const result = await queryable.query<ResourceRow>(UPDATE_USER, [
          columns.userName,
          columns.userNameFolded,
          columns.externalId,
          columns.displayName,
          booleanColumn(columns.active),
          json,
          update.passwordHash !== undefined,
          update.passwordHash ?? null,
          now,
          tenantId,
          id,
          expectedVersion,
        ]);
        row = result.rows[0];
      } catch (error) {
        throw this.translated(error, columns.userName);
      }
      if (row !== undefined && update.emailsUnchanged !== true) await this.writeEmails(tenantId, id, update.attributes, true);
    } else {
      const columns = groupColumns(update.attributes);
      checkStorableAttributes(update.attributes);
      const result = await queryable.query<ResourceRow>(UPDATE_GROUP, [columns.displayName, columns.displayNameFolded, columns.externalId, json, now, tenantId, id, expectedVersion]);
      row = result.rows[0];
    }
    if (row === undefined) throw await this.missingOrStale(tenantId, update.resourceType, id, expectedVersion);
    return resourceFromRow(tenantId, update.resourceType, row);
  }

  async touchResource(tenantId: string, resourceType: ResourceTypeName, id: string, expectedVersion: number, now: string): Promise<StoredResource> {
    const table = checkResourceType(resourceType);
    const queryable = this.queryable();
    const at = canonicalTimestamp(now);
    if (hasNul(tenantId, id)) throw missing(resourceType, id);
    const { rows } = await queryable.query<ResourceRow>(
      `UPDATE ${table} SET last_modified = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3 AND version = $4 RETURNING ${RESOURCE_ROW_COLUMNS}`,
      [at, tenantId, id, expectedVersion],
    );
    const row = rows[0];
    if (row === undefined) throw await this.missingOrStale(tenantId, resourceType, id, expectedVersion);
    return resourceFromRow(tenantId, resourceType, row);
  }

  async deleteResource(tenantId: string, resourceType: ResourceTypeName, id: string, now: string): Promise<DeletedResource | undefined> {
    const table = checkResourceType(resourceType);
    const queryable = this.queryable();
    const at = canonicalTimestamp(now);
    if (hasNul(tenantId, id)) return undefined;
    // The resource row goes first: only when it existed are membership rows
    // naming the id removed (an id of another type keeps its memberships).
    // A User's email rows and a Group's own member rows follow by ON DELETE CASCADE.
    const deleted = await queryable.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    if (deleted.rowCount === 0) return undefined;
    this.counts.change(tenantId, resourceType, -1);
    const touched = await queryable.query<ResourceRow>(MEMBER_STATEMENTS.touchContainingGroups, [at, tenantId, id]);
    await queryable.query(MEMBER_STATEMENTS.removeMemberships, [tenantId, id]);
    const groupsLosingMember = touched.rows.map((row) => resourceFromRow(tenantId, 'Group', row));
    return { groupsLosingMember: groupsLosingMember.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  }

  async addMembers(tenantId: string, groupId: string, members: readonly MemberRef[]): Promise<readonly MemberRef[]> {
    const queryable = this.queryable();
    if (members.length === 0) return [];
    if (hasNul(tenantId, groupId, ...members.map((member) => member.value))) {
      // No tenant, group or resource id can hold U+0000 here, so the caller skipped the existence checks.
      throw new TypeError('The group or a member does not exist: its id contains U+0000');
    }
    try {
      const result = await queryable.query<{ member_id: string; member_type: MemberType }>(MEMBER_STATEMENTS.add, [
        tenantId,
        groupId,
        members.map((member) => member.value),
        members.map((member) => member.type),
      ]);
      // In the order asked, as SQLite returns them.
      const added = new Set(result.rows.map((row) => row.member_id));
      return members.filter((member) => added.delete(member.value)).map((member) => ({ value: member.value, type: member.type }));
    } catch (error) {
      throw this.translated(error, undefined);
    }
  }

  async removeMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<readonly MemberRef[]> {
    const queryable = this.queryable();
    const storable = memberIds.filter((memberId) => !hasNul(memberId));
    if (storable.length === 0 || hasNul(tenantId, groupId)) return [];
    const { rows } = await queryable.query<{ member_id: string; member_type: MemberType }>(MEMBER_STATEMENTS.remove, [tenantId, groupId, storable]);
    // In the order asked, as SQLite returns them.
    const types = new Map(rows.map((row) => [row.member_id, row.member_type]));
    const removed: MemberRef[] = [];
    for (const memberId of storable) {
      const type = types.get(memberId);
      if (type !== undefined && types.delete(memberId)) removed.push({ value: memberId, type });
    }
    return removed;
  }

  async removeAllMembers(tenantId: string, groupId: string): Promise<readonly MemberRef[]> {
    const queryable = this.queryable();
    if (hasNul(tenantId, groupId)) return [];
    return memberRefs((await queryable.query<{ member_id: string; member_type: MemberType }>(MEMBER_STATEMENTS.removeAll, [tenantId, groupId])).rows);
  }

  async appendEvents(events: readonly NewEvent[]): Promise<readonly ScimitarEvent[]> {
    const tenantId = singleTenant(events);
    if (tenantId === undefined) return [];
    const queryable = this.queryable();
    const reserved = await queryable.query<{ last_sequence: string }>(RESERVE_EVENT_SEQUENCE, [tenantId, events.length]);
    const numbered = numberEvents(events, Number(reserved.rows[0]!.last_sequence) - events.length + 1);
    await queryable.query(INSERT_EVENTS, [
      tenantId,
      numbered.map(({ event }) => event.sequence),
      numbered.map(({ event }) => event.id),
      numbered.map(({ event }) => event.type),
      numbered.map(({ event }) => event.resourceType),
      numbered.map(({ event }) => event.resourceId),
      numbered.map(({ event }) => canonicalTimestamp(event.timestamp)),
      numbered.map(({ payload }) => payload),
      numbered.map(({ event }) => event.requestId),
    ]);
    return numbered.map(({ event }) => event);
  }

  async getPasswordHash(tenantId: string, id: string): Promise<string | undefined> {
    const queryable = this.queryable();
    if (hasNul(tenantId, id)) return undefined;
    const { rows } = await queryable.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0]?.password_hash ?? undefined;
  }

  /** The email rows mirror `emails` exactly: rewritten whole on every User write. */
  private async writeEmails(tenantId: string, userId: string, attributes: ResourceAttributes, replace: boolean): Promise<void> {
    const queryable = this.queryable();
    if (replace) await queryable.query(DELETE_EMAILS, [tenantId, userId]);
    const rows = emailRows(attributes);
    if (rows.length === 0) return;
    await queryable.query(INSERT_EMAILS, [
      tenantId,
      userId,
      rows.map((row) => row.position),
      rows.map((row) => row.valueFolded),
      rows.map((row) => row.typeFolded),
      rows.map((row) => booleanColumn(row.primary)),
    ]);
  }

  /**
   * The error a constraint violation means to the caller; it also becomes
   * the transaction's recorded failure, so a callback that swallows it and
   * returns still ends with that error rather than the driver's.
   */
  private translated(error: unknown, userName: string | undefined): unknown {
    const meaning = translateConstraintError(error, userName);
    if (this.outcome.failure === error) this.outcome.failure = meaning;
    return meaning;
  }

  /** After an update matched no row: 404 when the resource is gone, 412 when its version moved on. */
  private async missingOrStale(tenantId: string, resourceType: ResourceTypeName, id: string, expectedVersion: number): Promise<Error> {
    const table = checkResourceType(resourceType);
    const { rows } = await this.queryable().query<{ version: number }>(`SELECT version FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    const current = rows[0];
    if (current === undefined) return missing(resourceType, id);
    return scimErrors.preconditionFailed(
      `${resourceType} ${JSON.stringify(id)} has changed: expected version W/"${expectedVersion}", it is now W/"${current.version}"; read it again and retry`,
    );
  }
}

function missing(resourceType: ResourceTypeName, id: string): Error {
  return scimErrors.notFound(`${resourceType} ${JSON.stringify(id)} not found`);
}

/** A new row's keys and attributes must be text PostgreSQL can hold. */
function checkStorable(attributes: ResourceAttributes, tenantId: string, id: string): void {
  // Tenant and resource ids are the server's own (slugs, UUIDs): U+0000 in one is the caller's mistake.
  if (hasNul(tenantId, id)) throw new TypeError('Tenant and resource ids cannot contain U+0000');
  checkStorableAttributes(attributes);
}
