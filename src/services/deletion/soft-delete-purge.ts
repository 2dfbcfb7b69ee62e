/**
 * Purges soft-deleted users whose time is up, hourly, in every instance,
 * beside the event retention (src/events/retention.ts): instances sharing a
 * database each take other rows (the rows are locked, skipping locked ones).
 */
import type { DeletionService } from './deletion-service.js';

export class SoftDeletePurge {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deletions: DeletionService,
    private readonly logFailure: (error: unknown) => void,
    private readonly intervalMs = 3_600_000,
  ) {}

  /** Purges now, then every interval; the timer never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    void this.purgeOnce();
    this.timer = setInterval(() => void this.purgeOnce(), this.intervalMs);
    this.timer.unref();
  }

  async purgeOnce(): Promise<number> {
    const run = this.running.then(() =>
      this.deletions.purgeDue().catch((error: unknown) => {
        this.logFailure(error);
        return 0;
      }),
    );
    this.running = run;
    return run;
  }

  /** Stops the timer and waits for a purge under way, so the store can close. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
