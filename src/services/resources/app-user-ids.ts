/**
 * Gives the events of a change the ids of the app's users they concern
 * (`data.appUserId`), read in the change's transaction, and drops the links
 * of Users it deletes: after the `user.deleted` event has the id, so the
 * app's hook knows whose sessions to revoke.
 */
import type { NewEvent } from '../../events/event.js';
import { APP_USER_RESOURCE_TYPE } from '../../events/hooks.js';
import type { StoreWriter } from '../../store/store.js';

const DELETED_TYPE = 'user.deleted';

export async function withAppUserIds(writer: StoreWriter, events: readonly NewEvent[]): Promise<readonly NewEvent[]> {
  const userEvents = events.filter((event) => event.resourceType === APP_USER_RESOURCE_TYPE);
  const first = userEvents[0];
  if (first === undefined) return events;
  const linked = await writer.appUserIds(
    first.tenant,
    userEvents.map((event) => event.resourceId),
  );
  if (linked.size === 0) return events;
  const deleted = userEvents.filter((event) => event.type === DELETED_TYPE && linked.has(event.resourceId)).map((event) => event.resourceId);
  await writer.unlinkAppUsers(first.tenant, deleted);
  return events.map((event) => {
    const appUserId = event.resourceType === APP_USER_RESOURCE_TYPE ? linked.get(event.resourceId) : undefined;
    return appUserId === undefined ? event : { ...event, data: { ...event.data, appUserId } };
  });
}
