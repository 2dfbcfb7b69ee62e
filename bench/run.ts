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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildForBench } from './build.js';
import { startDeliveryReceiver } from './delivery/receiver.js';
import { compareVariants, formatComparison, variantsOf, type Variant } from './compare.js';
import type { DirectoryPlan } from './directory.js';
import { runLoad, type LoadSettings } from './load.js';
import { log } from './log.js';
import { describeMachine } from './machine.js';
import { parseOptions, selectedScenarios, USAGE } from './options.js';
import { formatReport } from './report.js';
import type { BenchRun, CeilingRun, TargetRun } from './results.js';
import { CEILING_PATH, ceilingSource } from './scenarios/ceiling.js';
import { startServer } from './server-process.js';
import { runTarget } from './target-runner.js';
import { tenantToken, type TenantsPlan } from './tenants.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(REPO_ROOT, '.bench-results');

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

/** Runs the seeding script in its own process and returns its timings. */
function seed(buildDir: string, plan: DirectoryPlan, env: NodeJS.ProcessEnv, tenants?: TenantsPlan): Promise<BenchRun['seed']> {
  const tenantArgs = tenants === undefined ? [] : ['--tenants', String(tenants.count), '--tenant-users', String(tenants.usersEach), '--token-seed', tenants.tokenSeed];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(buildDir, 'bench/seed.js'), '--users', String(plan.users), '--big-group', String(plan.bigGroupSize), ...tenantArgs], {
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

/**
 * With a delivery scenario selected: the receiver, started now so that the
 * server's environment can name it, and the settings that let the server
 * deliver to it (a loopback http:// URL; answers held through a whole
 * backlog run without timing out).
 */
async function deliveryEnv(options: NonNullable<ReturnType<typeof parseOptions>>): Promise<Record<string, string>> {
  const selected = selectedScenarios(options.only);
  if (!selected.some((scenario) => scenario.id.startsWith('delivery-'))) return {};
  const receiver = await startDeliveryReceiver(options.deliveryTo);
  return {
    BENCH_DELIVERY_URL: receiver.origin,
    BENCH_DELIVERY_TARGET: options.deliveryTo,
    SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true',
    SCIMITAR_WEBHOOK_ALLOW_PRIVATE: 'true',
    SCIMITAR_WEBHOOK_TIMEOUT_MS: '300000',
  };
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

/** Scimitar as a bench target, started from one build with one environment. */
function scimitarTarget(buildDir: string, env: NodeJS.ProcessEnv, nodeArgs: readonly string[]) {
  return {
    name: 'scimitar' as const,
    traits: { name: 'scimitar', caseInsensitiveUserName: true, paging: 'query', cursorPaging: true, multiTenant: true } as const,
    start: (profileDir?: string) =>
      startServer({
        name: 'scimitar',
        script: path.join(buildDir, 'bench/servers/scimitar.js'),
        env,
        nodeArgs: [...nodeArgs, ...(profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
      }),
  };
}

/** --compare-with / --compare-env: both variants, alternately, each round on freshly seeded SQLite files (see compare.ts). */
async function runComparison(options: NonNullable<ReturnType<typeof parseOptions>>, variants: readonly [Variant, Variant], stamp: string, token: string, runTag: string): Promise<void> {
  if (options.databaseUrl !== undefined) throw new RangeError('a comparison seeds a fresh database per round: it runs on SQLite only (leave out --db)');
  const { plan } = options;
  const scenarios = selectedScenarios(options.only);
  if (options.priority) raisePriority();
  const builds = new Map<string, string>();
  for (const [index, variant] of variants.entries()) {
    if (builds.has(variant.srcFrom)) continue;
    const buildDir = path.join(RESULTS_DIR, index === 0 ? 'build-before' : 'build');
    log(`compiling ${variant.label} …`);
    buildForBench(REPO_ROOT, buildDir, variant.srcFrom);
    builds.set(variant.srcFrom, buildDir);
  }
  const comparison = await compareVariants(variants, options.compare!.rounds, async (variant, variantIndex, round) => {
    const buildDir = builds.get(variant.srcFrom)!;
    const scratch = mkdtempSync(path.join(tmpdir(), 'scimitar-bench-'));
    try {
      const env = { ...scimitarEnv(`sqlite:${path.join(scratch, 'scimitar.db')}`, token), ...(await deliveryEnv(options)), ...variant.env };
      log(`\nround ${round}, ${variant.label}: seeding ${plan.users.toLocaleString('en-US')} users …`);
      await seed(buildDir, plan, env);
      return await runTarget(scimitarTarget(buildDir, env, options.serverNodeArgs), scenarios, options, token, `${runTag}${variantIndex}${round}`, undefined);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
  const report = [
    `Directory: ${plan.users.toLocaleString('en-US')} users, big groups of ${plan.bigGroupSize.toLocaleString('en-US')}, SQLite. Load: ${options.settings.connections} connections, ` +
      `${options.settings.warmupSeconds} s warm-up, ${options.settings.durationSeconds} s measured per scenario. Machine: ${describeMachine(REPO_ROOT).cpuModel}.`,
    '',
    formatComparison(comparison),
  ].join('\n');
  process.stdout.write(`\n${report}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${stamp}-comparison.json`), `${JSON.stringify({ settings: options.settings, sizes: { users: plan.users, bigGroup: plan.bigGroupSize }, ...comparison }, null, 2)}\n`);
  writeFileSync(path.join(RESULTS_DIR, `${stamp}-comparison.md`), `${report}\n`);
  log(`\nresults: ${path.relative(REPO_ROOT, path.join(RESULTS_DIR, `${stamp}-comparison.json`))} (and .md)`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  const variants = variantsOf(options, REPO_ROOT);
  if (variants !== undefined) {
    const startedAt = new Date();
    await runComparison(options, variants, startedAt.toISOString().replace(/[:.]/g, '-'), `bench-${randomBytes(24).toString('base64url')}`, startedAt.getTime().toString(36));
    return;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const machine = describeMachine(REPO_ROOT);
  const token = `bench-${randomBytes(24).toString('base64url')}`;
  const runTag = startedAt.getTime().toString(36);
  const { plan, settings } = options;
  const scenarios = selectedScenarios(options.only, options.tenants);
  // With many tenants, the large directory authenticates with a stored token as the small ones do,
  // rather than the operator's SCIMITAR_TOKEN (compared in memory): the ratio then compares like with like.
  const scimitarToken = options.tenants === undefined ? token : tenantToken(options.tenants, 'default');

  const raisedPriority = options.priority && raisePriority();
  log(`compiling servers …`);
  const buildDir = path.join(RESULTS_DIR, 'build');
  buildForBench(REPO_ROOT, buildDir, options.srcFrom);
  if (options.srcFrom !== undefined) log(`  src/ compiled from another directory (--src-from): figures are of that code, not of this checkout`);

  // SQLite by default: a fresh file in a temporary directory, removed at the end.
  const scratch = options.databaseUrl === undefined ? mkdtempSync(path.join(tmpdir(), 'scimitar-bench-')) : undefined;
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(scratch!, 'scimitar.db')}`;
  const database = databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const env = { ...scimitarEnv(databaseUrl, token), ...(await deliveryEnv(options)), ...options.serverEnv };
  const profileRoot = options.profile ? path.join(RESULTS_DIR, 'profiles', stamp) : undefined;

  try {
    log(`seeding ${plan.users.toLocaleString('en-US')} users, ${plan.smallGroupIds.length} groups of ${plan.smallGroupSize} and ${plan.bigGroupIds.length} of ${plan.bigGroupSize.toLocaleString('en-US')} (${database}) …`);
    if (options.tenants !== undefined) log(`  and ${options.tenants.count.toLocaleString('en-US')} tenants of ${options.tenants.usersEach} users`);
    const seedTimings = await seed(buildDir, plan, env, options.tenants);
    log(`  seeded in ${seedTimings.totalSeconds.toFixed(1)} s`);

    const ceilings: CeilingRun[] = [await measureCeiling(buildDir, settings, token, 'before')];
    const targets: TargetRun[] = [];

    targets.push(
      await runTarget(
        scimitarTarget(buildDir, env, options.serverNodeArgs),
        scenarios,
        options,
        scimitarToken,
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
            traits: { name: 'scimmy', caseInsensitiveUserName: false, paging: 'search', cursorPaging: false, multiTenant: false },
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
      ...(options.tenants !== undefined ? { tenants: { count: options.tenants.count, usersEach: options.tenants.usersEach } } : {}),
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
