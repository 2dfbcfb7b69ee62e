/**
 * The resource writes of every SQL database, written once over the session
 * of one transaction. Where a database lacks RETURNING (MySQL), a change
 * is followed by a read of what it changed, in the same transaction.
 */
import type { AppTransaction } from '../../events/app-transaction.js';
import { appTransaction } from './app-transaction.js';
import { linkedAppUsers, unlinkAppUsers } from './app-user-links.js';
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { NewEvent, ScimitarEvent } from '../../events/event.js';
import { numberEvents, singleTenant } from '../event-rows.js';
import { ResourceCountChanges } from '../resource-count-changes.js';
import { canonicalTimestamp } from '../rows.js';
import type { DeletedResource, MemberRef, MemberType, NewResource, ResourceUpdate, StoredResource, StoreWriter } from '../store.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment, type SqlParameterValue } from './fragment.js';
import { chunks, inList, SqlResourceReader } from './resource-reader.js';
import { attributesJson, checkStorableAttributes, RESOURCE_SELECT, resourceFromRow, unstorableKey, type ResourceRow } from './resource-rows.js';
import { MEMBERSHIPS, OWN_STORAGES, rowKey, storageOf, type ResourceStorage } from './resource-storage.js';
import type { SqlFailure, SqlSession } from './session.js';

/** Where password hashes are kept: getPasswordHash names no type. */
const PASSWORD_STORAGE = OWN_STORAGES.find((storage) => storage.passwordHashColumn !== undefined);

const GROUPS_TABLE = rawSql(MEMBERSHIPS.groups.map.table);
const MEMBERS_TABLE = rawSql(MEMBERSHIPS.table);

/** `(?, ?, …), (?, ?, …)`: the rows of a multi-row VALUES. */
function valuesList(rows: readonly (readonly SqlParameterValue[])[]): SqlFragment {
  return joinSql(rows.map(inList), ', ');
}

/**
 * Membership changes touch only the rows they name, through the primary key
 * (tenant_id, group_id, member_id) or the (tenant_id, member_id) index, so
 * adding or removing one member costs the same in a group of any size.
 */
export const MEMBERSHIP_STATEMENTS = Object.freeze({
  /** The rows of these members of the group. */
  someMembers: (tenantId: string, groupId: string, memberIds: readonly string[]) =>
    sql`tenant_id = ${parameter(tenantId)} AND group_id = ${parameter(groupId)} AND member_id IN ${inList(memberIds)}`,
  /** Every row of the group. */
  allMembers: (tenantId: string, groupId: string) => sql`tenant_id = ${parameter(tenantId)} AND group_id = ${parameter(groupId)}`,
  /**
   * The member's rows in these groups, by primary key. (Asked by member
   * alone, SQLite without statistics walks the tenant's part of the
   * primary key rather than the member index.)
   */
  memberships: (tenantId: string, groupIds: readonly string[], memberId: string) =>
    sql`tenant_id = ${parameter(tenantId)} AND group_id IN ${inList(groupIds)} AND member_id = ${parameter(memberId)}`,
  remove: (where: SqlFragment) => sql`DELETE FROM ${MEMBERS_TABLE} WHERE ${where}`,
  /** The groups having the member, in id order, under `lock`. */
  containingGroups: (tenantId: string, memberId: string, lock: SqlFragment) =>
    sql`SELECT g.id FROM ${GROUPS_TABLE} AS g WHERE g.tenant_id = ${parameter(tenantId)} AND g.id IN (SELECT m.group_id FROM ${MEMBERS_TABLE} AS m WHERE m.tenant_id = ${parameter(tenantId)} AND m.member_id = ${parameter(memberId)}) ORDER BY g.id${lock}`,
});

function byValue(a: MemberRef, b: MemberRef): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function byId(a: StoredResource, b: StoredResource): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function missing(resourceType: ResourceTypeName, id: string): Error {
  return scimErrors.notFound(`${resourceType} ${JSON.stringify(id)} not found`);
}

