/**
 * Purges soft-deleted users whose time is up, hourly, in every instance,
 * beside the event retention (src/events/retention.ts): instances sharing a
 * database each take other rows (the rows are locked, skipping locked ones).
 */
import { PeriodicTask } from '../../app/periodic-task.js';
import type { DeletionService } from './deletion-service.js';

export function softDeletePurge(deletions: DeletionService, logFailure: (error: unknown) => void, intervalMs?: number): PeriodicTask {
  return new PeriodicTask(() => deletions.purgeDue(), logFailure, intervalMs);
}
