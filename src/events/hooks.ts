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
 *   are recorded and before commit, with every event of the change. Throw to
 *   veto: the whole change and its events roll back, and a thrown ScimError
 *   (e.g. `scimErrors.forbidden("…")`) is what the identity provider gets.
 *   Keep it short: on SQLite it holds the write lock. An app mirroring the
 *   change into its own database should key its writes by event id: in the
 *   rare case our commit fails after the hook succeeded, the IdP retries
 *   and the hook sees the change again under a new event.
 */
import type { EventType, ScimitarEvent } from './event.js';

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
  readonly inTransaction?: (events: readonly ScimitarEvent[]) => void | Promise<void>;
}

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

  constructor(
    private readonly hooks: EventHooks,
    private readonly logFailure: HookFailureLogger,
  ) {
    this.hasAfterCommitHooks = Object.entries(hooks).some(([name, hook]) => name !== 'inTransaction' && typeof hook === 'function');
  }

  async inTransaction(events: readonly ScimitarEvent[]): Promise<void> {
    if (events.length > 0) await this.hooks.inTransaction?.(events);
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
