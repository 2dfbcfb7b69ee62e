/**
 * A first-come, first-served async lock. SQLite has one writer connection:
 * while a transaction's async callback awaits, another request's code must
 * not issue statements on that connection, or they would join (and commit
 * or roll back with) the wrong transaction.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the lock; the returned function releases it (call it exactly once). */
  async acquire(): Promise<() => void> {
    const previous = this.tail;
    let release: () => void = () => undefined;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}
