import type { ScimitarEvent } from '../../events/event.js';
import { eventFromRow, PRUNABLE_EVENTS_CONDITION, type EventRow } from '../event-rows.js';
import type { EventPosition, EventStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { canonicalTimestamp } from './resource-rows.js';
import type { SerialisedWrite } from './sqlite-tenant-store.js';

export class SqliteEventStore implements EventStore {
  constructor(
    private readonly reader: () => SqliteConnection,
    private readonly write: SerialisedWrite,
  ) {}

  async listEvents(tenantId: string, afterSequence: number, limit: number): Promise<readonly ScimitarEvent[]> {
    const rows = this.reader()
      .statement('SELECT payload FROM events WHERE tenant_id = ? AND sequence > ? ORDER BY sequence LIMIT ?')
      .all(tenantId, afterSequence, limit) as EventRow[];
    return rows.map(eventFromRow);
  }

  async position(tenantId: string): Promise<EventPosition> {
    const row = this.reader().statement('SELECT last_sequence, pruned_through FROM event_sequences WHERE tenant_id = ?').get(tenantId) as
      | { last_sequence: number; pruned_through: number }
      | undefined;
    return { lastSequence: row?.last_sequence ?? 0, prunedThrough: row?.pruned_through ?? 0 };
  }

  async prune(before: string): Promise<number> {
    const cut = canonicalTimestamp(before);
    return this.write((writer) => {
      const removed = writer
        .statement(`DELETE FROM events WHERE ${PRUNABLE_EVENTS_CONDITION.replaceAll('$cut', '?')} RETURNING tenant_id, sequence`)
        .all(cut) as { tenant_id: string; sequence: number }[];
      const highest = new Map<string, number>();
      for (const row of removed) highest.set(row.tenant_id, Math.max(highest.get(row.tenant_id) ?? 0, row.sequence));
      const record = writer.statement('UPDATE event_sequences SET pruned_through = MAX(pruned_through, ?) WHERE tenant_id = ?');
      for (const [tenantId, sequence] of highest) record.run(sequence, tenantId);
      return removed.length;
    });
  }
}
