/**
 * A first-come, first-served async lock. SQLite has one writer connection:
 * while a transaction's async callback awaits, another request's code must
 * not issue statements on that connection, or they would join (and commit
 * or roll back with) the wrong transaction.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    const previous = this.tail;
    let release: () => void = () => undefined;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}
