/**
 * Runs every scenario on one target: starts its server (one per scenario
 * when profiling, so each profile holds one scenario), checks one operation,
 * then loads it or times it sequentially, and collects the outcomes.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { databaseCpuMeter } from './database-cpu.js';
import { sendCall } from './http-call.js';
import { runLoad, type LoadTarget } from './load.js';
import { log } from './log.js';
import type { Options } from './options.js';
import { formatSummary, readProfile, summariseProfile } from './profile-summary.js';
import { errorRate, ERROR_RATE_LIMIT, TARGET_LABELS, type ScenarioOutcome, type TargetName, type TargetRun } from './results.js';
import type { BenchScenario, CycleScenario, Scenario, TargetTraits } from './scenarios/scenario.js';
import { largeTenant } from './scenarios/tenant-choice.js';
import { runSequentially, SLOW_OPERATION_SECONDS, timedOperation } from './sequential.js';
import type { RunningServer } from './server-process.js';

const SCIM_BASE_PATH = '/scim/v2';

export interface TargetSpec {
  readonly name: TargetName;
  /** Scenarios not run on this target (--scimmy-skip). */
  readonly skip?: ReadonlySet<string>;
  readonly traits: TargetTraits;
  start(profileDir?: string): Promise<RunningServer>;
}

async function runScenario(server: RunningServer, scenario: Scenario, spec: TargetSpec, options: Options, token: string, runTag: string): Promise<ScenarioOutcome> {
  const base = { scenarioId: scenario.id, title: scenario.title, operation: scenario.operation };
  const target: LoadTarget = { origin: server.url, basePath: SCIM_BASE_PATH, token };
  try {
    const prepared = await scenario.prepare({ plan: options.plan, traits: spec.traits, target, runTag, tenants: largeTenant(options.plan) });
    const note = prepared.note !== undefined ? { note: prepared.note } : {};
    // One operation outside the load, checked, so a scenario that only produces errors is reported as such.
    const first = await timedOperation(server, target, prepared.source.next());
    const problem = prepared.check(first.responses);
    if (problem !== undefined) return { ...base, ...note, status: 'check-failed', reason: problem };
    prepared.background?.start();
    let result;
    let backgroundSummary: string | undefined;
    try {
      result =
        first.seconds > SLOW_OPERATION_SECONDS
          ? await runSequentially(server, target, prepared.source, first)
          : await runLoad(server, target, prepared.source, options.settings, spec.name === 'scimitar' ? databaseCpuMeter(options.databaseUrl) : undefined);
    } finally {
      backgroundSummary = await prepared.background?.stop();
    }
    const rateOfErrors = errorRate(result);
    const notes = [prepared.note, prepared.afterRun?.(), backgroundSummary].filter((text) => text !== undefined);
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

/** A scenario that drives its own fixed work (the initial sync): one timed cycle, no pre-load check (the cycle checks every response). */
async function runCycleScenario(server: RunningServer, scenario: CycleScenario, spec: TargetSpec, options: Options, token: string, runTag: string): Promise<ScenarioOutcome> {
  const base = { scenarioId: scenario.id, title: scenario.title, operation: scenario.operation };
  const target: LoadTarget = { origin: server.url, basePath: SCIM_BASE_PATH, token };
  try {
    const { result, cycle, note, problem } = await scenario.runCycle({
      plan: options.plan,
      traits: spec.traits,
      target,
      runTag,
      tenants: largeTenant(options.plan),
      server,
      syncUsers: options.syncUsers,
      databaseCpu: databaseCpuMeter(options.databaseUrl),
    });
    const rateOfErrors = errorRate(result);
    return {
      ...base,
      note: problem !== undefined ? `${problem}; ${note}` : note,
      status: 'measured',
      result,
      cycle,
      errorRate: rateOfErrors,
      flagged: rateOfErrors > ERROR_RATE_LIMIT || problem !== undefined,
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

export async function runTarget(spec: TargetSpec, scenarios: readonly BenchScenario[], options: Options, token: string, runTag: string, profileRoot: string | undefined): Promise<TargetRun> {
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
      let outcome = 'runCycle' in scenario ? await runCycleScenario(server, scenario, spec, options, token, runTag) : await runScenario(server, scenario, spec, options, token, runTag);
      if (profiling) {
        await server.stop();
        server = undefined;
        const file = profileIn(profileDir!);
        if (file !== undefined) {
          const profile = summariseProfile(readProfile(file));
          outcome = { ...outcome, profile };
          log(formatSummary(`    profile ${path.basename(file)}`, profile).replace(/^/gm, '    '));
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
