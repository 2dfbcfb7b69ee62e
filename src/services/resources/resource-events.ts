/**
 * What a write to a resource tells the host app: the events of one
 * change, built from the resource before and after it (src/events/event.ts).
 * Pure apart from the ids it draws; the service records them in the write's
 * own transaction.
 */
import { isJsonObject, jsonEqual } from '../../core/resource/json-value.js';
import type { ResourceSchemas } from '../../core/schema/registry.js';
import { eventTypeOf } from '../../core/schema/resource-types.js';
import { MAX_MEMBERS_PER_EVENT, type EventData, type EventType, type NewEvent } from '../../events/event.js';
import type { MemberRef, ResourceAttributes, StoredResource } from '../../store/store.js';
import { renderResource } from './render.js';

export interface EventOrigin {
  readonly tenantId: string;
  /** The SCIM root of the request, for `meta.location` in the event's resource. */
  readonly baseUrl: string;
  readonly newId: () => string;
  /** The change's time (ISO 8601), the same for all its events. */
  readonly timestamp: string;
  /** The HTTP request making the change, if any: each event names it. */
  readonly requestId: string | null;
}

export function resourceEvent(origin: EventOrigin, type: EventType, schemas: ResourceSchemas, stored: StoredResource, extra: Omit<EventData, 'resource'> = {}): NewEvent {
  const externalId = stored.attributes['externalId'];
  return {
    id: origin.newId(),
    type,
    timestamp: origin.timestamp,
    tenant: origin.tenantId,
    resourceType: schemas.resourceType.name,
    resourceId: stored.id,
    externalId: typeof externalId === 'string' ? externalId : null,
    requestId: origin.requestId,
    // Without computed attributes: a Group's members come as member events, a User's groups are not read for every write.
    data: { resource: renderResource(stored, schemas, origin.baseUrl), ...extra },
  };
}

/**
 * The attributes that differ, by top-level name; inside an extension object
 * (`urn:…:enterprise:2.0:User`) by `urn:…:name`, since "the enterprise
 * extension changed" would not tell the app whether the manager did.
 */
function changedAttributeNames(before: ResourceAttributes, after: ResourceAttributes): string[] {
  const names = new Set<string>();
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'schemas') continue;
    const left = before[key];
    const right = after[key];
    if (jsonEqual(left, right)) continue;
    if (key.startsWith('urn:') && (isJsonObject(left) || isJsonObject(right))) {
      const leftObject = isJsonObject(left) ? left : {};
      const rightObject = isJsonObject(right) ? right : {};
      for (const subKey of new Set([...Object.keys(leftObject), ...Object.keys(rightObject)])) {
        if (!jsonEqual(leftObject[subKey], rightObject[subKey])) names.add(`${key}:${subKey}`);
      }
    } else {
      names.add(key);
    }
  }
  return [...names].sort();
}

export function createdEvent(origin: EventOrigin, schemas: ResourceSchemas, stored: StoredResource): NewEvent {
  return resourceEvent(origin, eventTypeOf(schemas.resourceType, 'created'), schemas, stored);
}

export function deletedEvent(origin: EventOrigin, schemas: ResourceSchemas, asItWas: StoredResource): NewEvent {
  return resourceEvent(origin, eventTypeOf(schemas.resourceType, 'deleted'), schemas, asItWas);
}

/**
 * The events of an update. The type's active attribute (a User's `active`)
 * going to false is `user.deactivated`, from false to true
 * `user.reactivated` (the two changes an app must act on at once, whatever
 * else the request changed); every other changed attribute is listed in
 * one `user.updated` / `group.updated` / `{eventPrefix}.updated`.
 */
export function updateEvents(origin: EventOrigin, schemas: ResourceSchemas, before: StoredResource, after: StoredResource, passwordChanged: boolean): NewEvent[] {
  const facts = schemas.resourceType;
  const events: NewEvent[] = [];
  let changed = changedAttributeNames(before.attributes, after.attributes);
  const activeAttribute = facts.activeAttribute;
  if (activeAttribute !== undefined) {
    const wasActive = before.attributes[activeAttribute];
    const isActive = after.attributes[activeAttribute];
    if (wasActive !== false && isActive === false) events.push(resourceEvent(origin, eventTypeOf(facts, 'deactivated'), schemas, after));
    else if (wasActive === false && isActive === true) events.push(resourceEvent(origin, eventTypeOf(facts, 'reactivated'), schemas, after));
    if (events.length > 0) changed = changed.filter((name) => name !== activeAttribute);
  }
  // The password is never stored in the attributes: its change is told by name only.
  if (passwordChanged) changed = [...changed, 'password'].sort();
  if (changed.length > 0) events.push(resourceEvent(origin, eventTypeOf(facts, 'updated'), schemas, after, { changedAttributes: changed }));
  return events;
}

/** A user's effective roles changed (group → role mapping, src/roles). */
export function rolesChangedEvent(origin: EventOrigin, schemas: ResourceSchemas, user: StoredResource, roles: { readonly before: readonly string[]; readonly after: readonly string[] }): NewEvent {
  return resourceEvent(origin, 'user.roles_changed', schemas, user, { roles: { before: [...roles.before], after: [...roles.after] } });
}

/** Membership changes of a group, at most MAX_MEMBERS_PER_EVENT members per event. */
export function membershipEvents(
  origin: EventOrigin,
  schemas: ResourceSchemas,
  group: StoredResource,
  changes: { readonly added: readonly MemberRef[]; readonly removed: readonly MemberRef[] },
): NewEvent[] {
  const events: NewEvent[] = [];
  for (const [type, members] of [
    [eventTypeOf(schemas.resourceType, 'member_removed'), changes.removed],
    [eventTypeOf(schemas.resourceType, 'member_added'), changes.added],
  ] as const) {
    for (let start = 0; start < members.length; start += MAX_MEMBERS_PER_EVENT) {
      const batch = members.slice(start, start + MAX_MEMBERS_PER_EVENT).map((member) => ({ value: member.value, type: member.type }));
      events.push(resourceEvent(origin, type, schemas, group, { members: batch }));
    }
  }
  return events;
}
