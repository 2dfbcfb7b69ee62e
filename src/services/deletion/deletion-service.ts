/**
 * The per-tenant delete policy and the mass-deprovisioning safeguard
 * (docs/deletion.md). A guarded DELETE still answers the IdP exactly as
 * RFC 7644 §3.6 says (204, then 404 for the resource): what changes is
 * what happens to the data and which events the app is told, and when.
 *
 * - hard, within the threshold: the user is removed; `user.deleted`.
 * - soft: the user leaves SCIM but is kept `softDeleteDays` days; the app
 *   gets `user.deactivated` (if it was active) at once and `user.deleted`
 *   when the data is purged. Re-created with the same externalId before
 *   then, it comes back under its old id.
 * - hard, beyond the threshold: held. Like a soft deletion, but kept until
 *   an operator approves (`user.deleted`, data purged) or rejects (the user
 *   comes back, deactivated).
 */
import { randomUUID } from 'node:crypto';
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceSchemas } from '../../core/schema/registry.js';
import type { SchemaResolver } from '../../core/schema/schema-resolver.js';
import type { NewEvent, SafeguardTrip, ScimitarEvent } from '../../events/event.js';
import type { EventHookRunner } from '../../events/hooks.js';
import type { EventNotifier } from '../../events/notifier.js';
import type { ArchivedUser, DeletionSettings } from '../../store/deletion-store.js';
import type { MemberRef, Store, StoredResource, StoreWriter } from '../../store/store.js';
import { withAppUserIds } from '../resources/app-user-ids.js';
import { deletedEvent, membershipEvents, resourceEvent, updateEvents, type EventOrigin } from '../resources/resource-events.js';
import { countHardDeletion, FRESH_WINDOW, opensWindow, safeguardThreshold } from './safeguard-window.js';

/**
 * The resource types the delete policy governs: Users, whose archive is
 * `deleted_users`. Groups are not people (deleting one revokes nothing a
 * user cannot get back by being re-added), and a type an embedding app
 * registers is deleted as it always was.
 */
const GOVERNED: ReadonlySet<ResourceTypeName> = new Set(['User']);

/** Most held users an approval or a rejection handles in one transaction; the rest wait for the next call. */
const DECISION_BATCH = 5000;
/** Soft-deleted users purged per transaction. */
const PURGE_BATCH = 500;
/** Held users listed by `show`. */
const HELD_LISTED = 100;

export interface DeletionServiceDependencies {
  readonly store: Store;
  readonly schemas: SchemaResolver;
  readonly notifier: EventNotifier;
  readonly hooks: EventHookRunner;
  readonly now: () => Date;
  /** Told when a tenant's safeguard trips, after commit (the log line). */
  readonly onSafeguardTripped?: (tenantId: string, trip: SafeguardTrip) => void;
  /**
   * Recomputes the effective roles of users brought back (src/roles), in the
   * restoring transaction, and returns the events of those that changed:
   * their role rows went with them when they were set aside.
   */
  readonly rolesRestored?: (writer: StoreWriter, origin: EventOrigin, userIds: readonly string[]) => Promise<readonly NewEvent[]>;
}

/** What a guarded delete did, for the resource service's transaction. */
export interface GuardedDeletion {
  readonly events: readonly NewEvent[];
  readonly trip: SafeguardTrip | undefined;
}

export interface HeldUserView {
  readonly id: string;
  readonly userName: string | undefined;
  readonly externalId: string | undefined;
  readonly deletedAt: string;
}

export interface TenantDeletionView {
  readonly settings: DeletionSettings;
  readonly safeguard: {
    readonly tripped: boolean;
    readonly trippedAt: string | undefined;
    readonly windowStartedAt: string | undefined;
    readonly windowUsers: number;
    readonly windowDeletions: number;
    /** The most hard deletions the current window lets through. */
    readonly threshold: number;
    readonly heldCount: number;
    /** The first held users, oldest deletion first. */
    readonly held: readonly HeldUserView[];
  };
}

export interface DeletionSettingsChange {
  readonly deletePolicy?: DeletionSettings['deletePolicy'];
  readonly softDeleteDays?: number;
  readonly safeguard?: Partial<DeletionSettings['safeguard']>;
}

export interface DecisionResult {
  /** Users whose deletion went through (approve) or who were restored (reject). */
  readonly users: number;
  /** Reject: held users left held because their userName was taken again meanwhile. */
  readonly conflicts: readonly HeldUserView[];
  /** Held users still waiting (more than one batch, or conflicts). */
  readonly remaining: number;
}

export class DeletionService {
  constructor(private readonly dependencies: DeletionServiceDependencies) {}

  governs(type: ResourceTypeName): boolean {
    return GOVERNED.has(type);
  }

