/**
 * `npm run bench`: measures Scimitar at directory scale against the ceiling
 * (a Fastify hello-world) and against scimmy + scimmy-routers, in one run on
 * one machine. See docs/benchmarks.md for what each scenario does.
 *
 * Steps: compile the servers to plain JavaScript; seed the directory through
 * the store (a child process); measure the ceiling; run every scenario on
 * Scimitar, then on scimmy; measure the ceiling again; print the report and
 * write it as JSON (and Markdown) under .bench-results/.
 *
 * Only one server runs at a time: the load generator and the server share
 * the machine's cores, and a second server would take from both.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildForBench } from './build.js';
import { planDirectory, type DirectoryPlan } from './directory.js';
import { sendCall, type CallResult } from './http-call.js';
import { runLoad, type HttpCall, type LoadResult, type LoadSettings, type LoadTarget, type OperationSource } from './load.js';
import { describeMachine } from './machine.js';
import { formatSummary, readProfile, summariseProfile } from './profile-summary.js';
import { formatReport } from './report.js';
import { errorRate, ERROR_RATE_LIMIT, TARGET_LABELS, type BenchRun, type CeilingRun, type ScenarioOutcome, type TargetName, type TargetRun } from './results.js';
import { CEILING_PATH, ceilingSource } from './scenarios/ceiling.js';
import { SCENARIOS } from './scenarios/index.js';
import type { Scenario, TargetTraits } from './scenarios/scenario.js';
import { sampleRss, startServer, TICKS_PER_SECOND, type RunningServer } from './server-process.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(REPO_ROOT, '.bench-results');
const SCIM_BASE_PATH = '/scim/v2';

const USAGE = `npm run bench -- [options]

  --users N            users in the directory (default 100000)
  --big-group N        members of the big group (default 10000)
  --db URL             postgres://… to run Scimitar on PostgreSQL (an empty database);
                       default: SQLite in a temporary file
  --duration S         measured seconds per scenario (default 10)
  --warmup S           warm-up seconds per scenario (default 3)
  --connections N      concurrent connections, for every target (default 10)
  --max-requests N     requests per measured run at most (default 1000000)
  --quiet-wait S       before each measured run, wait up to S seconds for other processes
                       to stop using the CPU (default 3; the machine may be shared)
  --src-from DIR       compile the servers from DIR/src instead of this checkout's src/:
                       to measure a proposed change without touching the working tree
  --server-node-args "…"  extra node flags for the Scimitar server (e.g. "--max-semi-space-size=4"),
                       to measure a runtime setting
  --only a,b           run only these scenarios (ids: ${SCENARIOS.map((scenario) => scenario.id).join(', ')})
  --no-scimmy          skip the scimmy comparison
  --scimmy-skip a,b    skip these scenarios on scimmy only (e.g. list-start,list-end at
                       1,000,000 users: one listing there takes minutes and gigabytes)
  --normal-priority    do not raise the run's scheduling priority (by default nice -10, when
                       permitted, so other work on a shared machine disturbs it less)
  --profile            run Scimitar under --cpu-prof (one server per scenario) and summarise each profile
  --help               this text
`;

interface Options {
  readonly plan: DirectoryPlan;
  readonly databaseUrl: string | undefined;
  readonly settings: LoadSettings;
  readonly only: ReadonlySet<string> | undefined;
  readonly scimmy: boolean;
  readonly scimmySkip: ReadonlySet<string>;
  readonly profile: boolean;
  readonly priority: boolean;
  readonly srcFrom: string | undefined;
  readonly serverNodeArgs: readonly string[];
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, minimum: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`--${name} must be a whole number ≥ ${minimum}, got "${raw}"`);
  return value;
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      users: { type: 'string' },
      'big-group': { type: 'string' },
      db: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'max-requests': { type: 'string' },
      'quiet-wait': { type: 'string' },
      'src-from': { type: 'string' },
      'server-node-args': { type: 'string' },
      only: { type: 'string' },
      'no-scimmy': { type: 'boolean' },
      'scimmy-skip': { type: 'string' },
      'normal-priority': { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return undefined;
  if (values.db !== undefined && !/^postgres(ql)?:\/\//.test(values.db)) throw new RangeError('--db takes a postgres:// URL (SQLite is the default)');
  const scenarioIds = (flag: string, raw: string | undefined) => {
    const ids = raw?.split(',').map((id) => id.trim()).filter((id) => id !== '');
    for (const id of ids ?? []) {
      if (!SCENARIOS.some((scenario) => scenario.id === id)) throw new RangeError(`--${flag}: no scenario "${id}"`);
    }
    return ids;
  };
  const only = scenarioIds('only', values.only);
  return {
    plan: planDirectory({ users: wholeNumber('users', values.users, 100_000, 1), bigGroup: wholeNumber('big-group', values['big-group'], 10_000, 1) }),
    databaseUrl: values.db,
    settings: {
      durationSeconds: wholeNumber('duration', values.duration, 10, 1),
      warmupSeconds: wholeNumber('warmup', values.warmup, 3, 0),
      connections: wholeNumber('connections', values.connections, 10, 1),
      maxRequests: wholeNumber('max-requests', values['max-requests'], 1_000_000, 100),
      maxQuietWaitSeconds: wholeNumber('quiet-wait', values['quiet-wait'], 3, 0),
    },
    only: only === undefined ? undefined : new Set(only),
    scimmy: values['no-scimmy'] !== true,
    scimmySkip: new Set(scenarioIds('scimmy-skip', values['scimmy-skip']) ?? []),
    profile: values.profile === true,
    priority: values['normal-priority'] !== true,
    srcFrom: values['src-from'] === undefined ? undefined : path.resolve(values['src-from']),
    serverNodeArgs: values['server-node-args']?.split(/\s+/).filter((arg) => arg !== '') ?? [],
  };
}

/**
 * nice -10 for this process and, by inheritance, every server it starts: on
 * a shared machine, other work then takes less of the CPU from the run. It
 * needs the privilege to lower a nice value; without it the run goes on
 * at normal priority.
 */
