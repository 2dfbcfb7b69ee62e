/** The shape of a run's results: what run.ts collects, report.ts prints, and the JSON file holds. */
import type { LoadResult, LoadSettings } from './load.js';
import type { MachineInfo } from './machine.js';
import type { ProfileSummary } from './profile-summary.js';
import type { SeedTimings } from './seed.js';
import type { SyncCycleFigures } from './sync-cycle.js';

export type TargetName = 'scimitar' | 'scimmy';

export const TARGET_LABELS: Readonly<Record<TargetName, string>> = {
  scimitar: 'Scimitar',
  scimmy: 'scimmy + scimmy-routers (express, in memory)',
};

/** A scenario with more than this share of failed requests is flagged: its figures measure errors. */
export const ERROR_RATE_LIMIT = 0.01;

export interface ScenarioOutcome {
  readonly scenarioId: string;
  readonly title: string;
  readonly operation: string;
  readonly status: 'measured' | 'not-available' | 'not-supported' | 'skipped' | 'check-failed' | 'failed';
  /** Why there are no figures (not built yet, or what the pre-load check found). */
  readonly reason?: string;
  /** How this target's measurement differs from the others'. */
  readonly note?: string;
  readonly result?: LoadResult;
  /** Non-2xx responses plus connection errors and timeouts, over everything sent. */
  readonly errorRate?: number;
  readonly flagged?: boolean;
  readonly profile?: ProfileSummary;
  /** The initial sync's own figures (users/s, each kind of request). */
  readonly cycle?: SyncCycleFigures;
}

export interface TargetRun {
  readonly target: TargetName;
  /** RSS once started and seeded, before any load. */
  readonly idleRssMB: number;
  readonly startSeconds: number;
  readonly outcomes: readonly ScenarioOutcome[];
}

export interface CeilingRun {
  readonly when: 'before' | 'after';
  readonly result: LoadResult;
}

export interface BenchRun {
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly database: 'sqlite' | 'postgres';
  /** True when src/ was compiled from another directory (--src-from): the figures are of a proposed change. */
  readonly modifiedSource: boolean;
  /** Extra node flags the Scimitar server ran with (--server-node-args); empty for a standard run. */
  readonly serverNodeArgs: readonly string[];
  readonly sizes: { readonly users: number; readonly bigGroup: number; readonly bigGroups: number; readonly smallGroup: number; readonly smallGroups: number };
  /** The small tenants seeded beside the large directory (--tenants). */
  readonly tenants?: { readonly count: number; readonly usersEach: number };
  /** Whether the benchmark's processes ran at a raised scheduling priority (nice -10) to keep other work on a shared machine from skewing them. */
  readonly raisedPriority: boolean;
  readonly settings: LoadSettings;
  readonly seed: SeedTimings;
  readonly ceilings: readonly CeilingRun[];
  /** The ceiling every fraction is of: the mean request rate of the ceiling runs. */
  readonly ceilingRequestsPerSecond: number;
  readonly targets: readonly TargetRun[];
}

export function errorRate(result: LoadResult): number {
  const failed = result.non2xx + result.errors;
  return failed / Math.max(1, result.requests + result.errors);
}