/**
 * Writes inside one transaction, on its session; reads through it see the
 * transaction's own uncommitted writes and lock what they read:
 * - getResource: the lock an UPDATE takes (PostgreSQL FOR NO KEY UPDATE,
 *   MySQL FOR UPDATE). It conflicts with itself, so a read-modify-write
 *   (PATCH) of a resource waits for any other transaction that read it to
 *   change it, then reads what that one committed; and a DELETE of the row
 *   waits too.
 * - findResourceTypes: the lock a foreign key check takes (FOR KEY SHARE).
 *   The services check that members exist before adding them; this keeps
 *   them existing until the transaction ends: a concurrent delete of one
 *   waits, and its later statements then see (and remove) the new
 *   membership; or the check waits for the delete and finds nothing. It
 *   does not conflict with FOR NO KEY UPDATE, so a member being PATCHed
 *   can still be added to a group meanwhile.
 * SQLite takes none: its one writer holds the whole database.
 *
 * Unusable once the transaction has ended. A failed statement ends the
 * transaction (the session refuses every later one, and the transaction
 * rolls back with the failure); a failure the writer translated for its
 * caller (a taken userName is a 409) is kept, and flushCounts, which the
 * store calls when the callback returns, throws it, so a callback that
 * caught it still ends with the answer its caller was given.
 */
export class SqlResourceWriter extends SqlResourceReader implements StoreWriter {
  private active = true;
  private readonly counts = new ResourceCountChanges();
  /** The first failed change of this transaction, as its caller was told it. */
  private failed: { error: unknown } | undefined;

  constructor(
    private readonly transaction: SqlSession,
    private readonly failure: (error: unknown) => SqlFailure,
  ) {
    super(() => transaction);
  }

  /**
   * Called by the store when `work` has returned, just before COMMIT: the
   * count rows are written last, so they are locked only for the commit.
   * Throws the failure of an earlier change, which the callback may have
   * caught: such a transaction rolls back with that error.
   */
  async flushCounts(): Promise<void> {
    if (this.failed !== undefined) throw this.failed.error;
    const session = this.session();
    for (const change of this.counts.drain()) {
      await session.run(
        sql`INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (${parameter(change.tenantId)}, ${parameter(change.resourceType)}, ${parameter(change.delta)})${session.dialect.onDuplicateUpdate(
          'resource_counts',
          ['tenant_id', 'resource_type'],
          (existing, proposed) => sql`count = ${existing('count')} + ${proposed('count')}`,
        )}`,
      );
    }
  }

  appTransaction(): AppTransaction {
    return appTransaction(this.session(), this.failure);
  }

  appUserIds(tenantId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return linkedAppUsers(this.session(), tenantId, userIds);
  }

  unlinkAppUsers(tenantId: string, userIds: readonly string[]): Promise<void> {
    return unlinkAppUsers(this.session(), tenantId, userIds);
  }

  /** Called by the store when the transaction commits or rolls back. */
  end(): void {
    this.active = false;
  }

  /** The transaction's session refuses statements after a failed one (src/store/sql/transactions.ts); this refuses use after the end. */
  protected override session(): SqlSession {
    if (!this.active) throw new TypeError('This writer belongs to a transaction that has ended; use it only inside its transaction callback');
    return this.transaction;
  }

  protected override lock(mode: 'update' | 'keyShare'): SqlFragment {
    return this.session().dialect.rowLock(mode);
  }

