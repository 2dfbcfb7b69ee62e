/**
 * The many-tenant part of a report (--tenants): each scenario measured on
 * the large default tenant and on a random small tenant, side by side, and
 * the goal "many tenants: cost within 1.5× of the single large tenant".
 *
 * The cost ratio is ops/s on the large tenant ÷ ops/s on random tenants, as
 * the size ratios are: it counts everything an operation costs, the
 * database's work included on PostgreSQL (another process, which the
 * server's CPU time leaves out). The server CPU ratio is shown beside it.
 */
import type { GoalCheck } from './report.js';
import { ms, rate, table } from './report.js';
import type { BenchRun, ScenarioOutcome } from './results.js';
import { RANDOM_TENANT_SUFFIX } from './scenarios/tenant-choice.js';

/** The stated goal: an operation on one of 10,000 small tenants costs at most this many times one on the large tenant. */
const GOAL_RATIO = 1.5;
const GOAL_TENANTS = 10_000;

interface TenantPair {
  readonly title: string;
  readonly large: ScenarioOutcome;
  readonly random: ScenarioOutcome;
  /** ops/s large ÷ ops/s random. */
  readonly costRatio: number;
  /** server CPU ms/op random ÷ large. */
  readonly cpuRatio: number;
}

function measured(outcome: ScenarioOutcome | undefined): outcome is ScenarioOutcome & { result: NonNullable<ScenarioOutcome['result']> } {
  return outcome?.status === 'measured' && outcome.result !== undefined;
}

function tenantPairs(run: BenchRun): TenantPair[] {
  const outcomes = run.targets.find((target) => target.target === 'scimitar')?.outcomes ?? [];
  return outcomes.flatMap((random) => {
    if (!random.scenarioId.endsWith(RANDOM_TENANT_SUFFIX)) return [];
    const large = outcomes.find((outcome) => outcome.scenarioId === random.scenarioId.slice(0, -RANDOM_TENANT_SUFFIX.length));
    if (large === undefined) return [];
    const both = measured(large) && measured(random);
    return [
      {
        title: large.title,
        large,
        random,
        costRatio: both ? large.result.operationsPerSecond / random.result.operationsPerSecond : Number.NaN,
        cpuRatio: both ? random.result.serverCpuMsPerOp / large.result.serverCpuMsPerOp : Number.NaN,
      },
    ];
  });
}

function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—';
}

/** The section "Many tenants", or undefined for a run without --tenants. */
export function tenantsSection(run: BenchRun): string | undefined {
  const pairs = tenantPairs(run);
  if (run.tenants === undefined || pairs.length === 0) return undefined;
  const figure = (outcome: ScenarioOutcome, pick: (result: NonNullable<ScenarioOutcome['result']>) => string) => (measured(outcome) ? pick(outcome.result) : outcome.status);
  const rows = pairs.map((pair) => [
    pair.title,
    figure(pair.large, (result) => rate(result.operationsPerSecond)),
    figure(pair.random, (result) => rate(result.operationsPerSecond)),
    times(pair.costRatio),
    figure(pair.large, (result) => ms(result.serverCpuMsPerOp)),
    figure(pair.random, (result) => ms(result.serverCpuMsPerOp)),
    times(pair.cpuRatio),
  ]);
  return (
    `### Many tenants (${run.tenants.count.toLocaleString('en-US')} tenants of ${run.tenants.usersEach} users beside the large one; ` +
    `cost ratio = ops/s large ÷ ops/s random tenant, 1.0 = no cost for being one of many)\n\n` +
    table(['scenario', 'large tenant ops/s', 'random tenant ops/s', 'cost ratio', 'large server CPU ms/op', 'random server CPU ms/op', 'server CPU ratio'], rows)
  );
}

/** The goal line, or undefined for a run without --tenants. */
export function tenantsGoal(run: BenchRun): GoalCheck | undefined {
  if (run.tenants === undefined) return undefined;
  const pairs = tenantPairs(run);
  const ratios = pairs.map((pair) => pair.costRatio);
  const worst = pairs.length > 0 && ratios.every(Number.isFinite) ? Math.max(...ratios) : Number.NaN;
  const worstPair = pairs.find((pair) => pair.costRatio === worst);
  const caveats = [
    run.tenants.count >= GOAL_TENANTS ? undefined : `${run.tenants.count.toLocaleString('en-US')} tenants; the goal is stated for ${GOAL_TENANTS.toLocaleString('en-US')}`,
    run.sizes.users >= 1_000_000 ? undefined : `large tenant of ${run.sizes.users.toLocaleString('en-US')} users; the goal is stated for 1,000,000`,
  ].filter((text) => text !== undefined);
  return {
    goal: `many tenants: cost within ${GOAL_RATIO}× of the single large tenant`,
    measured: Number.isFinite(worst) ? `worst ${times(worst)} (${worstPair?.title ?? ''})` : '—',
    met: Number.isFinite(worst) ? worst <= GOAL_RATIO : undefined,
    ...(caveats.length > 0 ? { caveat: caveats.join('; ') } : {}),
  };
}