  /**
   * Deletes `current` (a governed type) in the caller's transaction as the
   * tenant's policy and safeguard decide; returns the change's events.
   */
  async deleteGoverned(writer: StoreWriter, origin: EventOrigin, schemas: ResourceSchemas, current: StoredResource): Promise<GuardedDeletion> {
    const { store } = this.dependencies;
    const { tenantId } = origin;
    const { settings, window } = await store.deletions.lockState(tenantId);
    let kept: 'soft' | 'held' | undefined = settings.deletePolicy === 'soft' ? 'soft' : undefined;
    let trip: SafeguardTrip | undefined;
    if (kept === undefined) {
      const usersNow = opensWindow(window, settings.safeguard, origin.timestamp) ? await store.deletions.countUsers(tenantId) : 0;
      const counted = countHardDeletion(window, settings.safeguard, usersNow, origin.timestamp);
      if (counted.window !== window) await store.deletions.saveWindow(tenantId, counted.window);
      if (counted.held) kept = 'held';
      trip = counted.trip;
    }
    if (kept !== undefined) await this.archive(writer, origin, current, kept, settings);
    const deleted = await writer.deleteResource(tenantId, current.resourceType, current.id, origin.timestamp);
    if (deleted === undefined) throw scimErrors.notFound(`${current.resourceType} "${current.id}" not found`);
    const asMember: MemberRef = { value: current.id, type: current.resourceType };
    const membership: NewEvent[] = [];
    for (const group of deleted.groupsLosingMember) {
      const groupSchemas = await this.dependencies.schemas.schemasFor(tenantId, group.resourceType);
      membership.push(...membershipEvents(origin, groupSchemas, group, { added: [], removed: [asMember] }));
    }
    if (kept === undefined) return { events: [deletedEvent(origin, schemas, current), ...membership], trip };
    // Access ends now: the app is told the user is deactivated (if it was not already) and ends its sessions.
    const events = [...updateEvents(origin, schemas, current, deactivated(current), false), ...membership];
    if (trip !== undefined) events.push(resourceEvent(origin, 'tenant.safeguard_tripped', schemas, current, { safeguard: trip }));
    return { events, trip };
  }

  /**
   * A create of a governed type carrying the externalId of a user kept
   * (soft-deleted or held): that user, taken out of the archive, to be
   * re-created under its old id.
   */
  async takeForRestore(tenantId: string, type: ResourceTypeName, externalId: unknown): Promise<ArchivedUser | undefined> {
    if (!GOVERNED.has(type) || typeof externalId !== 'string') return undefined;
    const archived = await this.dependencies.store.deletions.findByExternalId(tenantId, externalId);
    if (archived === undefined) return undefined;
    await this.dependencies.store.deletions.remove(tenantId, [archived.id]);
    return archived;
  }

  /** The events of a restore: the app last heard the user was deactivated. */
  restoredEvents(origin: EventOrigin, schemas: ResourceSchemas, archived: ArchivedUser, stored: StoredResource, passwordChanged: boolean): NewEvent[] {
    return updateEvents(origin, schemas, deactivated(archivedResource(archived)), stored, passwordChanged);
  }

  /** Gives a re-created user its old creation time and a version after its last one. */
  async continueHistory(writer: StoreWriter, archived: ArchivedUser, stored: StoredResource): Promise<StoredResource> {
    const version = archived.version + 1;
    await this.dependencies.store.deletions.restoreMeta(stored.tenantId, stored.id, archived.created, version);
    return { ...stored, created: archived.created, version };
  }

  async show(tenantId: string): Promise<TenantDeletionView> {
    await this.assertTenant(tenantId);
    const { deletions } = this.dependencies.store;
    const { settings, window } = await deletions.state(tenantId);
    const [heldCount, held] = await Promise.all([deletions.countHeld(tenantId), deletions.listHeld(tenantId, HELD_LISTED)]);
    return {
      settings,
      safeguard: {
        tripped: window.trippedAt !== undefined,
        trippedAt: window.trippedAt,
        windowStartedAt: window.startedAt,
        windowUsers: window.users,
        windowDeletions: window.deletions,
        threshold: safeguardThreshold(settings.safeguard, window.users),
        heldCount,
        held: held.map(heldView),
      },
    };
  }

  async configure(tenantId: string, change: DeletionSettingsChange): Promise<TenantDeletionView> {
    await this.assertTenant(tenantId);
    const { deletions } = this.dependencies.store;
    await this.dependencies.store.transaction(async () => {
      const { settings } = await deletions.lockState(tenantId);
      await deletions.saveSettings(tenantId, validSettings({ ...settings, ...change, safeguard: { ...settings.safeguard, ...change.safeguard } }));
    });
    return this.show(tenantId);
  }