  async insertResource(resource: NewResource): Promise<StoredResource> {
    const storage = storageOf(resource.resourceType);
    const session = this.session();
    const { dialect } = session;
    const { tenantId, id, attributes } = resource;
    const json = attributesJson(storage, attributes);
    const now = canonicalTimestamp(resource.now);
    // Tenant and resource ids are the server's own (slugs, UUIDs): one the database cannot hold is the caller's mistake.
    if (unstorableKey(dialect, tenantId, id)) throw new TypeError('Tenant and resource ids cannot contain U+0000 in this database');
    checkStorableAttributes(dialect, attributes);
    const columns: string[] = ['tenant_id', 'id'];
    const values: SqlParameterValue[] = [tenantId, id];
    if (storage.map.typeColumn !== undefined) {
      columns.push(storage.map.typeColumn);
      values.push(storage.resourceType);
    }
    for (const derived of storage.derivedColumns) {
      columns.push(derived.column);
      values.push(derived.value(attributes));
    }
    columns.push('attributes', 'created', 'last_modified', 'version');
    values.push(json, now, now, 1);
    if (storage.passwordHashColumn !== undefined) {
      columns.push(storage.passwordHashColumn);
      values.push(resource.passwordHash ?? null);
    } else if (resource.passwordHash !== undefined) {
      throw new TypeError(`A ${storage.resourceType} has no password`);
    }
    await this.changing(storage, attributes, session.run(sql`INSERT INTO ${rawSql(`${storage.map.table} (${columns.join(', ')})`)} VALUES ${inList(values)}`));
    await this.writeSideRows(storage, tenantId, id, attributes, false);
    this.counts.change(tenantId, storage.resourceType, 1);
    return { tenantId, resourceType: storage.resourceType, id, attributes: JSON.parse(json) as StoredResource['attributes'], created: now, lastModified: now, version: 1 };
  }

  async updateResource(update: ResourceUpdate): Promise<StoredResource> {
    const storage = storageOf(update.resourceType);
    const session = this.session();
    const { dialect } = session;
    const { tenantId, id, attributes, expectedVersion } = update;
    const json = attributesJson(storage, attributes);
    const now = canonicalTimestamp(update.now);
    if (unstorableKey(dialect, tenantId, id)) throw missing(storage.resourceType, id);
    checkStorableAttributes(dialect, attributes);
    const assignments = storage.derivedColumns.map((derived) => sql`${rawSql(derived.column)} = ${parameter(derived.value(attributes))}`);
    assignments.push(sql`attributes = ${parameter(json)}`);
    if (update.passwordHash !== undefined) {
      if (storage.passwordHashColumn === undefined) throw new TypeError(`A ${storage.resourceType} has no password`);
      assignments.push(sql`${rawSql(storage.passwordHashColumn)} = ${parameter(update.passwordHash)}`);
    }
    const stored = await this.changing(storage, attributes, this.versionedUpdate(storage, tenantId, id, expectedVersion, now, assignments));
    if (!storage.sideTables.every((side) => side.unchangedBy(update))) await this.writeSideRows(storage, tenantId, id, attributes, true);
    return stored;
  }

  async touchResource(tenantId: string, resourceType: ResourceTypeName, id: string, expectedVersion: number, now: string): Promise<StoredResource> {
    const storage = storageOf(resourceType);
    const at = canonicalTimestamp(now);
    if (unstorableKey(this.session().dialect, tenantId, id)) throw missing(resourceType, id);
    return this.versionedUpdate(storage, tenantId, id, expectedVersion, at, []);
  }

  async deleteResource(tenantId: string, resourceType: ResourceTypeName, id: string, now: string): Promise<DeletedResource | undefined> {
    const storage = storageOf(resourceType);
    const session = this.session();
    const at = canonicalTimestamp(now);
    if (unstorableKey(session.dialect, tenantId, id)) return undefined;
    // The resource row goes first: only when it existed are membership rows
    // naming the id removed (an id of another type keeps its memberships).
    // Side table rows and a group's own member rows follow by ON DELETE CASCADE.
    const deleted = await session.run(sql`DELETE FROM ${rawSql(storage.map.table)} WHERE ${rowKey(storage, tenantId, id)}`);
    if (deleted === 0) return undefined;
    this.counts.change(tenantId, storage.resourceType, -1);
    // Every membership row of the id is in a group touched here (a group's rows go with it, by ON DELETE CASCADE).
    const groupsLosingMember = await this.touchContainingGroups(tenantId, id, at);
    for (const slice of chunks(groupsLosingMember.map((group) => group.id))) {
      await session.run(MEMBERSHIP_STATEMENTS.remove(MEMBERSHIP_STATEMENTS.memberships(tenantId, slice, id)));
    }
    return { groupsLosingMember };
  }

