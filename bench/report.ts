/**
 * Turns a run's results into Markdown: the ceiling, one table per target
 * (each figure also as a fraction of the ceiling), the side-by-side
 * comparison, the size-independence ratios, and the goals. The same text
 * is printed and can be pasted into docs/benchmarks.md unchanged.
 */
import { checkIssueTargets, ENTRA_FASTEST_OBJECTS_PER_SECOND, POSTGRES_TARGET_USERS, type ScenarioFigures, type TargetCheck } from './issue-targets.js';
import type { LoadResult } from './load.js';
import { tenantsGoal, tenantsSection } from './report-tenants.js';
import { ERROR_RATE_LIMIT, TARGET_LABELS, type BenchRun, type ScenarioOutcome, type TargetName, type TargetRun } from './results.js';

export function rate(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 1) return value.toFixed(1);
  return value.toFixed(2);
}

/** Other processes' CPU use, in cores, above which a figure is marked as measured on a busy machine. */
const NOISE_CORES = 0.1;

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  return fraction >= 0.1 ? `${(fraction * 100).toFixed(0)}%` : `${(fraction * 100).toFixed(1)}%`;
}

function megabytes(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : '—';
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

function failures(result: LoadResult): string {
  const parts = [`${result.non2xx.toLocaleString('en-US')} non-2xx`];
  if (result.errors > 0) parts.push(`${result.errors.toLocaleString('en-US')} errors${result.timeouts > 0 ? ` (${result.timeouts} timeouts)` : ''}`);
  return parts.join(', ');
}

function outcomeNotes(outcome: ScenarioOutcome): string {
  const notes: string[] = [];
  if (outcome.flagged) notes.push(`**FLAGGED: ${percent(outcome.errorRate ?? 0)} of requests failed**`);
  if (outcome.result?.mode === 'sequential') {
    notes.push(`over 1 s per operation: ${outcome.result.operations} operations timed one after another, not loaded (p99 column: the slowest)`);
  }
  if (outcome.result?.poolExhausted) notes.push('ran out of fresh users: stopped early');
  if (outcome.result !== undefined && outcome.result.otherCpuCores > NOISE_CORES) {
    notes.push(`machine busy: other processes used ${outcome.result.otherCpuCores.toFixed(2)} cores`);
  }
  if (outcome.result !== undefined && outcome.result.drainSeconds > 1) notes.push(`server busy ${outcome.result.drainSeconds.toFixed(0)} s after the run`);
  if (outcome.note !== undefined) notes.push(outcome.note);
  return notes.join('; ');
}

function ceilingTable(run: BenchRun): string {
  const rows = run.ceilings.map((ceiling) => [
    `Fastify hello-world (${ceiling.when})`,
    rate(ceiling.result.requestsPerSecond),
    ms(ceiling.result.p50Ms),
    ms(ceiling.result.p99Ms),
    ms(ceiling.result.serverCpuMsPerOp),
    failures(ceiling.result),
    megabytes(ceiling.result.peakRssMB),
    ceiling.result.otherCpuCores.toFixed(2),
  ]);
  return table(['ceiling', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/op', 'failed', 'peak RSS MB', 'other processes (cores)'], rows);
}

/** The database's CPU per operation: on PostgreSQL a column of its own; SQLite works inside the server, so its figure is in the server's. */
function databaseCpuCell(result: LoadResult): string {
  return result.databaseCpuMsPerOp === undefined ? 'not measured' : ms(result.databaseCpuMsPerOp);
}

function targetTable(run: BenchRun, target: TargetRun): string {
  // Scimitar's database on PostgreSQL; scimmy keeps its directory in memory.
  const databaseColumn = run.database === 'postgres' && target.target === 'scimitar';
  const rows = target.outcomes.map((outcome) => {
    const result = outcome.result;
    if (outcome.status !== 'measured' || result === undefined) {
      const label = { 'not-available': 'not available', 'not-supported': 'not supported', skipped: 'skipped', 'check-failed': 'check failed', failed: 'failed', measured: 'no figures' }[outcome.status];
      return [outcome.title, label, '', '', '', '', '', ...(databaseColumn ? [''] : []), '', '', outcome.reason ?? ''];
    }
    return [
      outcome.title,
      rate(result.operationsPerSecond),
      rate(result.requestsPerSecond),
      percent(result.requestsPerSecond / run.ceilingRequestsPerSecond),
      ms(result.p50Ms),
      ms(result.p99Ms),
      ms(result.serverCpuMsPerOp),
      ...(databaseColumn ? [databaseCpuCell(result)] : []),
      failures(result),
      megabytes(result.peakRssMB),
      outcomeNotes(outcome),
    ];
  });
  return table(
    ['scenario', 'ops/s', 'req/s', '% of ceiling (req/s)', 'p50 ms', 'p99 ms', 'server CPU ms/op', ...(databaseColumn ? ['database CPU ms/op'] : []), 'failed', 'peak RSS MB', 'notes'],
    rows,
  );
}

function outcomeOf(run: BenchRun, target: TargetName, scenarioId: string): ScenarioOutcome | undefined {
  return run.targets.find((candidate) => candidate.target === target)?.outcomes.find((outcome) => outcome.scenarioId === scenarioId);
}

function opsOf(run: BenchRun, target: TargetName, scenarioId: string): number {
  const outcome = outcomeOf(run, target, scenarioId);
  return outcome?.status === 'measured' && outcome.result !== undefined ? outcome.result.operationsPerSecond : Number.NaN;
}

function comparisonTable(run: BenchRun): string | undefined {
  const scimitar = run.targets.find((target) => target.target === 'scimitar');
  if (scimitar === undefined || !run.targets.some((target) => target.target === 'scimmy')) return undefined;
  const rows = scimitar.outcomes
    .filter((outcome) => outcome.status !== 'not-available')
    .map((outcome) => {
      const ours = opsOf(run, 'scimitar', outcome.scenarioId);
      const theirs = opsOf(run, 'scimmy', outcome.scenarioId);
      const p99 = (target: TargetName) => {
        const result = outcomeOf(run, target, outcome.scenarioId)?.result;
        return result === undefined ? '—' : ms(result.p99Ms);
      };
      const ratio = ours / theirs;
      return [outcome.title, rate(ours), rate(theirs), Number.isFinite(ratio) ? `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×` : '—', p99('scimitar'), p99('scimmy')];
    });
  return table(['scenario', 'Scimitar ops/s', 'scimmy ops/s', 'Scimitar ÷ scimmy', 'Scimitar p99 ms', 'scimmy p99 ms'], rows);
}

/** The initial sync's own section: users/s over the cycle, and each kind of request's latency. */
function initialSyncSection(run: BenchRun): string | undefined {
  const outcome = outcomeOf(run, 'scimitar', 'initial-sync');
  const cycle = outcome?.cycle;
  if (outcome === undefined || cycle === undefined || outcome.result === undefined) return undefined;
  const result = outcome.result;
  const database = run.database === 'postgres' ? `, database CPU ${result.databaseCpuMsPerOp === undefined ? 'not measured' : `${ms(result.databaseCpuMsPerOp)} ms`} per user` : '';
  const summary =
    `${cycle.users.toLocaleString('en-US')} users in ${cycle.groups.toLocaleString('en-US')} groups on ${cycle.connections} connections: ` +
    `${cycle.seconds.toFixed(1)} s (users ${cycle.usersSeconds.toFixed(1)} s, group pushes ${cycle.groupsSeconds.toFixed(1)} s), ` +
    `**${rate(cycle.usersPerSecond)} users/s** (${rate(cycle.usersPerSecond * 3600)} an hour; Entra's fastest documented pace is ${rate(ENTRA_FASTEST_OBJECTS_PER_SECOND * 3600)} objects an hour), ` +
    `p99 per request ${ms(result.p99Ms)} ms; server CPU ${ms(result.serverCpuMsPerOp)} ms per user${database}; ${failures(result)}.`;
  const rows = Object.entries(cycle.byKind).map(([kind, figures]) => [kind, figures.requests.toLocaleString('en-US'), ms(figures.p50Ms), ms(figures.p99Ms)]);
  const notes = outcomeNotes(outcome);
  return `### Initial sync (Entra-style)\n\n${summary}${notes !== '' ? `\n\nNotes: ${notes}.` : ''}\n\n${table(['request', 'count', 'p50 ms', 'p99 ms'], rows)}`;
}

export interface SizeRatio {
  readonly target: TargetName;
  readonly name: string;
  /** ops/s small ÷ ops/s big: how many times more an operation costs at the large size. */
  readonly costRatio: number;
}

export function sizeRatios(run: BenchRun): SizeRatio[] {
  const ratios: SizeRatio[] = [];
  for (const { target } of run.targets) {
    ratios.push({
      target,
      name: `member add, ${run.sizes.bigGroup.toLocaleString('en-US')} vs ${run.sizes.smallGroup} members`,
      costRatio: opsOf(run, target, 'member-add-small') / opsOf(run, target, 'member-add-big'),
    });
    ratios.push({ target, name: 'list page at the end vs at the start (startIndex)', costRatio: opsOf(run, target, 'list-start') / opsOf(run, target, 'list-end') });
    ratios.push({ target, name: 'cursor page at the end vs at the start', costRatio: opsOf(run, target, 'cursor-start') / opsOf(run, target, 'cursor-end') });
    ratios.push({
      target,
      name: 'cursor page at the end vs at the start, during writes',
      costRatio: opsOf(run, target, 'cursor-start-writes') / opsOf(run, target, 'cursor-end-writes'),
    });
  }
  return ratios;
}

export interface GoalCheck {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | undefined;
  readonly caveat?: string;
}

const GOAL_USERS = 1_000_000;

/** What the run measured of a scenario on Scimitar, as the targets of issue 18 read it. */
function scimitarFigures(run: BenchRun, scenarioId: string): ScenarioFigures | undefined {
  const outcome = outcomeOf(run, 'scimitar', scenarioId);
  if (outcome?.status !== 'measured' || outcome.result === undefined) return undefined;
  return {
    ceilingFraction: outcome.result.requestsPerSecond / run.ceilingRequestsPerSecond,
    serverCpuMs: outcome.result.serverCpuMsPerOp,
    usersPerSecond: outcome.cycle?.usersPerSecond ?? Number.NaN,
  };
}

function formatTargetFigure(check: TargetCheck): string {
  if (check.measured === undefined) return '—';
  switch (check.measure) {
    case 'ceiling-fraction':
      return percent(check.measured);
    case 'server-cpu-ms':
      return `${ms(check.measured)} ms`;
    case 'users-per-second':
      return `${rate(check.measured)} users/s (${rate(check.measured / ENTRA_FASTEST_OBJECTS_PER_SECOND)}× Entra's pace)`;
  }
}

/** Issue 18's targets for the run's database (issue-targets.ts), with what the run measured. */
function issueTargetGoals(run: BenchRun): GoalCheck[] {
  return checkIssueTargets(run.database, (scenarioId) => scimitarFigures(run, scenarioId)).map((check) => {
    const caveats: string[] = [];
    if (check.measure === 'users-per-second') {
      const synced = outcomeOf(run, 'scimitar', 'initial-sync')?.cycle?.users;
      if (synced !== undefined && synced < 100_000) caveats.push(`${synced.toLocaleString('en-US')} users synced; the issue states 100,000 (--sync-users 100000)`);
    } else if (run.database === 'postgres' && run.sizes.users < POSTGRES_TARGET_USERS) {
      caveats.push(`measured at ${run.sizes.users.toLocaleString('en-US')} users; the PostgreSQL targets are stated for ${POSTGRES_TARGET_USERS.toLocaleString('en-US')}+`);
    }
    return { goal: check.goal, measured: formatTargetFigure(check), met: check.met, ...(caveats.length > 0 ? { caveat: caveats.join('; ') } : {}) };
  });
}

export function checkGoals(run: BenchRun): GoalCheck[] {
  const scimitar = run.targets.find((target) => target.target === 'scimitar');
  if (scimitar === undefined) return [];
  const atScale = run.sizes.users >= GOAL_USERS;
  const scaleCaveat = atScale ? undefined : `measured at ${run.sizes.users.toLocaleString('en-US')} users; the goal is stated for 1,000,000 (--users 1000000)`;
  const fraction = (scenarioId: string) => {
    const outcome = outcomeOf(run, 'scimitar', scenarioId);
    return outcome?.result !== undefined && outcome.status === 'measured' ? outcome.result.requestsPerSecond / run.ceilingRequestsPerSecond : Number.NaN;
  };
  const fractionGoal = (goal: string, scenarioId: string, minimum: number, caveat?: string): GoalCheck => {
    const value = fraction(scenarioId);
    return { goal, measured: percent(value), met: Number.isFinite(value) ? value >= minimum : undefined, ...(caveat !== undefined ? { caveat } : {}) };
  };
  const memberRatio = opsOf(run, 'scimitar', 'member-add-small') / opsOf(run, 'scimitar', 'member-add-big');
  const peakRss = Math.max(...scimitar.outcomes.map((outcome) => outcome.result?.peakRssMB ?? 0), scimitar.idleRssMB);
  const rssCaveats = [scaleCaveat, run.database === 'sqlite' ? undefined : 'the goal is stated for SQLite'].filter((text) => text !== undefined);
  const manyTenants = tenantsGoal(run);
  return [
    fractionGoal('GET /Users/{id} ≥ 50% of the ceiling', 'get-user', 0.5),
    fractionGoal('filtered lookup at 1,000,000 users ≥ 40%', 'filter-lookup', 0.4, scaleCaveat),
    fractionGoal('Okta loop ≥ 25% (every request counted)', 'okta-loop', 0.25),
    fractionGoal('PATCH deactivate ≥ 25%', 'patch-deactivate', 0.25),
    {
      goal: 'member add at 100,000 vs 100 members ≤ 1.5× the cost',
      measured: Number.isFinite(memberRatio) ? `${memberRatio.toFixed(2)}×` : '—',
      met: Number.isFinite(memberRatio) ? memberRatio <= 1.5 : undefined,
      ...(run.sizes.bigGroup >= 100_000 ? {} : { caveat: `big group of ${run.sizes.bigGroup.toLocaleString('en-US')}; the goal is stated for 100,000 (--big-group 100000)` }),
    },
    ...issueTargetGoals(run),
    {
      goal: 'server RSS ≤ 150 MB serving 1,000,000 users on SQLite',
      measured: `${megabytes(peakRss)} MB peak`,
      met: peakRss > 0 ? peakRss <= 150 : undefined,
      ...(rssCaveats.length > 0 ? { caveat: rssCaveats.join('; ') } : {}),
    },
    ...(manyTenants !== undefined ? [manyTenants] : []),
  ];
}

export function formatReport(run: BenchRun): string {
  const sections: string[] = [];
  if (run.modifiedSource) sections.push('**These figures are of src/ compiled from another directory (--src-from), not of the checkout.**');
  if (run.serverNodeArgs.length > 0) sections.push(`**The Scimitar server ran with extra node flags: ${run.serverNodeArgs.join(' ')}.**`);
  sections.push(
    `Directory: ${run.sizes.users.toLocaleString('en-US')} users, ${run.sizes.smallGroups} groups of ${run.sizes.smallGroup} and ${run.sizes.bigGroups} groups of ${run.sizes.bigGroup.toLocaleString('en-US')} members, ` +
      `${run.tenants !== undefined ? `plus ${run.tenants.count.toLocaleString('en-US')} tenants of ${run.tenants.usersEach} users, ` : ''}${run.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; seeded through the store in ${run.seed.totalSeconds.toFixed(1)} s. ` +
      `Load: ${run.settings.connections} connections, ${run.settings.warmupSeconds} s warm-up, ${run.settings.durationSeconds} s measured per scenario (at most ${run.settings.maxRequests.toLocaleString('en-US')} requests). ` +
      `Machine: ${run.machine.cpuModel}, ${run.machine.cores} cores, ${run.machine.memoryGB} GB, Node ${run.machine.node}, SQLite ${run.machine.sqlite}` +
      `${run.raisedPriority ? '; benchmark processes at nice -10' : ''}.`,
  );
  sections.push(`### Ceiling\n\n${ceilingTable(run)}\n\nFractions below are of ${rate(run.ceilingRequestsPerSecond)} req/s, the mean of these runs.`);
  for (const target of run.targets) {
    sections.push(
      `### ${TARGET_LABELS[target.target]}\n\nIdle RSS after start: ${megabytes(target.idleRssMB)} MB (start-up ${target.startSeconds.toFixed(1)} s).\n\n${targetTable(run, target)}`,
    );
  }
  const sync = initialSyncSection(run);
  if (sync !== undefined) sections.push(sync);
  const comparison = comparisonTable(run);
  if (comparison !== undefined) sections.push(`### Side by side\n\n${comparison}`);
  const ratios = sizeRatios(run);
  if (ratios.length > 0) {
    sections.push(
      `### Size independence (cost ratio = ops/s small ÷ ops/s big; 1.0 = size-independent)\n\n${table(
        ['target', 'ratio', 'cost ratio'],
        ratios.map((ratio) => [TARGET_LABELS[ratio.target], ratio.name, Number.isFinite(ratio.costRatio) ? `${ratio.costRatio.toFixed(2)}×` : '—']),
      )}`,
    );
  }
  const tenants = tenantsSection(run);
  if (tenants !== undefined) sections.push(tenants);
  const goals = checkGoals(run);
  if (goals.length > 0) {
    sections.push(
      `### Goals (Scimitar)\n\n${table(
        ['goal', 'measured', 'result', 'caveat'],
        goals.map((goal) => [goal.goal, goal.measured, goal.met === undefined ? 'not measured' : goal.met ? 'met' : '**missed**', goal.caveat ?? '']),
      )}`,
    );
  }
  const flagged = run.targets.flatMap((target) => target.outcomes.filter((outcome) => outcome.flagged).map((outcome) => `${TARGET_LABELS[target.target]}: ${outcome.title}`));
  if (flagged.length > 0) sections.push(`Flagged (more than ${percent(ERROR_RATE_LIMIT)} of requests failed): ${flagged.join('; ')}.`);
  return sections.join('\n\n');
}
