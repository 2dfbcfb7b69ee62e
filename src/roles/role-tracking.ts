/**
 * Keeps users' effective roles current inside the transaction of every
 * change that can move them: it reads which users a change touches from
 * the change's own events (a table of facts per event type), recomputes
 * those users' roles in the same transaction, and returns one
 * `user.roles_changed` event per user whose roles really changed.
 */
import type { SchemaResolver } from '../core/schema/schema-resolver.js';
import type { EventType, NewEvent } from '../events/event.js';
import { rolesChangedEvent, type EventOrigin } from '../services/resources/resource-events.js';
import type { RoleStore } from '../store/role-store.js';
import type { StoreReader } from '../store/store.js';
import { RENAMING_ATTRIBUTES, ROLE_HOLDER_TYPE, type RoleChange } from './role-rules.js';

/** The users a change names directly, and the groups whose users (at any depth) it may move. */
interface Touched {
  readonly users: string[];
  readonly groups: string[];
  /** Users the change created: without rules they have no roles and need no statement. */
  readonly created?: true;
}

function membersTouched(event: NewEvent): Touched {
  const touched: Touched = { users: [], groups: [] };
  // A member that holds roles is recomputed; any other may have role holders beneath it.
  for (const member of event.data.members ?? []) (member.type === ROLE_HOLDER_TYPE ? touched.users : touched.groups).push(member.value);
  return touched;
}

/**
 * What each kind of change touches. A deleted group's users are read
 * before the delete (`holdersBeneath`), since its membership rows go with
 * it; a deleted user's role row goes with the user (ON DELETE CASCADE).
 */
const TOUCHED_BY: Partial<Readonly<Record<EventType, (event: NewEvent) => Touched>>> = {
  'user.created': (event) => ({ users: [event.resourceId], groups: [], created: true }),
  'group.member_added': membersTouched,
  'group.member_removed': membersTouched,
  // A rename can break (or make) a rule by displayName or externalId; one by id never moves.
  'group.updated': (event) => ({
    users: [],
    groups: (event.data.changedAttributes ?? []).some((name) => RENAMING_ATTRIBUTES.includes(name)) ? [event.resourceId] : [],
  }),
};

export class RoleTracking {
  constructor(
    private readonly roles: RoleStore,
    private readonly schemas: SchemaResolver,
  ) {}

  /** The users in a group (at any depth) now: read before a change that removes what says so (a group's delete). */
  holdersBeneath(tenantId: string, groupId: string): Promise<readonly string[]> {
    return this.roles.usersBeneath(tenantId, [groupId]);
  }

  /** Inside the change's transaction: recomputes the roles of the users it touched, and returns the events of those that changed. */
  async eventsAfter(reader: StoreReader, origin: EventOrigin, changeEvents: readonly NewEvent[], holdersBefore: readonly string[]): Promise<NewEvent[]> {
    const users = new Set(holdersBefore);
    const groups = new Set<string>();
    const created = new Set<string>();
    for (const event of changeEvents) {
      const touched = TOUCHED_BY[event.type]?.(event);
      if (touched === undefined) continue;
      for (const user of touched.users) users.add(user);
      for (const group of touched.groups) groups.add(group);
      if (touched.created) for (const user of touched.users) created.add(user);
    }
    if (groups.size > 0) for (const user of await this.roles.usersBeneath(origin.tenantId, [...groups])) users.add(user);
    if (users.size === 0) return [];
    return this.eventsOf(reader, origin, await this.roles.recompute(origin.tenantId, [...users], created));
  }

  /** One `user.roles_changed` per change, with the user as it is now. */
  async eventsOf(reader: StoreReader, origin: EventOrigin, changes: readonly RoleChange[]): Promise<NewEvent[]> {
    if (changes.length === 0) return [];
    const schemas = await this.schemas.schemasFor(origin.tenantId, ROLE_HOLDER_TYPE);
    const events: NewEvent[] = [];
    for (const change of changes) {
      const user = await reader.getResource(origin.tenantId, ROLE_HOLDER_TYPE, change.userId);
      if (user !== undefined) events.push(rolesChangedEvent(origin, schemas, user, change));
    }
    return events;
  }
}
