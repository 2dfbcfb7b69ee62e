/**
 * The changes Scimitar tells the host app about. An event is written in the
 * same database transaction as the change it describes (the transactional
 * outbox: table `events`), so there is no change without its event and no
 * event without its change. Webhooks, the event feed and in-process hooks
 * all read these same events.
 *
 * Types say what happened, not which HTTP verb did it: a PATCH that sets
 * `active` to false is `user.deactivated`, whichever IdP sent it and how.
 */
import type { ResourceTypeName } from '../core/schema/attribute.js';
import { eventTypesOf, type ResourceEventAction, type ResourceTypeFacts } from '../core/schema/resource-types.js';

/** The event types of the built-in resource types (User, Group). */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'user.roles_changed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
  // The mass-deprovisioning safeguard held a hard deletion (src/services/deletion); about the user whose deletion tripped it.
  'tenant.safeguard_tripped',
] as const;

/**
 * `{eventPrefix}.{action}` of a registered resource type (resource-types.ts):
 * the built-in ones above, and e.g. `device.created` for a type an
 * embedding app registers.
 */
export type EventType = (typeof EVENT_TYPES)[number] | `${string}.${ResourceEventAction}`;

/**
 * The event types of a server: the built-in catalogue, then those of the
 * resource types an embedding app registered (`device.created`, …), once each.
 */
export function eventCatalogue(types: readonly ResourceTypeFacts[]): readonly EventType[] {
  const catalogue: EventType[] = [...EVENT_TYPES];
  for (const facts of types) for (const type of eventTypesOf(facts)) if (!catalogue.includes(type)) catalogue.push(type);
  return catalogue;
}


/** A member named by a membership event. */
export interface EventMember {
  readonly value: string;
  readonly type: ResourceTypeName;
}

export interface EventData {
  /**
   * The resource as it is after the change (deletions: as it was before),
   * in its SCIM representation with `meta`. Never a password. A Group is
   * rendered without `members` (it may have 100,000: membership is told by
   * `group.member_added` / `group.member_removed`), a User without the
   * computed `groups`.
   */
  readonly resource: Record<string, unknown>;
  /** `user.updated` / `group.updated`: the attributes that changed (top-level names; extension attributes as `urn:…:name`). */
  readonly changedAttributes?: readonly string[];
  /** `group.member_added` / `group.member_removed`: the members, at most MAX_MEMBERS_PER_EVENT per event. */
  readonly members?: readonly EventMember[];
  /**
   * User events of an app that links its own users (src/events/hooks.ts):
   * the id of the app's user this User is linked to, when it is.
   */
  readonly appUserId?: string;
  /** `user.roles_changed`: the user's effective roles (group → role mapping, docs/roles.md) before and after, in precedence order. */
  readonly roles?: { readonly before: readonly string[]; readonly after: readonly string[] };
  /** `tenant.safeguard_tripped`: the window's count and the threshold it went beyond. */
  readonly safeguard?: SafeguardTrip;
}

export interface SafeguardTrip {
  /** When the counting window began. */
  readonly windowStartedAt: string;
  readonly windowMinutes: number;
  /** Users the tenant held when the window began. */
  readonly users: number;
  /** Hard deletions in the window, this one included. */
  readonly deletions: number;
  /** The most deletions the window lets through. */
  readonly threshold: number;
}

/** An event as stored and delivered (its JSON is the webhook body and a feed entry). */
export interface ScimitarEvent {
  /** Unique; the `webhook-id` of its deliveries, so receivers can deduplicate. */
  readonly id: string;
  readonly type: EventType;
  /** When the change committed's transaction ran (ISO 8601, ms, Z). */
  readonly timestamp: string;
  readonly tenant: string;
  /** Per tenant, starting at 1, increasing by one in commit order. */
  readonly sequence: number;
  readonly resourceType: ResourceTypeName;
  readonly resourceId: string;
  readonly externalId: string | null;
  readonly data: EventData;
  /**
   * The `X-Request-Id` of the HTTP request that made the change (its entry
   * in the tenant's request log); null for changes made outside HTTP.
   */
  readonly requestId: string | null;
}

/** An event before the store gives it its sequence. */
export type NewEvent = Omit<ScimitarEvent, 'sequence'>;

/**
 * Membership changes of more members than this are split into several
 * events: a receiver never gets a 100,000-element body, and one slow
 * delivery never holds a whole group's change.
 */
export const MAX_MEMBERS_PER_EVENT = 1000;
