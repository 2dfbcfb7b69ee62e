/**
 * Counts on the request path without prom-client's per-call label hashing
 * (it sorts and joins the labels on every inc, which was most of the
 * metrics' cost per request): increments accumulate under a key the caller
 * builds cheaply, and reach the prom-client counter when it is scraped.
 */
import type { Counter } from 'prom-client';

export class DeferredCounts<Label extends string> {
  private readonly pending = new Map<string, { readonly labels: Readonly<Record<Label, string>>; count: number }>();

  /** Adds one under `key`; `labels` is called only the first time a key is seen. */
  increment(key: string, labels: () => Readonly<Record<Label, string>>): void {
    const entry = this.pending.get(key);
    if (entry !== undefined) entry.count += 1;
    else this.pending.set(key, { labels: labels(), count: 1 });
  }

  /** Moves the accumulated counts into `counter` (from its collect callback). */
  flushInto(counter: Counter<Label>): void {
    for (const entry of this.pending.values()) {
      if (entry.count === 0) continue;
      counter.inc(entry.labels as Partial<Record<Label, string | number>>, entry.count);
      entry.count = 0;
    }
  }
}
