/**
 * Drives one scenario against one server with autocannon: a warm-up run
 * (discarded), then a measured run of fixed duration and bounded request
 * count, with the server's resident memory sampled throughout. Every target
 * gets the same connections, duration and request construction, the
 * ceiling included, so the per-request overhead of the load generator is
 * the same everywhere.
 */
import { createRequire } from 'node:module';
import type { DatabaseCpuMeter } from './database-cpu.js';
import { machineBusyTicks, sampleRss, TICKS_PER_SECOND, waitUntilIdle, type RunningServer } from './server-process.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One HTTP request of an operation; `path` is relative to the target's base path. */
export interface HttpCall {
  readonly method: HttpMethod;
  readonly path: string;
  readonly body?: unknown;
  /** Another bearer token than the target's, for this request only (a random small tenant's, with --tenants). */
  readonly token?: string | undefined;
}

/** Produces operations; an operation is one or more requests sent in order on one connection. */
export interface OperationSource {
  readonly requestsPerOp: number;
  next(): readonly HttpCall[];
  /** Operations left before a resource would be written twice (Infinity when unbounded). */
  remaining(): number;
}

export interface LoadSettings {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Upper bound on requests per measured run, whatever the duration. */
  readonly maxRequests: number;
  /** How long to wait, at most, for other processes to quieten down before each measured run. */
  readonly maxQuietWaitSeconds: number;
}

export interface LoadTarget {
  /** Origin, e.g. http://127.0.0.1:4321 */
  readonly origin: string;
  /** Prefix of every path, e.g. /scim/v2 */
  readonly basePath: string;
  readonly token: string;
}

export interface LoadResult {
  /**
   * 'load': the autocannon run. 'sequential': operations so slow (over a
   * second each) that a load run would only queue them; a few were timed one
   * after another instead, and ops/s is 1 ÷ their median latency.
   */
  readonly mode: 'load' | 'sequential';
  readonly durationSeconds: number;
  readonly requests: number;
  readonly operations: number;
  readonly requestsPerSecond: number;
  readonly operationsPerSecond: number;
  /** Latency of a whole operation (all its requests), in milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Peak and last server RSS during the measured run, MB. */
  readonly peakRssMB: number;
  readonly endRssMB: number;
  /** True when the scenario ran out of fresh resources before its time was up (the run then stops early). */
  readonly poolExhausted: boolean;
  /** Seconds the server kept working after the run ended (requests the generator had given up on). */
  readonly drainSeconds: number;
  /**
   * CPU used meanwhile by processes other than the server and the load
   * generator, in cores: the machine is shared, and anything above a few
   * hundredths means the figures are lower than a quiet machine would give.
   */
  readonly otherCpuCores: number;
  /** Seconds waited before the measured run for other processes to quieten down. */
  readonly quietWaitSeconds: number;
  /**
   * CPU time the server process used per operation, in milliseconds (from
   * /proc, all its threads). Unlike ops/s it does not depend on how fast the
   * load generator is or on who else has the CPU: it is what an operation costs.
   */
  readonly serverCpuMsPerOp: number;
  /**
   * CPU time PostgreSQL's processes used per operation, in milliseconds,
   * measured the same way (see database-cpu.ts); absent when not measured
   * (SQLite, whose work is in the server's figure, or a PostgreSQL on another machine).
   */
  readonly databaseCpuMsPerOp?: number;
}

