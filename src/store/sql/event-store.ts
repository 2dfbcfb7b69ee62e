/**
 * Reading and pruning the outbox, written once for every database (events
 * are appended by the resource writer, in the transaction of their change).
 */
import type { ScimitarEvent } from '../../events/event.js';
import { eventFromRow, prunableEvents, type EventRow } from '../event-rows.js';
import { canonicalTimestamp } from '../rows.js';
import type { EventPosition, EventStore } from '../store.js';
import { parameter, sql } from './fragment.js';
import type { SqlSessions } from './session.js';

export class SqlEventStore implements EventStore {
  constructor(private readonly sessions: SqlSessions) {}

  async listEvents(tenantId: string, afterSequence: number, limit: number): Promise<readonly ScimitarEvent[]> {
    const rows = await this.sessions
      .committed()
      .all<EventRow>(
        sql`SELECT payload FROM events WHERE tenant_id = ${parameter(tenantId)} AND sequence > ${parameter(afterSequence)} ORDER BY sequence LIMIT ${this.sessions.dialect.rowLimit(limit)}`,
      );
    return rows.map(eventFromRow);
  }

  async position(tenantId: string): Promise<EventPosition> {
    // bigint columns: PostgreSQL and MySQL drivers return them as text.
    const row = await this.sessions
      .committed()
      .first<{ last_sequence: unknown; pruned_through: unknown }>(sql`SELECT last_sequence, pruned_through FROM event_sequences WHERE tenant_id = ${parameter(tenantId)}`);
    return { lastSequence: Number(row?.last_sequence ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
  }

  /**
   * Deletes the prunable events (see prunableEvents) and records, per
   * tenant, the highest sequence deleted, in one transaction. The highest
   * sequences are read first and bound each tenant's delete, so what is
   * recorded covers exactly what went even when a webhook catches up in
   * between; a concurrent prune deletes nothing twice and records the same.
   */
  async prune(before: string): Promise<number> {
    const cut = parameter(canonicalTimestamp(before));
    return this.sessions.write(async (session) => {
      const highest = await session.all<{ tenant_id: string; through: unknown }>(
        sql`SELECT tenant_id, MAX(sequence) AS through FROM events WHERE ${prunableEvents(cut)} GROUP BY tenant_id`,
      );
      let removed = 0;
      for (const { tenant_id: tenantId, through } of highest) {
        const tenant = parameter(tenantId);
        const sequence = parameter(Number(through));
        removed += await session.run(sql`DELETE FROM events WHERE tenant_id = ${tenant} AND sequence <= ${sequence} AND ${prunableEvents(cut)}`);
        await session.run(sql`UPDATE event_sequences SET pruned_through = ${sequence} WHERE tenant_id = ${tenant} AND pruned_through < ${sequence}`);
      }
      return removed;
    });
  }
}