function raisePriority(): boolean {
  try {
    os.setPriority(-10);
    return true;
  } catch {
    log('could not raise the scheduling priority (needs privileges); running at normal priority');
    return false;
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Runs the seeding script in its own process and returns its timings. */
function seed(buildDir: string, plan: DirectoryPlan, env: NodeJS.ProcessEnv): Promise<BenchRun['seed']> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(buildDir, 'bench/seed.js'), '--users', String(plan.users), '--big-group', String(plan.bigGroupSize)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`seeding failed (exit code ${code})`));
      else resolve(JSON.parse(output.trim().split('\n').pop()!) as BenchRun['seed']);
    });
  });
}

/** The environment of the Scimitar server and of the seed: a clean one, so settings from the caller's shell cannot skew the run. */
function scimitarEnv(databaseUrl: string, token: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    SCIMITAR_TOKEN: token,
    // Logging every request would measure the logger.
    SCIMITAR_LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    SCIMITAR_SECRET: randomBytes(36).toString('base64url'),
    // The per-tenant limiter stays in the request path (its cost is measured) but its limit is lifted.
    SCIMITAR_RATE_LIMIT_PER_SECOND: '1000000',
    SCIMITAR_RATE_LIMIT_BURST: '10000000',
  };
}

async function measureCeiling(buildDir: string, settings: LoadSettings, token: string, when: CeilingRun['when']): Promise<CeilingRun> {
  log(`ceiling (${when}): Fastify hello-world`);
  const server = await startServer({ name: 'hello', script: path.join(buildDir, 'bench/servers/hello.js'), env: { PATH: process.env['PATH'], NODE_ENV: 'production' } });
  try {
    const result = await runLoad(server, { origin: server.url, basePath: '', token }, ceilingSource(), settings);
    log(`  ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s at ${CEILING_PATH}`);
    return { when, result };
  } finally {
    await server.stop();
  }
}

interface TargetSpec {
  readonly name: TargetName;
  /** Scenarios not run on this target (--scimmy-skip). */
  readonly skip?: ReadonlySet<string>;
  readonly traits: TargetTraits;
  start(profileDir?: string): Promise<RunningServer>;
}

/** An operation slower than this is timed a few times in a row instead of loaded: ten connections would only queue work for minutes. */
const SLOW_OPERATION_SECONDS = 1;
const SEQUENTIAL_OPERATIONS = 3;
/** An operation slower than this is timed once: repeating it would spend minutes to confirm one figure. */
const VERY_SLOW_OPERATION_SECONDS = 5;

interface TimedOperation {
  readonly responses: CallResult[];
  readonly seconds: number;
  /** Server CPU time the operation used (the server is otherwise idle between operations). */
  readonly serverCpuSeconds: number;
}

async function timedOperation(server: RunningServer, target: LoadTarget, calls: readonly HttpCall[]): Promise<TimedOperation> {
  const cpuBefore = server.cpuTicks();
  const started = performance.now();
  const responses: CallResult[] = [];
  for (const call of calls) responses.push(await sendCall(target, call));
  return { responses, seconds: (performance.now() - started) / 1000, serverCpuSeconds: (server.cpuTicks() - cpuBefore) / TICKS_PER_SECOND };
}

