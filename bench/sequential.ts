/**
 * Scenarios whose single operation takes over a second are not loaded: ten
 * connections would only queue minutes of work behind each other. A few
 * operations are timed one after another instead, and reported as such.
 */
import { sendCall, type CallResult } from './http-call.js';
import type { HttpCall, LoadResult, LoadTarget, OperationSource } from './load.js';
import { sampleRss, TICKS_PER_SECOND, type RunningServer } from './server-process.js';

/** An operation slower than this is timed a few times in a row instead of loaded: ten connections would only queue work for minutes. */
export const SLOW_OPERATION_SECONDS = 1;
const SEQUENTIAL_OPERATIONS = 3;
/** An operation slower than this is timed once: repeating it would spend minutes to confirm one figure. */
const VERY_SLOW_OPERATION_SECONDS = 5;

export interface TimedOperation {
  readonly responses: CallResult[];
  readonly seconds: number;
  /** Server CPU time the operation used (the server is otherwise idle between operations). */
  readonly serverCpuSeconds: number;
}

export async function timedOperation(server: RunningServer, target: LoadTarget, calls: readonly HttpCall[]): Promise<TimedOperation> {
  const cpuBefore = server.cpuTicks();
  const started = performance.now();
  const responses: CallResult[] = [];
  for (const call of calls) responses.push(await sendCall(target, call));
  return { responses, seconds: (performance.now() - started) / 1000, serverCpuSeconds: (server.cpuTicks() - cpuBefore) / TICKS_PER_SECOND };
}

export async function runSequentially(server: RunningServer, target: LoadTarget, source: OperationSource, first: TimedOperation): Promise<LoadResult> {
  const operations = [first];
  const statusCounts: Record<string, number> = {};
  let non2xx = 0;
  const count = (timed: TimedOperation) => {
    for (const response of timed.responses) {
      statusCounts[String(response.status)] = (statusCounts[String(response.status)] ?? 0) + 1;
      if (response.status < 200 || response.status > 299) non2xx++;
    }
  };
  count(first);
  const memory = sampleRss(server);
  const wanted = first.seconds > VERY_SLOW_OPERATION_SECONDS ? 1 : SEQUENTIAL_OPERATIONS;
  while (operations.length < wanted) {
    const timed = await timedOperation(server, target, source.next());
    operations.push(timed);
    count(timed);
  }
  const rss = memory.stop();
  const sorted = operations.map((operation) => operation.seconds).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const cpu = operations.reduce((sum, operation) => sum + operation.serverCpuSeconds, 0);
  return {
    mode: 'sequential',
    durationSeconds: total,
    requests: operations.length * source.requestsPerOp,
    operations: operations.length,
    requestsPerSecond: source.requestsPerOp / median,
    operationsPerSecond: 1 / median,
    p50Ms: median * 1000,
    p99Ms: sorted.at(-1)! * 1000,
    non2xx,
    errors: 0,
    timeouts: 0,
    statusCounts,
    peakRssMB: rss.peakMB,
    endRssMB: rss.lastMB,
    poolExhausted: false,
    drainSeconds: 0,
    otherCpuCores: Number.NaN,
    quietWaitSeconds: 0,
    serverCpuMsPerOp: (cpu * 1000) / operations.length,
  };
}
