/**
 * Housekeeping that every instance runs on a timer — event retention, the
 * soft-delete purge, expired access tokens: once at start, then every
 * interval. Runs never overlap (a slow one delays the next instead of racing
 * it on the same rows); a failure is logged and the next interval tries
 * again; the timer never keeps the process alive; stop() waits for a run
 * under way, so the store can close after it.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  /** `work` resolves to how many rows it removed. */
  constructor(
    private readonly work: () => Promise<number>,
    private readonly logFailure: (error: unknown) => void,
    private readonly intervalMs = 3_600_000,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs after any run under way; resolves to its count, 0 when it failed. */
  runOnce(): Promise<number> {
    const run = this.running.then(() =>
      this.work().catch((error: unknown) => {
        this.logFailure(error);
        return 0;
      }),
    );
    this.running = run;
    return run;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
