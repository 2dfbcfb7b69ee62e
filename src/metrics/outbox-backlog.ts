/** The webhook outbox's backlog, read on scrape: one statement over the pending deliveries (the partial indexes on status = 'pending' keep it to them). */
import { sql } from '../store/sql/fragment.js';
import type { SqlReader } from '../store/sql/read-access.js';

export interface OutboxBacklog {
  readonly pending: number;
  /** When the oldest pending delivery was created (its event's enqueueing, right after commit). */
  readonly oldestPendingAt: Date | undefined;
}

export async function outboxBacklog(reader: SqlReader): Promise<OutboxBacklog> {
  const [row] = await reader.rows(sql`SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'`);
  const oldest = row?.['oldest'];
  return { pending: Number(row?.['pending'] ?? 0), oldestPendingAt: typeof oldest === 'string' ? new Date(oldest) : undefined };
}
