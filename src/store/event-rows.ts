/** The outbox's rows, shared by every database. */
import type { NewEvent, ScimitarEvent } from '../events/event.js';
import { sql, type SqlFragment } from './sql/fragment.js';

export interface EventRow {
  readonly payload: string;
}

export function eventFromRow(row: EventRow): ScimitarEvent {
  return JSON.parse(row.payload) as ScimitarEvent;
}

/** The events numbered from `firstSequence`, in the order given, with the JSON stored for each. */
export function numberEvents(events: readonly NewEvent[], firstSequence: number): { event: ScimitarEvent; payload: string }[] {
  return events.map((event, index) => {
    // The key order of the delivered JSON: identification first, the resource last.
    const numbered: ScimitarEvent = {
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      tenant: event.tenant,
      sequence: firstSequence + index,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      externalId: event.externalId,
      data: event.data,
      // Last: events written before request ids were kept lack it, and readers of either kind see one order.
      requestId: event.requestId,
    };
    return { event: numbered, payload: JSON.stringify(numbered) };
  });
}

/**
 * Events older than `cut` that every webhook of their tenant has already
 * turned into deliveries (a delivery holds its own copy of the event).
 */
export function prunableEvents(cut: SqlFragment): SqlFragment {
  return sql`events.occurred_at < ${cut} AND events.sequence <= COALESCE(
  (SELECT MIN(webhooks.enqueued_through) FROM webhooks WHERE webhooks.tenant_id = events.tenant_id), events.sequence)`;
}

/** The tenant of one call's events: a transaction changes one tenant's directory, so its events share one sequence. */
export function singleTenant(events: readonly NewEvent[]): string | undefined {
  const first = events[0];
  if (first === undefined) return undefined;
  if (events.some((event) => event.tenant !== first.tenant)) throw new TypeError('appendEvents was given events of several tenants; record each tenant in its own call');
  return first.tenant;
}
