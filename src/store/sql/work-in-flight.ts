/**
 * The statements, transactions and snapshots a pooled driver has under way,
 * so that closing it stops new work, waits for what was begun, and only
 * then ends the pool (a pool that has ended serves nothing queued after).
 */
export class WorkInFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private phase: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;

  /** `open`; `closing` while close waits for the work under way (only that work's statements still run); `closed` once the pool has ended. */
  get state(): 'open' | 'closing' | 'closed' {
    return this.phase;
  }

  track<T>(operation: Promise<T>): Promise<T> {
    this.pending.add(operation);
    const forget = () => this.pending.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  /** Waits for the work under way, then runs `end` once. Calling it again waits for the same close. */
  close(end: () => Promise<void>): Promise<void> {
    this.closing ??= this.drainThen(end);
    return this.closing;
  }

  private async drainThen(end: () => Promise<void>): Promise<void> {
    this.phase = 'closing';
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.phase = 'closed';
    await end();
  }
}