  async addMembers(tenantId: string, groupId: string, members: readonly MemberRef[]): Promise<readonly MemberRef[]> {
    const session = this.session();
    const { dialect } = session;
    if (members.length === 0) return [];
    if (unstorableKey(dialect, tenantId, groupId, ...members.map((member) => member.value))) {
      // No tenant, group or resource id can hold U+0000 here, so the caller skipped the existence checks.
      throw new TypeError('The group or a member does not exist: its id contains U+0000');
    }
    // The first of repeated ids counts, in the order asked.
    const asked = [...new Map(members.map((member) => [member.value, { value: member.value, type: member.type }] as const)).values()];
    const added = new Set<string>();
    const conflict = dialect.onDuplicateIgnore(['tenant_id', 'group_id', 'member_id']);
    for (const slice of chunks(asked)) {
      let fresh = slice;
      if (!dialect.returning) {
        // Without RETURNING the insert cannot say which rows it added: the rows present are read first, under the lock their change would take.
        const present = await session.all<{ member_id: string }>(
          sql`SELECT member_id FROM ${MEMBERS_TABLE} WHERE tenant_id = ${parameter(tenantId)} AND group_id = ${parameter(groupId)} AND member_id IN ${inList(slice.map((member) => member.value))}${dialect.rowLock('update')}`,
        );
        const presentIds = new Set(present.map((row) => row.member_id));
        fresh = slice.filter((member) => !presentIds.has(member.value));
        if (fresh.length === 0) continue;
      }
      const insert = sql`INSERT INTO ${MEMBERS_TABLE} (tenant_id, group_id, member_id, member_type) VALUES ${valuesList(fresh.map((member) => [tenantId, groupId, member.value, member.type]))}${conflict}`;
      if (dialect.returning) {
        for (const row of await this.changing(undefined, undefined, session.all<{ member_id: string }>(sql`${insert} RETURNING member_id`))) added.add(row.member_id);
      } else {
        await this.changing(undefined, undefined, session.run(insert));
        for (const member of fresh) added.add(member.value);
      }
    }
    return asked.filter((member) => added.has(member.value));
  }

  async removeMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<readonly MemberRef[]> {
    const session = this.session();
    const storable = [...new Set(memberIds)].filter((memberId) => !unstorableKey(session.dialect, memberId));
    if (storable.length === 0 || unstorableKey(session.dialect, tenantId, groupId)) return [];
    const types = new Map<string, MemberType>();
    for (const slice of chunks(storable)) {
      for (const row of await this.deleteMembers(MEMBERSHIP_STATEMENTS.someMembers(tenantId, groupId, slice))) types.set(row.member_id, row.member_type);
    }
    // In the order asked.
    return storable.flatMap((memberId) => {
      const type = types.get(memberId);
      return type === undefined ? [] : [{ value: memberId, type }];
    });
  }

  async removeAllMembers(tenantId: string, groupId: string): Promise<readonly MemberRef[]> {
    if (unstorableKey(this.session().dialect, tenantId, groupId)) return [];
    const rows = await this.deleteMembers(MEMBERSHIP_STATEMENTS.allMembers(tenantId, groupId));
    return rows.map((row) => ({ value: row.member_id, type: row.member_type })).sort(byValue);
  }

  async appendEvents(events: readonly NewEvent[]): Promise<readonly ScimitarEvent[]> {
    const tenantId = singleTenant(events);
    if (tenantId === undefined) return [];
    const session = this.session();
    const { dialect } = session;
    // Reserves the numbers and returns the last one. The row lock it takes
    // is held to commit, so the tenant's events are numbered in commit order
    // (see migration 0003-events).
    const reserve = sql`INSERT INTO event_sequences (tenant_id, last_sequence) VALUES (${parameter(tenantId)}, ${parameter(events.length)})${dialect.onDuplicateUpdate(
      'event_sequences',
      ['tenant_id'],
      (existing, proposed) => sql`last_sequence = ${existing('last_sequence')} + ${proposed('last_sequence')}`,
    )}`;
    let reserved: { last_sequence: unknown } | undefined;
    if (dialect.returning) {
      reserved = await session.first(sql`${reserve} RETURNING last_sequence`);
    } else {
      await session.run(reserve);
      reserved = await session.first(sql`SELECT last_sequence FROM event_sequences WHERE tenant_id = ${parameter(tenantId)}`);
    }
    const numbered = numberEvents(events, Number(reserved?.last_sequence) - events.length + 1);
    for (const slice of chunks(numbered)) {
      const rows = slice.map(({ event, payload }) => [
        tenantId,
        event.sequence,
        event.id,
        event.type,
        event.resourceType,
        event.resourceId,
        canonicalTimestamp(event.timestamp),
        payload,
        event.requestId,
      ]);
      await session.run(sql`INSERT INTO events (tenant_id, sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id) VALUES ${valuesList(rows)}`);
    }
    return numbered.map(({ event }) => event);
  }

