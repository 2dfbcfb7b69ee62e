/**
 * What a scenario is: a named way of generating operations against a SCIM
 * target, plus a check of one operation's responses, run before any load so
 * that a scenario measuring errors or empty answers is caught, not timed.
 */
import type { DirectoryPlan } from '../directory.js';
import type { CallResult } from '../http-call.js';
import type { DatabaseCpuMeter } from '../database-cpu.js';
import type { HttpCall, LoadResult, LoadTarget, OperationSource } from '../load.js';
import type { RunningServer } from '../server-process.js';
import type { SyncCycleFigures } from '../sync-cycle.js';
import type { TenantChoice } from './tenant-choice.js';

export { UserPool } from './user-pool.js';

/** Where the targets differ in what they accept; each difference is printed next to its figures. */
export interface TargetTraits {
  readonly name: string;
  /** RFC 7643 §4.1.1: userName is caseExact false. scimmy's filter matching compares it case-sensitively. */
  readonly caseInsensitiveUserName: boolean;
  /** scimmy-routers ignores startIndex and count in a GET query (it hands scimmy strings, scimmy wants integers): it pages through POST /.search. */
  readonly paging: 'query' | 'search';
  /** RFC 9865 cursor paging. */
  readonly cursorPaging: boolean;
  /** Serves many tenants, each behind its own token (the --tenants scenarios). */
  readonly multiTenant: boolean;
}

export interface ScenarioContext {
  readonly plan: DirectoryPlan;
  readonly traits: TargetTraits;
  readonly target: LoadTarget;
  /** Unique to this run, so created userNames never collide with earlier runs on a reused database. */
  readonly runTag: string;
  /** The tenant each operation runs in (tenant-choice.ts): the large default tenant unless a random-tenant twin says otherwise. */
  readonly tenants: TenantChoice;
}

export interface PreparedScenario {
  readonly source: OperationSource;
  /** Returns what is wrong with one operation's responses, or undefined when they are as expected. */
  check(responses: readonly CallResult[]): string | undefined;
  /** A difference in how this target was measured, shown with its figures. */
  readonly note?: string;
  /** Something to report once the run is over (e.g. how much the groups grew). */
  afterRun?(): string;
  /** Other work kept going on the server while the load runs (warm-up and measured run); its summary joins the notes. */
  readonly background?: BackgroundWork;
}

export interface BackgroundWork {
  start(): void;
  /** Stops after the call in flight and says what was done. */
  stop(): Promise<string>;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** What one operation is, for the report. */
  readonly operation: string;
  /** Set for a slot whose feature is not built yet: the report prints "not available" with this reason. */
  readonly unavailable?: string;
  /** Also measured on a random small tenant with --tenants (it reads its users through `context.tenants`). */
  readonly perTenant?: boolean;
  /** Why a target cannot run this scenario (a feature it lacks), or undefined when it can. */
  unsupportedBy?(traits: TargetTraits): string | undefined;
  /** Set for a scenario that runs only when --only names it, with the reason (it reshapes the directory or takes long). */
  readonly onlyWhenNamed?: string;
  prepare(context: ScenarioContext): Promise<PreparedScenario>;
}

export interface CycleContext extends ScenarioContext {
  readonly server: RunningServer;
  /** Users the cycle creates (--sync-users). */
  readonly syncUsers: number;
  readonly databaseCpu: DatabaseCpuMeter | undefined;
}

/**
 * A scenario that drives a fixed amount of work itself and times all of it,
 * instead of handing operations to the timed load generator: a
 * provisioning cycle whose later requests need the ids earlier ones
 * returned (a group's members).
 */
export interface CycleScenario extends Omit<Scenario, 'prepare'> {
  runCycle(context: CycleContext): Promise<{ readonly result: LoadResult; readonly cycle: SyncCycleFigures; readonly note: string; readonly problem?: string }>;
}

export type BenchScenario = Scenario | CycleScenario;

/** An unbounded source whose operations are one call each. */
export function singleCallSource(next: () => HttpCall): OperationSource {
  return { requestsPerOp: 1, next: () => [next()], remaining: () => Number.POSITIVE_INFINITY };
}

export function expectStatus(result: CallResult | undefined, ...allowed: number[]): string | undefined {
  if (result === undefined) return 'no response';
  if (allowed.includes(result.status)) return undefined;
  const detail = typeof result.body === 'object' && result.body !== null ? (result.body as Record<string, unknown>)['detail'] : undefined;
  return `status ${result.status}${detail !== undefined ? ` (${String(detail)})` : ''}, expected ${allowed.join(' or ')}`;
}

export function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

export function filterQuery(filter: string): string {
  return `filter=${encodeURIComponent(filter)}`;
}
