/**
 * Removes expired access tokens, hourly, in every instance (beside the
 * event retention and the soft-delete purge), so the `tokens` table holds
 * at most the tokens of the last lifetime plus an hour. Several instances
 * running it at once delete the same rows; the second finds none.
 */
import type { OAuthClientService } from './oauth-client-service.js';

export class AccessTokenPurge {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly clients: OAuthClientService,
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

  purgeOnce(): Promise<number> {
    const run = this.running.then(() =>
      this.clients.purgeExpiredAccessTokens().catch((error: unknown) => {
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