  async getPasswordHash(tenantId: string, id: string): Promise<string | undefined> {
    const session = this.session();
    if (unstorableKey(session.dialect, tenantId, id)) return undefined;
    const storage = PASSWORD_STORAGE;
    if (storage?.passwordHashColumn === undefined) return undefined;
    const row = await session.first<{ password_hash: string | null }>(
      sql`SELECT ${rawSql(storage.passwordHashColumn)} AS password_hash FROM ${rawSql(storage.map.table)} WHERE ${rowKey(storage, tenantId, id)}`,
    );
    return row?.password_hash ?? undefined;
  }

  /**
   * The version check and the write are one statement (RFC 7644 §3.14): a
   * conditional UPDATE waits for a transaction changing the row, then
   * re-checks its WHERE clause against the committed row, so a stale
   * version matches nothing on any number of instances.
   */
  private async versionedUpdate(
    storage: ResourceStorage,
    tenantId: string,
    id: string,
    expectedVersion: number,
    now: string,
    assignments: readonly SqlFragment[],
  ): Promise<StoredResource> {
    const session = this.session();
    const { dialect } = session;
    const set = joinSql([...assignments, sql`last_modified = ${parameter(now)}`, rawSql('version = version + 1')], ', ');
    const update = sql`UPDATE ${rawSql(storage.map.table)} SET ${set} WHERE ${rowKey(storage, tenantId, id)} AND version = ${parameter(expectedVersion)}`;
    let row: ResourceRow | undefined;
    if (dialect.returning) {
      row = await session.first<ResourceRow>(sql`${update} RETURNING ${RESOURCE_SELECT}`);
    } else if ((await session.run(update)) > 0) {
      row = await session.first<ResourceRow>(sql`SELECT ${RESOURCE_SELECT} FROM ${rawSql(storage.map.table)} WHERE ${rowKey(storage, tenantId, id)}`);
    }
    if (row === undefined) throw await this.missingOrStale(storage, tenantId, id, expectedVersion);
    return resourceFromRow(dialect, tenantId, storage.resourceType, row);
  }

  /** After an update matched no row: 404 when the resource is gone, 412 when its version moved on. */
  private async missingOrStale(storage: ResourceStorage, tenantId: string, id: string, expectedVersion: number): Promise<Error> {
    const current = await this.session().first<{ version: unknown }>(sql`SELECT version FROM ${rawSql(storage.map.table)} WHERE ${rowKey(storage, tenantId, id)}`);
    if (current === undefined) return missing(storage.resourceType, id);
    return scimErrors.preconditionFailed(
      `${storage.resourceType} ${JSON.stringify(id)} has changed: expected version W/"${expectedVersion}", it is now W/"${Number(current.version)}"; read it again and retry`,
    );
  }

