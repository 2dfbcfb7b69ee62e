/**
 * Drives an Entra-style initial cycle (scenarios/entra-cycle.ts) against a
 * server: a fixed amount of work, not a fixed duration, because what the
 * issue asks is how long a cycle of N users takes. `connections` workers,
 * as Entra's service runs its requests in parallel (fetch keeps each
 * worker's connection alive):
 *
 *   1. users: each worker takes the next user, looks it up (nothing found)
 *      and creates it; the server's id is kept for the groups.
 *   2. groups: each worker takes the next group, looks it up (nothing
 *      found), creates it, then adds its members batch after batch.
 *
 * The whole cycle is one measured window: users/s is users created ÷ the
 * cycle's seconds, the group pushes included. There is no warm-up run:
 * a provisioning cycle meets the server as it is, and earlier scenarios of
 * the run have warmed it anyway. Server and database CPU are sampled over
 * the window the same way load.ts does.
 */
import type { DatabaseCpuMeter } from './database-cpu.js';
import { sendCall, type CallResult } from './http-call.js';
import { inParallel } from './in-parallel.js';
import { cpuMsPerOperation, percentile, startWindow, type HttpCall, type LoadResult, type LoadTarget } from './load.js';
import { groupCreateCall, groupLookupCall, groupMembers, memberAddCall, memberBatches, syncGroupName, syncUserName, userCreateCall, userLookupCall, type SyncCyclePlan } from './scenarios/entra-cycle.js';
import { TICKS_PER_SECOND, waitUntilIdle, type RunningServer } from './server-process.js';

export type CycleRequestKind = 'user lookup' | 'user create' | 'group lookup' | 'group create' | 'member add';
const KINDS: readonly CycleRequestKind[] = ['user lookup', 'user create', 'group lookup', 'group create', 'member add'];

export interface CycleRequestFigures {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface SyncCycleFigures {
  readonly users: number;
  readonly groups: number;
  readonly membersPerPatch: number;
  readonly connections: number;
  readonly seconds: number;
  readonly usersSeconds: number;
  readonly groupsSeconds: number;
  /** Users created per second over the whole cycle (lookups and group pushes included). */
  readonly usersPerSecond: number;
  readonly byKind: Readonly<Record<CycleRequestKind, CycleRequestFigures>>;
  /** Lookups that found something: the cycle's names were meant to be new. */
  readonly unexpectedFinds: number;
}

function fieldOf(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

export async function runSyncCycle(
  server: RunningServer,
  target: LoadTarget,
  plan: SyncCyclePlan,
  runTag: string,
  connections: number,
  databaseCpu: DatabaseCpuMeter | undefined,
): Promise<{ result: LoadResult; cycle: SyncCycleFigures }> {
  const latencies = new Map<CycleRequestKind, number[]>(KINDS.map((kind) => [kind, []]));
  const all: number[] = [];
  const statusCounts: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let unexpectedFinds = 0;
  const timed = async (kind: CycleRequestKind, call: HttpCall): Promise<CallResult | undefined> => {
    const started = performance.now();
    try {
      const response = await sendCall(target, call);
      const elapsed = performance.now() - started;
      latencies.get(kind)!.push(elapsed);
      all.push(elapsed);
      statusCounts[String(response.status)] = (statusCounts[String(response.status)] ?? 0) + 1;
      if (response.status < 200 || response.status > 299) non2xx++;
      return response;
    } catch {
      errors++;
      return undefined;
    }
  };
  const lookup = async (kind: CycleRequestKind, call: HttpCall) => {
    const found = await timed(kind, call);
    if (found?.status === 200 && fieldOf(found.body, 'totalResults') !== 0) unexpectedFinds++;
  };

  const userIds: (string | undefined)[] = new Array(plan.users);
  const window = startWindow(server, databaseCpu);
  const started = performance.now();
  try {
    await inParallel(plan.users, connections, async (index) => {
      const userName = syncUserName(runTag, index);
      await lookup('user lookup', userLookupCall(userName));
      const created = await timed('user create', userCreateCall(index, userName));
      const id = fieldOf(created?.body, 'id');
      if (created?.status === 201 && typeof id === 'string') userIds[index] = id;
    });
    const usersDone = performance.now();
    await inParallel(plan.groups, connections, async (group) => {
      const displayName = syncGroupName(runTag, group);
      await lookup('group lookup', groupLookupCall(displayName));
      const created = await timed('group create', groupCreateCall(group, displayName));
      const groupId = fieldOf(created?.body, 'id');
      if (typeof groupId !== 'string') return;
      const { start, end } = groupMembers(plan, group);
      const memberIds = userIds.slice(start, end).filter((id): id is string => id !== undefined);
      for (const batch of memberBatches(memberIds, plan.membersPerPatch)) {
        await timed('member add', memberAddCall(groupId, batch));
      }
    });
    const ended = performance.now();
    const { serverTicks, databaseTicks, otherTicks, rss } = window.stop();
    const drainSeconds = await waitUntilIdle(server);

    const seconds = (ended - started) / 1000;
    const usersCreated = userIds.filter((id) => id !== undefined).length;
    const sortedAll = Float64Array.from(all).sort();
    const byKind = Object.fromEntries(
      KINDS.map((kind) => {
        const sorted = Float64Array.from(latencies.get(kind)!).sort();
        return [kind, { requests: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) }];
      }),
    ) as Record<CycleRequestKind, CycleRequestFigures>;
    const requests = all.length;
    return {
      // One operation is one user synced: its lookup and create, and its share of the group pushes.
      result: {
        mode: 'load',
        durationSeconds: seconds,
        requests,
        operations: usersCreated,
        requestsPerSecond: requests / seconds,
        operationsPerSecond: usersCreated / seconds,
        // Per request, not per operation: a user's requests are spread over the cycle.
        p50Ms: percentile(sortedAll, 0.5),
        p99Ms: percentile(sortedAll, 0.99),
        non2xx,
        errors,
        timeouts: 0,
        statusCounts,
        peakRssMB: rss.peakMB,
        endRssMB: rss.lastMB,
        poolExhausted: false,
        drainSeconds,
        otherCpuCores: Math.max(0, otherTicks / TICKS_PER_SECOND / seconds),
        quietWaitSeconds: 0,
        serverCpuMsPerOp: cpuMsPerOperation(serverTicks, usersCreated),
        ...(databaseTicks !== undefined ? { databaseCpuMsPerOp: cpuMsPerOperation(databaseTicks, usersCreated) } : {}),
      },
      cycle: {
        users: usersCreated,
        groups: plan.groups,
        membersPerPatch: plan.membersPerPatch,
        connections,
        seconds,
        usersSeconds: (usersDone - started) / 1000,
        groupsSeconds: (ended - usersDone) / 1000,
        usersPerSecond: usersCreated / seconds,
        byKind,
        unexpectedFinds,
      },
    };
  } finally {
    // Stops the memory sampling when the cycle failed (stopping twice is harmless).
    window.abandon();
  }
}
