/**
 * A value read from the database on scrape, at most once per `ttlMs`:
 * concurrent and repeated scrapes share the last reading (or the one under
 * way), so a scrape storm costs the database one query per period.
 */
export class CachedProbe<Value> {
  private reading: Promise<Value> | undefined;
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: () => Promise<Value>,
    private readonly ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get(): Promise<Value> {
    const now = this.clock();
    if (this.reading === undefined || now - this.readAt >= this.ttlMs) {
      this.readAt = now;
      const reading = this.read();
      this.reading = reading;
      // A failed reading is not kept: the next scrape tries again.
      reading.catch(() => {
        if (this.reading === reading) this.reading = undefined;
      });
    }
    return this.reading;
  }
}