  /**
   * The groups that have the member get a new version and lastModified.
   * They are locked in id order before they are updated, so two
   * transactions touching overlapping sets of groups queue up instead of
   * deadlocking on each other's rows.
   */
  private async touchContainingGroups(tenantId: string, memberId: string, now: string): Promise<StoredResource[]> {
    const session = this.session();
    const { dialect } = session;
    const tenant = parameter(tenantId);
    const locked = await session.all<{ id: string }>(MEMBERSHIP_STATEMENTS.containingGroups(tenantId, memberId, dialect.rowLock('update')));
    const touched: StoredResource[] = [];
    for (const slice of chunks(locked.map((row) => row.id))) {
      const where = sql`tenant_id = ${tenant} AND id IN ${inList(slice)}`;
      const update = sql`UPDATE ${GROUPS_TABLE} SET last_modified = ${parameter(now)}, version = version + 1 WHERE ${where}`;
      let rows: ResourceRow[];
      if (dialect.returning) {
        rows = await session.all<ResourceRow>(sql`${update} RETURNING ${RESOURCE_SELECT}`);
      } else {
        await session.run(update);
        rows = await session.all<ResourceRow>(sql`SELECT ${RESOURCE_SELECT} FROM ${GROUPS_TABLE} WHERE ${where}`);
      }
      touched.push(...rows.map((row) => resourceFromRow(dialect, tenantId, MEMBERSHIPS.groups.resourceType, row)));
    }
    return touched.sort(byId);
  }

  /** Deletes the membership rows `where` selects, returning them. */
  private async deleteMembers(where: SqlFragment): Promise<{ member_id: string; member_type: MemberType }[]> {
    const session = this.session();
    const { dialect } = session;
    const remove = MEMBERSHIP_STATEMENTS.remove(where);
    if (dialect.returning) return session.all(sql`${remove} RETURNING member_id, member_type`);
    const rows = await session.all<{ member_id: string; member_type: MemberType }>(sql`SELECT member_id, member_type FROM ${MEMBERS_TABLE} WHERE ${where}${dialect.rowLock('update')}`);
    if (rows.length > 0) await session.run(remove);
    return rows;
  }

  /** A side table's rows mirror their attribute exactly: rewritten whole on every write of the resource. */
  private async writeSideRows(storage: ResourceStorage, tenantId: string, ownerId: string, attributes: NewResource['attributes'], replace: boolean): Promise<void> {
    const session = this.session();
    for (const side of storage.sideTables) {
      if (replace) await session.run(sql`DELETE FROM ${rawSql(side.table)} WHERE tenant_id = ${parameter(tenantId)} AND ${rawSql(side.ownerColumn)} = ${parameter(ownerId)}`);
      const columns = rawSql(`${side.table} (tenant_id, ${side.ownerColumn}, ${side.columns.join(', ')})`);
      for (const slice of chunks(side.rows(attributes))) {
        await session.run(sql`INSERT INTO ${columns} VALUES ${valuesList(slice.map((row) => [tenantId, ownerId, ...row]))}`);
      }
    }
  }

  /**
   * Runs a change, telling the caller what a refused row means: a taken
   * unique attribute is the client's conflict (409, RFC 7644 §3.3); any
   * other key or a missing tenant or group means the calling code broke
   * the port's contract, hence a TypeError. The first one is kept for
   * flushCounts.
   */
  private changing<T>(storage: ResourceStorage | undefined, attributes: NewResource['attributes'] | undefined, change: Promise<T>): Promise<T> {
    // A rejection handler, not an async wrapper: one promise less on every write.
    return change.then(undefined, (error: unknown) => {
      const meaning = this.meaning(error, storage, attributes);
      this.failed ??= { error: meaning };
      throw meaning;
    });
  }

  private meaning(error: unknown, storage: ResourceStorage | undefined, attributes: NewResource['attributes'] | undefined): unknown {
    const failure = this.failure(error);
    const detail = error instanceof Error ? error.message : String(error);
    switch (failure.kind) {
      case 'unique': {
        const { constraint } = failure;
        const taken = storage?.unique.find(
          (unique) => constraint !== undefined && (constraint === unique.index || constraint.endsWith(`.${unique.index}`) || constraint.includes(unique.column)),
        );
        if (taken !== undefined && attributes !== undefined) {
          return scimErrors.uniqueness(`${taken.attribute} ${JSON.stringify(attributes[taken.attribute] ?? '')} is already taken in this directory`);
        }
        return new TypeError(`A row with this key already exists: ${detail}`);
      }
      case 'foreignKey':
        return new TypeError('The tenant (or, for members, the group) does not exist: call tenants.ensureTenant at start-up and add members to existing groups only');
      case 'other':
        return error;
    }
  }
}
