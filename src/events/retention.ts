/**
 * Removes events older than the retention period, hourly, in every instance
 * (pruning is idempotent: instances sharing a database repeat each other's
 * work harmlessly). An event a webhook has not yet turned into deliveries
 * is kept whatever its age (EventStore.prune).
 */
import type { EventStore } from '../store/store.js';

export interface EventRetentionSettings {
  readonly retentionDays: number;
  /** Default one hour. */
  readonly intervalMs?: number;
}

export class EventRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    private readonly settings: EventRetentionSettings,
    private readonly now: () => Date,
    private readonly logFailure: (error: unknown) => void,
  ) {}

  /** Prunes now, then every interval; the timer never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    void this.pruneOnce();
    this.timer = setInterval(() => void this.pruneOnce(), this.settings.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  /** Removes what is past retention; returns how many events. */
  async pruneOnce(): Promise<number> {
    const cut = new Date(this.now().getTime() - this.settings.retentionDays * 86_400_000).toISOString();
    const run = this.events.prune(cut).catch((error: unknown) => {
      this.logFailure(error);
      return 0;
    });
    this.running = run;
    return run;
  }

  /** Stops the timer and waits for a prune under way, so the store can close. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
