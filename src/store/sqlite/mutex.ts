/**
 * A first-come, first-served async lock. SQLite has one writer connection:
 * while a transaction's async callback awaits, another request's code must
 * not issue statements on that connection, or they would join (and commit
 * or roll back with) the wrong transaction.
 *
 * A free lock is taken at once (`tryAcquire`), without a promise: most
 * transactions find it free, and each promise is work on every write.
 */
export class AsyncMutex {
  private locked = false;
  /** Who waits, in order; releasing hands the lock straight to the first. */
  private readonly waiting: ((release: () => void) => void)[] = [];

  /** The lock now, or undefined when it is held (or others already wait for it). */
  tryAcquire(): (() => void) | undefined {
    if (this.locked) return undefined;
    this.locked = true;
    return this.releaser();
  }

  /** Waits for the lock; the returned function releases it (call it exactly once). */
  acquire(): Promise<() => void> {
    const release = this.tryAcquire();
    if (release !== undefined) return Promise.resolve(release);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.locked = false;
      else next(this.releaser());
    };
  }
}
