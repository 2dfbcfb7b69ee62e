import type { ScimitarEvent } from '../../events/event.js';
import { eventFromRow, PRUNABLE_EVENTS_CONDITION, type EventRow } from '../event-rows.js';
import type { EventPosition, EventStore } from '../store.js';
import type { Queryable } from './pool.js';
import { canonicalTimestamp } from './resource-rows.js';

export class PostgresEventStore implements EventStore {
  constructor(private readonly queryable: () => Queryable) {}

  async listEvents(tenantId: string, afterSequence: number, limit: number): Promise<readonly ScimitarEvent[]> {
    const { rows } = await this.queryable().query<EventRow>(
      'SELECT payload FROM events WHERE tenant_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3',
      [tenantId, afterSequence, limit],
    );
    return rows.map(eventFromRow);
  }

  async position(tenantId: string): Promise<EventPosition> {
    const { rows } = await this.queryable().query<{ last_sequence: string; pruned_through: string }>(
      'SELECT last_sequence, pruned_through FROM event_sequences WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    return { lastSequence: Number(row?.last_sequence ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
  }

  /** One statement: the delete and the pruned_through update commit together. */
  async prune(before: string): Promise<number> {
    const { rows } = await this.queryable().query<{ removed: string }>(
      `WITH removed AS (
         DELETE FROM events WHERE ${PRUNABLE_EVENTS_CONDITION.replaceAll('$cut', '$1')} RETURNING tenant_id, sequence
       ), highest AS (
         SELECT tenant_id, MAX(sequence) AS sequence FROM removed GROUP BY tenant_id
       ), recorded AS (
         UPDATE event_sequences SET pruned_through = GREATEST(event_sequences.pruned_through, highest.sequence)
         FROM highest WHERE event_sequences.tenant_id = highest.tenant_id RETURNING 1
       )
       SELECT (SELECT COUNT(*) FROM removed) AS removed`,
      [canonicalTimestamp(before)],
    );
    return Number(rows[0]?.removed ?? 0);
  }
}