// autocannon ships no type declarations; this is the part of its API used here.
interface AutocannonRequest {
  setupRequest?: (request: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
}
type Autocannon = (options: Record<string, unknown>, callback: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The nearest-rank percentile of ascending values. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** Bodies are serialised when the operation is generated, so JSON.stringify is billed to the generator, equally for every target. */
function requestFields(target: LoadTarget, call: HttpCall): Record<string, unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${call.token ?? target.token}`, accept: 'application/scim+json' };
  if (call.body === undefined) return { method: call.method, path: target.basePath + call.path, headers, body: undefined };
  headers['content-type'] = 'application/scim+json';
  return { method: call.method, path: target.basePath + call.path, headers, body: JSON.stringify(call.body) };
}

interface RawRun {
  readonly result: AutocannonResult;
  readonly latencies: number[];
  readonly responses: number;
  readonly statusCounts: Record<string, number>;
  readonly poolExhausted: boolean;
}

function runOnce(target: LoadTarget, source: OperationSource, connections: number, durationSeconds: number, maxRequests: number): Promise<RawRun> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let responses = 0;
  let poolExhausted = false;
  const perOp = source.requestsPerOp;
  // Leave room for the operations autocannon prepares but never sends (one per connection when it stops).
  const poolBound = Number.isFinite(source.remaining()) ? Math.max(0, source.remaining() - 2 * connections) * perOp : Number.POSITIVE_INFINITY;
  const bound = Math.max(connections * perOp, Math.floor(Math.min(maxRequests, poolBound) / perOp) * perOp);

  const requests: AutocannonRequest[] = [];
  for (let step = 0; step < perOp; step++) {
    const request: AutocannonRequest = {
      setupRequest: (raw, context) => {
        if (step === 0) {
          if (source.remaining() <= 0) poolExhausted = true;
          context['operation'] = source.next();
          context['startedAt'] = performance.now();
        }
        const call = (context['operation'] as readonly HttpCall[])[step]!;
        return { ...raw, ...requestFields(target, call) };
      },
    };
    // Multi-request operations are timed from their first request to their last response. (A request
    // with onResponse makes autocannon keep its body, so single requests are timed from the
    // 'response' event instead.)
    if (perOp > 1 && step === perOp - 1) {
      request.onResponse = (_status, _body, context) => {
        latencies.push(performance.now() - (context['startedAt'] as number));
      };
    }
    requests.push(request);
  }

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: target.origin, connections, duration: durationSeconds, timeout: 10, maxOverallRequests: bound, requests },
      (error, result) => {
        if (error) reject(error);
        else resolve({ result, latencies, responses, statusCounts, poolExhausted });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      responses++;
      if (perOp === 1) latencies.push(responseTime);
      const key = String(statusCode);
      statusCounts[key] = (statusCounts[key] ?? 0) + 1;
    });
  });
}

/** Other processes' CPU use, in cores, under which the machine counts as quiet. */
const QUIET_CORES = 0.15;

/**
 * Waits (up to `maxWaitSeconds`) until processes other than the server and
 * this one use less than QUIET_CORES: the machine may be shared, and a
 * measurement taken while something else runs is a measurement of both.
 */
async function waitForQuietMachine(server: RunningServer, maxWaitSeconds: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const busyBefore = machineBusyTicks();
    const serverBefore = server.cpuTicks();
    const selfBefore = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const self = process.cpuUsage(selfBefore);
    const other = machineBusyTicks() - busyBefore - (server.cpuTicks() - serverBefore) - ((self.user + self.system) / 1e6) * TICKS_PER_SECOND;
    const waited = (performance.now() - started) / 1000;
    if (other / TICKS_PER_SECOND < QUIET_CORES || waited >= maxWaitSeconds) return waited;
  }
}

/** Clock ticks spent over a window, as milliseconds per operation of that window. */
export function cpuMsPerOperation(ticks: number, operations: number): number {
  return operations > 0 ? ((ticks / TICKS_PER_SECOND) * 1000) / operations : Number.NaN;
}

/** What a measured window cost: the server's, the database's (when measured) and other processes' CPU, and the server's memory. */
export interface MeasuredWindow {
  readonly serverTicks: number;
  readonly databaseTicks: number | undefined;
  /** The machine's busy time less the server's, the database's and this process's own: other work disturbing the run. */
  readonly otherTicks: number;
  readonly rss: { readonly peakMB: number; readonly lastMB: number };
}

/** Starts measuring a window (a load run or a whole cycle); stop() ends it. */
export function startWindow(server: RunningServer, databaseCpu: DatabaseCpuMeter | undefined): { stop(): MeasuredWindow; abandon(): void } {
  const memory = sampleRss(server);
  const busyBefore = machineBusyTicks();
  const serverBefore = server.cpuTicks();
  const selfBefore = process.cpuUsage();
  const databaseWindow = databaseCpu?.start();
  return {
    stop() {
      const databaseTicks = databaseWindow?.stop();
      const selfUsage = process.cpuUsage(selfBefore);
      const serverTicks = server.cpuTicks() - serverBefore;
      // The database's work is part of the run, not other processes' noise.
      const otherTicks = machineBusyTicks() - busyBefore - serverTicks - (databaseTicks ?? 0) - ((selfUsage.user + selfUsage.system) / 1e6) * TICKS_PER_SECOND;
      return { serverTicks, databaseTicks, otherTicks, rss: memory.stop() };
    },
    abandon: () => void memory.stop(),
  };
}

export async function runLoad(server: RunningServer, target: LoadTarget, source: OperationSource, settings: LoadSettings, databaseCpu?: DatabaseCpuMeter): Promise<LoadResult> {
  if (settings.warmupSeconds > 0) {
    // Warm-up spends at most a tenth of a bounded pool, so the measured run keeps most of it.
    const warmupCap = Number.isFinite(source.remaining()) ? Math.floor(source.remaining() / 10) * source.requestsPerOp : settings.maxRequests;
    await runOnce(target, source, settings.connections, settings.warmupSeconds, Math.min(settings.maxRequests, warmupCap));
    await waitUntilIdle(server);
  }
  const quietWaitSeconds = await waitForQuietMachine(server, settings.maxQuietWaitSeconds);
  const window = startWindow(server, databaseCpu);
  const run = await runOnce(target, source, settings.connections, settings.durationSeconds, settings.maxRequests);
  const { serverTicks, databaseTicks, otherTicks, rss } = window.stop();
  const drainSeconds = await waitUntilIdle(server);

  const sorted = Float64Array.from(run.latencies).sort();
  const duration = run.result.duration;
  const operations = Math.floor(run.responses / source.requestsPerOp);
  return {
    mode: 'load',
    durationSeconds: duration,
    requests: run.responses,
    operations,
    requestsPerSecond: run.responses / duration,
    operationsPerSecond: operations / duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    non2xx: run.result.non2xx,
    errors: run.result.errors,
    timeouts: run.result.timeouts,
    statusCounts: run.statusCounts,
    peakRssMB: rss.peakMB,
    endRssMB: rss.lastMB,
    poolExhausted: run.poolExhausted,
    drainSeconds,
    otherCpuCores: Math.max(0, otherTicks / TICKS_PER_SECOND / duration),
    quietWaitSeconds,
    serverCpuMsPerOp: cpuMsPerOperation(serverTicks, operations),
    ...(databaseTicks !== undefined ? { databaseCpuMsPerOp: cpuMsPerOperation(databaseTicks, operations) } : {}),
  };
}