  /** The operator confirms the held deletions: `user.deleted` for each, and their data goes. */
  async approve(tenantId: string): Promise<DecisionResult> {
    await this.assertTenant(tenantId);
    const { store } = this.dependencies;
    const schemas = await this.dependencies.schemas.schemasFor(tenantId, 'User');
    const now = this.dependencies.now().toISOString();
    return this.commit(tenantId, async () => {
      await store.deletions.lockState(tenantId);
      const held = await store.deletions.listHeld(tenantId, DECISION_BATCH);
      await store.deletions.remove(tenantId, held.map((user) => user.id));
      const remaining = await store.deletions.countHeld(tenantId);
      if (remaining === 0) await store.deletions.saveWindow(tenantId, FRESH_WINDOW);
      const events = held.map((user) => deletedEvent(laterOrigin(user, now), schemas, archivedResource(user)));
      return { result: { users: held.length, conflicts: [], remaining }, events };
    });
  }

  /**
   * The operator refuses the held deletions: each user comes back under its
   * id, deactivated, in the groups it was in that still exist. One whose
   * userName was taken again meanwhile stays held (listed in `conflicts`).
   */
  async reject(tenantId: string): Promise<DecisionResult> {
    await this.assertTenant(tenantId);
    const { store } = this.dependencies;
    const groupSchemas = await this.dependencies.schemas.schemasFor(tenantId, 'Group');
    const now = this.dependencies.now().toISOString();
    return this.commit(tenantId, async (writer) => {
      await store.deletions.lockState(tenantId);
      const held = await store.deletions.listHeld(tenantId, DECISION_BATCH);
      const taken = await store.deletions.takenUserNames(tenantId, held.map(userNameOf).filter((name): name is string => name !== undefined));
      const conflicts = held.filter((user) => taken.has(userNameOf(user)?.toLowerCase() ?? ''));
      const restorable = held.filter((user) => !conflicts.includes(user));
      const joining = new Map<string, MemberRef[]>();
      for (const user of restorable) {
        const stored = await writer.insertResource({
          tenantId,
          resourceType: 'User',
          id: user.id,
          attributes: deactivated(archivedResource(user)).attributes,
          passwordHash: user.passwordHash,
          now,
        });
        await this.continueHistory(writer, user, stored);
        for (const groupId of user.groupIds) joining.set(groupId, [...(joining.get(groupId) ?? []), { value: user.id, type: 'User' }]);
      }
      const events: NewEvent[] = [];
      for (const [groupId, members] of joining) {
        const group = await writer.getResource(tenantId, 'Group', groupId);
        if (group === undefined) continue;
        const added = await writer.addMembers(tenantId, groupId, members);
        if (added.length === 0) continue;
        const touched = await writer.touchResource(tenantId, 'Group', groupId, group.version, now);
        // The SCIM root of the deleting request: the user restored first into this group kept it.
        const origin = laterOrigin(restorable.find((user) => user.groupIds.includes(groupId))!, now);
        events.push(...membershipEvents(origin, groupSchemas, touched, { added, removed: [] }));
      }
      await store.deletions.remove(tenantId, restorable.map((user) => user.id));
      const first = restorable[0];
      if (first !== undefined && this.dependencies.rolesRestored !== undefined) {
        events.push(...(await this.dependencies.rolesRestored(writer, laterOrigin(first, now), restorable.map((user) => user.id))));
      }
      const remaining = await store.deletions.countHeld(tenantId);
      if (remaining === 0) await store.deletions.saveWindow(tenantId, FRESH_WINDOW);
      return { result: { users: restorable.length, conflicts: conflicts.map(heldView), remaining }, events };
    });
  }

  /** Purges soft-deleted users whose time is up, with their `user.deleted` events; returns how many. */
  async purgeDue(): Promise<number> {
    let purged = 0;
    for (;;) {
      const now = this.dependencies.now().toISOString();
      const batch = await this.purgeBatch(now);
      purged += batch;
      if (batch < PURGE_BATCH) return purged;
    }
  }

  private async purgeBatch(now: string): Promise<number> {
    const { store } = this.dependencies;
    const due = await store.transaction(() => store.deletions.listDue(now, PURGE_BATCH));
    const tenants = [...new Set(due.map((user) => user.tenantId))];
    let purged = 0;
    for (const tenantId of tenants) {
      const schemas = await this.dependencies.schemas.schemasFor(tenantId, 'User');
      purged += await this.commit(tenantId, async () => {
        // Read again under lock: a restore may have taken a user since.
        const users = (await store.deletions.listDue(now, PURGE_BATCH)).filter((user) => user.tenantId === tenantId);
        await store.deletions.remove(tenantId, users.map((user) => user.id));
        const events = users.map((user) => deletedEvent(laterOrigin(user, now), schemas, archivedResource(user)));
        return { result: users.length, events };
      });
    }
    return purged;
  }

