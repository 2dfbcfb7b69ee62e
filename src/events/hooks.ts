/**
 * In-process hooks for an app that embeds Scimitar (createScimitar(config,
 * { hooks })). Two kinds, for two needs:
 *
 * - After commit (`onUserDeactivated`, …, `onEvent`): the change is durable;
 *   the hooks run in commit order, one event at a time, without holding up
 *   the SCIM response. A hook that throws is logged and does not affect the
 *   others or the change. They run in the instance that made the change and
 *   are not retried after a crash: for delivery that survives restarts use
 *   webhooks or the event feed, which read the same outbox.
 * - `inTransaction`: runs inside the write's transaction, after its events
 *   are recorded and before commit, with every event of the change and a
 *   handle on the transaction (src/events/app-transaction.ts). An app whose
 *   tables live in the same database writes its own rows through that
 *   handle: they commit with the change or not at all. Throw to veto: the
 *   whole change, its events and the app's rows roll back, and a thrown
 *   ScimError (e.g. `scimErrors.forbidden("…")`) is what the identity
 *   provider gets; any other error is a 500. Keep it short: on SQLite it
 *   holds the write lock. An app mirroring into another database cannot
 *   share the transaction: it should key its writes by event id, since in
 *   the rare case our commit fails after the hook succeeded, the IdP
 *   retries and the hook sees the change again under a new event.
 * - `linkExistingUser`: asked, inside the transaction of a User's creation,
 *   whether the app already has that user (docs/embedding-write-through.md).
 */
import type { AppTransaction } from './app-transaction.js';
import type { EventType, ScimitarEvent } from './event.js';

/** A User an identity provider is creating, as the app's linking rule sees it. */
export interface ExistingUserCandidate {
  readonly tenantId: string;
  readonly userName: string;
  readonly externalId: string | null;
  /** The User as the identity provider sent it, normalised (never its password). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * The app's rule for linking a new SCIM User to a user it already has:
 * returns that user's id, or undefined to link nothing (the app then
 * creates its own row in `inTransaction`). It runs in the creation's
 * transaction with a handle on it, so it reads the app's table on the same
 * connection. Linking by an email the app never verified hands the account
 * to whoever the identity provider says owns the address: see
 * docs/embedding-write-through.md.
 */
export type LinkExistingUser = (candidate: ExistingUserCandidate, transaction: AppTransaction) => string | undefined | Promise<string | undefined>;

export type EventHandler = (event: ScimitarEvent) => void | Promise<void>;

export interface EventHooks {
  readonly onUserCreated?: EventHandler;
  readonly onUserUpdated?: EventHandler;
  readonly onUserDeactivated?: EventHandler;
  readonly onUserReactivated?: EventHandler;
  readonly onUserDeleted?: EventHandler;
  /** A user's effective roles changed (group → role mapping): `event.data.roles` has them before and after. */
  readonly onUserRolesChanged?: EventHandler;
  readonly onGroupCreated?: EventHandler;
  readonly onGroupUpdated?: EventHandler;
  readonly onGroupDeleted?: EventHandler;
  readonly onGroupMemberAdded?: EventHandler;
  readonly onGroupMemberRemoved?: EventHandler;
  readonly onSafeguardTripped?: EventHandler;
  /** Every event, after the typed hook of its type. */
  readonly onEvent?: EventHandler;
  readonly inTransaction?: (events: readonly ScimitarEvent[], transaction: AppTransaction) => void | Promise<void>;
  /** Default: links nothing. */
  readonly linkExistingUser?: LinkExistingUser;
}

/** The hooks that run inside the transaction rather than after commit. */
const IN_TRANSACTION_HOOKS: ReadonlySet<string> = new Set(['inTransaction', 'linkExistingUser']);

/** The typed hooks of the built-in types' events; events of a registered type reach `onEvent` only. */
const HOOK_OF_TYPE: Readonly<Partial<Record<EventType, keyof EventHooks>>> = {
  'user.created': 'onUserCreated',
  'user.updated': 'onUserUpdated',
  'user.deactivated': 'onUserDeactivated',
  'user.reactivated': 'onUserReactivated',
  'user.deleted': 'onUserDeleted',
  'user.roles_changed': 'onUserRolesChanged',
  'group.created': 'onGroupCreated',
  'group.updated': 'onGroupUpdated',
  'group.deleted': 'onGroupDeleted',
  'group.member_added': 'onGroupMemberAdded',
  'group.member_removed': 'onGroupMemberRemoved',
  'tenant.safeguard_tripped': 'onSafeguardTripped',
};

export type HookFailureLogger = (failure: { readonly error: unknown; readonly event: ScimitarEvent; readonly hook: string }) => void;

export class EventHookRunner {
  private queue: Promise<void> = Promise.resolve();
  /** Decided once: every write asks, and most servers have no hooks at all. */
  readonly hasAfterCommitHooks: boolean;
  /** Whether the app links its users to SCIM Users (then each User write reads the links, so events carry `data.appUserId`). */
  readonly tracksAppUsers: boolean;

  constructor(
    private readonly hooks: EventHooks,
    private readonly logFailure: HookFailureLogger,
  ) {
    this.hasAfterCommitHooks = Object.entries(hooks).some(([name, hook]) => !IN_TRANSACTION_HOOKS.has(name) && typeof hook === 'function');
    this.tracksAppUsers = typeof hooks.inTransaction === 'function' || typeof hooks.linkExistingUser === 'function';
  }

  async inTransaction(events: readonly ScimitarEvent[], transaction: () => AppTransaction): Promise<void> {
    if (events.length > 0 && this.hooks.inTransaction !== undefined) await this.hooks.inTransaction(events, transaction());
  }

  /** The app's user to link a new User to; undefined without a rule. */
  async linkExistingUser(candidate: ExistingUserCandidate, transaction: () => AppTransaction): Promise<string | undefined> {
    const link = this.hooks.linkExistingUser;
    if (link === undefined) return undefined;
    const appUserId = await link(candidate, transaction());
    if (appUserId !== undefined && (typeof appUserId !== 'string' || appUserId === '')) {
      throw new TypeError('linkExistingUser must return a non-empty string (the app user id) or undefined');
    }
    return appUserId;
  }

  /** Queues the committed events for the after-commit hooks; returns at once. */
  afterCommit(events: readonly ScimitarEvent[]): void {
    if (events.length === 0 || !this.hasAfterCommitHooks) return;
    this.queue = this.queue.then(() => this.runAll(events));
  }

  /** Resolves when every queued hook has run (for a clean shutdown, and tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async runAll(events: readonly ScimitarEvent[]): Promise<void> {
    for (const event of events) {
      const typedName = HOOK_OF_TYPE[event.type];
      for (const name of typedName === undefined ? (['onEvent'] as const) : ([typedName, 'onEvent'] as const)) {
        const hook = this.hooks[name] as EventHandler | undefined;
        if (hook === undefined) continue;
        try {
          await hook(event);
        } catch (error) {
          this.logFailure({ error, event, hook: name });
        }
      }
    }
  }
}

/** The resource type whose resources are the app's users: what `linkExistingUser` links and `data.appUserId` names. */
export const APP_USER_RESOURCE_TYPE = 'User';