async function runSequentially(server: RunningServer, target: LoadTarget, source: OperationSource, first: TimedOperation): Promise<LoadResult> {
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

async function runScenario(server: RunningServer, scenario: Scenario, spec: TargetSpec, options: Options, token: string, runTag: string): Promise<ScenarioOutcome> {
  const base = { scenarioId: scenario.id, title: scenario.title, operation: scenario.operation };
  const target: LoadTarget = { origin: server.url, basePath: SCIM_BASE_PATH, token };
  try {
    const prepared = await scenario.prepare({ plan: options.plan, traits: spec.traits, target, runTag });
    const note = prepared.note !== undefined ? { note: prepared.note } : {};
    // One operation outside the load, checked, so a scenario that only produces errors is reported as such.
    const first = await timedOperation(server, target, prepared.source.next());
    const problem = prepared.check(first.responses);
    if (problem !== undefined) return { ...base, ...note, status: 'check-failed', reason: problem };
    const result =
      first.seconds > SLOW_OPERATION_SECONDS
        ? await runSequentially(server, target, prepared.source, first)
        : await runLoad(server, target, prepared.source, options.settings);
    const rateOfErrors = errorRate(result);
    const notes = [prepared.note, prepared.afterRun?.()].filter((text) => text !== undefined);
    return {
      ...base,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      status: 'measured',
      result,
      errorRate: rateOfErrors,
      flagged: rateOfErrors > ERROR_RATE_LIMIT,
    };
  } catch (error) {
    return { ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

function describeOutcome(outcome: ScenarioOutcome): string {
  if (outcome.result === undefined) return `${outcome.status}: ${outcome.reason ?? ''}`;
  const result = outcome.result;
  return (
    `${result.operationsPerSecond.toFixed(1)} ops/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
    `${result.non2xx} non-2xx, ${result.errors} errors, peak RSS ${result.peakRssMB.toFixed(0)} MB${outcome.flagged ? '  FLAGGED' : ''}`
  );
}

/** The newest .cpuprofile a server wrote into `directory`. */
function profileIn(directory: string): string | undefined {
  if (!existsSync(directory)) return undefined;
  const files = readdirSync(directory).filter((file) => file.endsWith('.cpuprofile')).sort();
  return files.length > 0 ? path.join(directory, files.at(-1)!) : undefined;
}

async function runTarget(spec: TargetSpec, scenarios: readonly Scenario[], options: Options, token: string, runTag: string, profileRoot: string | undefined): Promise<TargetRun> {
  log(`\n${TARGET_LABELS[spec.name]}`);
  const outcomes: ScenarioOutcome[] = [];
  const profiling = profileRoot !== undefined;
  let server: RunningServer | undefined;
  let idleRssMB = Number.NaN;
  let startSeconds = Number.NaN;
  const start = async (profileDir?: string) => {
    const started = performance.now();
    const running = await spec.start(profileDir);
    if (Number.isNaN(startSeconds)) {
      startSeconds = (performance.now() - started) / 1000;
      idleRssMB = running.rssMB();
    }
    return running;
  };
  try {
    for (const scenario of scenarios) {
      if (scenario.unavailable !== undefined) {
        log(`  ${scenario.title}: not available (${scenario.unavailable})`);
        outcomes.push({ scenarioId: scenario.id, title: scenario.title, operation: scenario.operation, status: 'not-available', reason: scenario.unavailable });
        continue;
      }
      const unsupported = scenario.unsupportedBy?.(spec.traits);
      if (unsupported !== undefined) {
        log(`  ${scenario.title}: not supported (${unsupported})`);
        outcomes.push({ scenarioId: scenario.id, title: scenario.title, operation: scenario.operation, status: 'not-supported', reason: unsupported });
        continue;
      }
      if (spec.skip?.has(scenario.id)) {
        log(`  ${scenario.title}: skipped`);
        outcomes.push({ scenarioId: scenario.id, title: scenario.title, operation: scenario.operation, status: 'skipped', reason: 'skipped on request (--scimmy-skip)' });
        continue;
      }
      const profileDir = profiling ? path.join(profileRoot, scenario.id) : undefined;
      // Profiling gives each scenario its own server, so each profile holds one scenario.
      if (server === undefined || profiling) server = await start(profileDir);
      log(`  ${scenario.title} …`);
      let outcome = await runScenario(server, scenario, spec, options, token, runTag);
      if (profiling) {
        await server.stop();
        server = undefined;
        const file = profileIn(profileDir!);
        if (file !== undefined) {
          const profile = summariseProfile(readProfile(file));
          outcome = { ...outcome, profile };
          log(formatSummary(`    profile ${path.relative(REPO_ROOT, file)}`, profile).replace(/^/gm, '    '));
        }
      }
      log(`    ${describeOutcome(outcome)}`);
      outcomes.push(outcome);
    }
  } finally {
    await server?.stop();
  }
  return { target: spec.name, idleRssMB, startSeconds, outcomes };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const machine = describeMachine(REPO_ROOT);
  const token = `bench-${randomBytes(24).toString('base64url')}`;
  const runTag = startedAt.getTime().toString(36);
  const { plan, settings } = options;
  const scenarios = SCENARIOS.filter((scenario) => options.only === undefined || options.only.has(scenario.id));

  const raisedPriority = options.priority && raisePriority();
  log(`compiling servers …`);
  const buildDir = path.join(RESULTS_DIR, 'build');
  buildForBench(REPO_ROOT, buildDir, options.srcFrom);
  if (options.srcFrom !== undefined) log(`  src/ compiled from another directory (--src-from): figures are of that code, not of this checkout`);

  // SQLite by default: a fresh file in a temporary directory, removed at the end.
  const scratch = options.databaseUrl === undefined ? mkdtempSync(path.join(tmpdir(), 'scimitar-bench-')) : undefined;
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(scratch!, 'scimitar.db')}`;
  const database = databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const env = scimitarEnv(databaseUrl, token);
  const profileRoot = options.profile ? path.join(RESULTS_DIR, 'profiles', stamp) : undefined;

  try {
    log(`seeding ${plan.users.toLocaleString('en-US')} users, ${plan.smallGroupIds.length} groups of ${plan.smallGroupSize} and ${plan.bigGroupIds.length} of ${plan.bigGroupSize.toLocaleString('en-US')} (${database}) …`);
    const seedTimings = await seed(buildDir, plan, env);
    log(`  seeded in ${seedTimings.totalSeconds.toFixed(1)} s`);

    const ceilings: CeilingRun[] = [await measureCeiling(buildDir, settings, token, 'before')];
    const targets: TargetRun[] = [];

    targets.push(
      await runTarget(
        {
          name: 'scimitar',
          traits: { name: 'scimitar', caseInsensitiveUserName: true, paging: 'query', cursorPaging: true },
          start: (profileDir) =>
            startServer({
              name: 'scimitar',
              script: path.join(buildDir, 'bench/servers/scimitar.js'),
              env,
              nodeArgs: [...options.serverNodeArgs, ...(profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
            }),
        },
        scenarios,
        options,
        token,
        runTag,
        profileRoot,
      ),
    );

    if (options.scimmy) {
      targets.push(
        await runTarget(
          {
            name: 'scimmy',
            skip: options.scimmySkip,
            traits: { name: 'scimmy', caseInsensitiveUserName: false, paging: 'search', cursorPaging: false },
            start: () =>
              startServer({
                name: 'scimmy',
                script: path.join(buildDir, 'bench/servers/scimmy.js'),
                env: { PATH: process.env['PATH'], NODE_ENV: 'production', BENCH_USERS: String(plan.users), BENCH_BIG_GROUP: String(plan.bigGroupSize), BENCH_TOKEN: token },
                // A million users as JavaScript objects outgrow the default heap limit.
                nodeArgs: ['--max-old-space-size=8192'],
                startTimeoutMs: 600_000,
              }),
          },
          scenarios,
          options,
          token,
          runTag,
          undefined,
        ),
      );
    }

    ceilings.push(await measureCeiling(buildDir, settings, token, 'after'));
    const ceilingRequestsPerSecond = ceilings.reduce((sum, ceiling) => sum + ceiling.result.requestsPerSecond, 0) / ceilings.length;
    const [before, after] = ceilings;
    if (before !== undefined && after !== undefined && Math.abs(before.result.requestsPerSecond - after.result.requestsPerSecond) > 0.1 * ceilingRequestsPerSecond) {
      log('warning: the ceiling moved by more than 10% during the run; the machine was not quiet, figures are noisy');
    }

    const run: BenchRun = {
      startedAt: startedAt.toISOString(),
      machine,
      database,
      modifiedSource: options.srcFrom !== undefined,
      serverNodeArgs: options.serverNodeArgs,
      sizes: {
        users: plan.users,
        bigGroup: plan.bigGroupSize,
        bigGroups: plan.bigGroupIds.length,
        smallGroup: plan.smallGroupSize,
        smallGroups: plan.smallGroupIds.length,
      },
      raisedPriority,
      settings,
      seed: seedTimings,
      ceilings,
      ceilingRequestsPerSecond,
      targets,
    };
    const report = formatReport(run);
    process.stdout.write(`\n${report}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), `${JSON.stringify(run, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, `${stamp}.md`), `${report}\n`);
    log(`\nresults: ${path.relative(REPO_ROOT, path.join(RESULTS_DIR, `${stamp}.json`))} (and .md)`);
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