  /** Logs a trip (after its transaction committed). */
  tripped(tenantId: string, trip: SafeguardTrip): void {
    this.dependencies.onSafeguardTripped?.(tenantId, trip);
  }

  /** One transaction with its events, then the notifier and the after-commit hooks, as every write does. */
  private async commit<T>(tenantId: string, work: (writer: StoreWriter) => Promise<{ result: T; events: readonly NewEvent[] }>): Promise<T> {
    const { store, hooks, notifier } = this.dependencies;
    const { result, recorded } = await store.transaction(async (writer) => {
      const outcome = await work(writer);
      // The app's user ids, as on every other User event (src/events/hooks.ts, linkExistingUser).
      const events = hooks.tracksAppUsers ? await withAppUserIds(writer, outcome.events) : outcome.events;
      const recorded: readonly ScimitarEvent[] = await writer.appendEvents(events);
      await hooks.inTransaction(recorded, () => writer.appTransaction());
      return { result: outcome.result, recorded };
    });
    const last = recorded.at(-1);
    if (last !== undefined) {
      notifier.committed(tenantId, last.sequence);
      hooks.afterCommit(recorded);
    }
    return result;
  }

  private async archive(writer: StoreWriter, origin: EventOrigin, current: StoredResource, state: 'soft' | 'held', settings: DeletionSettings): Promise<void> {
    const { tenantId } = origin;
    const groups = await writer.listMemberships(tenantId, current.id);
    const externalId = current.attributes['externalId'];
    await this.dependencies.store.deletions.archive({
      tenantId,
      id: current.id,
      externalId: typeof externalId === 'string' ? externalId : undefined,
      state,
      attributes: current.attributes,
      passwordHash: await writer.getPasswordHash(tenantId, current.id),
      created: current.created,
      lastModified: current.lastModified,
      version: current.version,
      groupIds: groups.filter((group) => group.type === 'direct').map((group) => group.value),
      baseUrl: origin.baseUrl,
      deletedAt: origin.timestamp,
      purgeAfter: state === 'soft' ? new Date(Date.parse(origin.timestamp) + settings.softDeleteDays * 86_400_000).toISOString() : undefined,
    });
  }

  private async assertTenant(tenantId: string): Promise<void> {
    if ((await this.dependencies.store.tenants.getTenant(tenantId)) === undefined) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
  }
}

function deactivated(resource: StoredResource): StoredResource {
  return { ...resource, attributes: { ...resource.attributes, active: false } };
}

function archivedResource(user: ArchivedUser): StoredResource {
  return { tenantId: user.tenantId, resourceType: 'User', id: user.id, attributes: user.attributes, created: user.created, lastModified: user.lastModified, version: user.version };
}

/** Events told after the deleting request: its SCIM root (kept with the user), no request id. */
function laterOrigin(user: ArchivedUser, now: string): EventOrigin {
  return { tenantId: user.tenantId, baseUrl: user.baseUrl, newId: randomUUID, timestamp: now, requestId: null };
}

function userNameOf(user: ArchivedUser): string | undefined {
  const userName = user.attributes['userName'];
  return typeof userName === 'string' ? userName : undefined;
}

function heldView(user: ArchivedUser): HeldUserView {
  return { id: user.id, userName: userNameOf(user), externalId: user.externalId, deletedAt: user.deletedAt };
}

/** The ranges the settings must fall in; the console's form states them too. */
export const DELETION_LIMITS = {
  softDeleteDays: [1, 3650],
  percent: [1, 100],
  minimum: [1, 1_000_000],
  windowMinutes: [1, 10_080],
} as const;

/** Settings an operator may set: whole numbers in range, a known policy. */
function validSettings(settings: DeletionSettings): DeletionSettings {
  if (settings.deletePolicy !== 'hard' && settings.deletePolicy !== 'soft') throw scimErrors.invalidValue('deletePolicy must be "hard" or "soft"');
  const numbers: [keyof typeof DELETION_LIMITS, unknown][] = [
    ['softDeleteDays', settings.softDeleteDays],
    ['percent', settings.safeguard.percent],
    ['minimum', settings.safeguard.minimum],
    ['windowMinutes', settings.safeguard.windowMinutes],
  ];
  for (const [name, value] of numbers) {
    const [low, high] = DELETION_LIMITS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) throw scimErrors.invalidValue(`${name} must be a whole number from ${low} to ${high}`);
  }
  if (typeof settings.safeguard.enabled !== 'boolean') throw scimErrors.invalidValue('safeguard.enabled must be true or false');
  return settings;
}

