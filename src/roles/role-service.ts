/**
 * The operator's side of group → role mapping, for the admin API and the
 * CLI: a tenant's rules and default role, and a user's effective roles.
 * A change to the rules recomputes every user of the tenant in the same
 * transaction, recording `user.roles_changed` for each user it moved, so
 * the app hears of it exactly as of a change made by the identity provider.
 */
import { randomUUID } from 'node:crypto';
import { scimErrors } from '../core/errors/scim-error.js';
import type { SchemaResolver } from '../core/schema/schema-resolver.js';
import type { ScimitarEvent } from '../events/event.js';
import { EventHookRunner } from '../events/hooks.js';
import { EventNotifier } from '../events/notifier.js';
import type { RoleStore } from '../store/role-store.js';
import type { Store, StoreWriter } from '../store/store.js';
import { checkRoleMapping, checkRoleName, ROLE_HOLDER_TYPE, type RoleMapping, type RoleRules } from './role-rules.js';
import { RoleTracking } from './role-tracking.js';

export interface RoleServiceDependencies {
  readonly store: Store;
  readonly schemas: SchemaResolver;
  readonly now: () => Date;
  /** Told after each commit that recorded events (wakes the webhook dispatcher and feed readers). */
  readonly notifier?: EventNotifier;
  /** The embedding app's in-process hooks. */
  readonly hooks?: EventHookRunner;
}

/** Where a change is made from: the tenant, and its SCIM root (for `meta.location` in the events' users). */
export interface RoleChangeContext {
  readonly tenantId: string;
  readonly baseUrl: string;
}

/** What a rule change did: how many users' roles it moved (each has its `user.roles_changed`). */
export interface RolesMoved {
  readonly usersChanged: number;
}

export interface UserRoles {
  readonly userId: string;
  /** In precedence order; the first is the user's primary role. */
  readonly roles: readonly string[];
}

export class RoleService {
  private readonly store: Store;
  private readonly roles: RoleStore;
  private readonly tracking: RoleTracking;
  private readonly now: () => Date;
  private readonly notifier: EventNotifier;
  private readonly hooks: EventHookRunner;

  constructor(dependencies: RoleServiceDependencies) {
    this.store = dependencies.store;
    this.roles = dependencies.store.roles;
    this.tracking = new RoleTracking(dependencies.store.roles, dependencies.schemas);
    this.now = dependencies.now;
    this.notifier = dependencies.notifier ?? new EventNotifier();
    this.hooks = dependencies.hooks ?? new EventHookRunner({}, () => undefined);
  }

  /** The tenant's rules, in precedence order, and its default role. */
  async rules(tenantId: string): Promise<RoleRules> {
    await this.assertTenant(tenantId);
    return this.roles.rules(tenantId);
  }

  /** Adds a rule (checked: `400` naming the problem, `409` when it exists) and applies it to every user. */
  async addMapping(context: RoleChangeContext, input: Record<string, unknown>): Promise<{ readonly mapping: RoleMapping } & RolesMoved> {
    const checked = checkRoleMapping(input);
    await this.assertTenant(context.tenantId);
    const createdAt = this.now().toISOString();
    return this.changeRules(context, createdAt, async () => ({
      mapping: await this.roles.insertMapping({ ...checked, tenantId: context.tenantId, id: randomUUID(), createdAt }),
    }));
  }

  /** Removes a rule (`404` when absent) and takes back the roles only it gave. */
  async removeMapping(context: RoleChangeContext, mappingId: string): Promise<{ readonly mapping: RoleMapping } & RolesMoved> {
    await this.assertTenant(context.tenantId);
    return this.changeRules(context, this.now().toISOString(), async () => {
      const mapping = await this.roles.deleteMapping(context.tenantId, mappingId);
      if (mapping === undefined) throw scimErrors.notFound(`No role mapping "${mappingId.slice(0, 80)}" in tenant "${context.tenantId}"`);
      return { mapping };
    });
  }

  /** Sets (or, with null, clears) the role of users no rule gives any. */
  async setDefaultRole(context: RoleChangeContext, role: unknown): Promise<{ readonly defaultRole: string | null } & RolesMoved> {
    const defaultRole = role === null ? null : checkRoleName(role, 'defaultRole');
    await this.assertTenant(context.tenantId);
    return this.changeRules(context, this.now().toISOString(), async () => {
      await this.roles.setDefaultRole(context.tenantId, defaultRole);
      return { defaultRole };
    });
  }

  /** A user's effective roles; `404` when the tenant has no such user. */
  async rolesOf(tenantId: string, userId: string): Promise<UserRoles> {
    await this.assertTenant(tenantId);
    const user = await this.store.reader.getResource(tenantId, ROLE_HOLDER_TYPE, userId);
    if (user === undefined) throw scimErrors.notFound(`${ROLE_HOLDER_TYPE} "${userId.slice(0, 80)}" not found`);
    const stored = await this.roles.rolesOf(tenantId, [userId]);
    return { userId, roles: stored.get(userId) ?? [] };
  }

  /**
   * Runs a change of the rules and recomputes every user of the tenant in
   * one transaction with the events of the users it moved; then, after
   * commit, wakes the webhooks and feed and runs the after-commit hooks.
   */
  private async changeRules<T>(context: RoleChangeContext, timestamp: string, change: (writer: StoreWriter) => Promise<T>): Promise<T & RolesMoved> {
    const { result, recorded } = await this.store.transaction(async (writer) => {
      const result = await change(writer);
      const moved = await this.roles.recompute(context.tenantId, await this.roles.usersOfTenant(context.tenantId));
      const origin = { tenantId: context.tenantId, baseUrl: context.baseUrl, newId: randomUUID, timestamp, requestId: null };
      const recorded: readonly ScimitarEvent[] = await writer.appendEvents(await this.tracking.eventsOf(writer, origin, moved));
      await this.hooks.inTransaction(recorded);
      return { result, recorded };
    });
    const last = recorded.at(-1);
    if (last !== undefined) {
      this.notifier.committed(context.tenantId, last.sequence);
      this.hooks.afterCommit(recorded);
    }
    return { ...result, usersChanged: recorded.length };
  }

  private async assertTenant(tenantId: string): Promise<void> {
    if ((await this.store.tenants.getTenant(tenantId)) === undefined) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
  }
}
