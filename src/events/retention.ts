/**
 * Removes events older than the retention period, hourly, in every instance
 * (pruning is idempotent: instances sharing a database repeat each other's
 * work harmlessly). An event a webhook has not yet turned into deliveries
 * is kept whatever its age (EventStore.prune).
 */
import { PeriodicTask } from '../app/periodic-task.js';
import type { EventStore } from '../store/store.js';

export interface EventRetentionSettings {
  readonly retentionDays: number;
  /** Default one hour. */
  readonly intervalMs?: number;
}

/** Removes what is past retention every interval; each run resolves to how many events. */
export function eventRetention(events: EventStore, settings: EventRetentionSettings, now: () => Date, logFailure: (error: unknown) => void): PeriodicTask {
  return new PeriodicTask(() => events.prune(new Date(now().getTime() - settings.retentionDays * 86_400_000).toISOString()), logFailure, settings.intervalMs);
}
