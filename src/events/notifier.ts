/**
 * Tells this process's consumers (webhook dispatcher, long-polling feed
 * readers) that a tenant's events were committed, so they act at once
 * instead of at their next poll. Other instances sharing the database learn
 * of the events by polling; this is only the shortcut for the instance that
 * made the change.
 */
export type CommittedEventsListener = (tenantId: string, lastSequence: number) => void;

export class EventNotifier {
  private readonly listeners = new Set<CommittedEventsListener>();

  /** Returns the function that unsubscribes. */
  subscribe(listener: CommittedEventsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after commit. A listener that throws does not stop the others: the commit has happened whatever they do. */
  committed(tenantId: string, lastSequence: number): void {
    for (const listener of this.listeners) {
      try {
        listener(tenantId, lastSequence);
      } catch {
        // Listeners only wake pollers; a poller that failed to wake still polls.
      }
    }
  }
}
