/**
 * The request log's own health on /metrics: it drops entries rather than
 * slow or fail a SCIM request, so an operator must be able to see when it
 * does. The numbers live in the recorder; they are read at each scrape.
 */
import type { RequestLogStats } from '../request-log/recorder.js';
import type { ScimitarMetrics } from './scimitar-metrics.js';

export function registerRequestLogMetrics(metrics: ScimitarMetrics, stats: () => RequestLogStats): void {
  metrics.counter({
    name: 'scimitar_request_log_entries_total',
    help: 'Request log entries since start, by outcome: written, or dropped (queue full or a failed write)',
    labelNames: ['outcome'] as const,
    collect() {
      const { written, dropped } = stats();
      // The recorder keeps the running totals: the counter mirrors them.
      this.reset();
      this.inc({ outcome: 'written' }, written);
      this.inc({ outcome: 'dropped' }, dropped);
    },
  });
  metrics.counter({
    name: 'scimitar_request_log_failed_writes_total',
    help: 'Request log batches whose database write failed (their entries are counted as dropped)',
    collect() {
      this.reset();
      this.inc(stats().failedWrites);
    },
  });
  metrics.gauge({
    name: 'scimitar_request_log_queued_entries',
    help: 'Request log entries waiting to be written',
    collect() {
      this.set(stats().queued);
    },
  });
}
