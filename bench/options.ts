/** The command line of `npm run bench`: its options, their defaults, and the usage text. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { planDirectory, type DirectoryPlan } from './directory.js';
import type { LoadSettings } from './load.js';
import { SCENARIOS } from './scenarios/index.js';
import type { BenchScenario } from './scenarios/scenario.js';
import { onRandomTenant } from './scenarios/tenant-choice.js';
import { planTenants, type TenantsPlan } from './tenants.js';

export const USAGE = `npm run bench -- [options]

  --users N            users in the directory (default 100000)
  --big-group N        members of the big group (default 10000)
  --tenants N          also seed N small tenants (own token, a few small groups each) and measure
                       get-user, filter-lookup, list-start, okta-loop and patch-deactivate a second
                       time with each operation in a random one of them; the large directory then
                       authenticates with a stored token too (see docs/benchmarks.md, "Many tenants")
  --tenant-users M     users in each small tenant (default 100)
  --db URL             postgres://… to run Scimitar on PostgreSQL (an empty database);
                       default: SQLite in a temporary file. On a PostgreSQL of this machine
                       the report adds its processes' CPU per operation (database CPU ms/op)
  --duration S         measured seconds per scenario (default 10)
  --warmup S           warm-up seconds per scenario (default 3)
  --connections N      concurrent connections, for every target (default 10)
  --max-requests N     requests per measured run at most (default 1000000)
  --quiet-wait S       before each measured run, wait up to S seconds for other processes
                       to stop using the CPU (default 3; the machine may be shared)
  --src-from DIR       compile the servers from DIR/src instead of this checkout's src/:
                       to measure a proposed change without touching the working tree
  --server-env K=V,…    extra environment settings for the Scimitar server (e.g.
                       --server-env SCIMITAR_REQUEST_LOG=false to measure without the request log)
  --server-node-args=…  node flags for the Scimitar server instead of npm start's (--max-semi-space-size=4),
                       to measure a runtime setting (e.g. --server-node-args=--max-semi-space-size=16)
  --compare-with DIR   measure DIR/src (before) and this checkout (after) in one run,
                       alternately (--rounds), each on a freshly seeded database, and
                       compare their server CPU time per operation
  --compare-env K=V,…  the before variant runs with these extra settings (with no
                       --compare-with: this checkout twice, e.g. SCIMITAR_REQUEST_LOG=false)
  --rounds N           rounds of a comparison (default 3; the order alternates per round)
  --delivery-to T      what the delivery scenarios deliver through: webhook (default) or consumer
                       (a durable in-process consumer forwarding each event to the receiver)
  --only a,b           run only these scenarios (the delivery-* ones and initial-sync run only when named here) (ids: ${SCENARIOS.map((scenario) => scenario.id).join(', ')})
  --sync-users N       users the initial-sync scenario creates, an Entra-style initial cycle on 8 connections
                       (default 100000, the issue's size; e.g. 2000 while developing)
  --no-scimmy          skip the scimmy comparison
  --scimmy-skip a,b    skip these scenarios on scimmy only (e.g. list-start,list-end at
                       1,000,000 users: one listing there takes minutes and gigabytes)
  --normal-priority    do not raise the run's scheduling priority (by default nice -10, when
                       permitted, so other work on a shared machine disturbs it less)
  --profile            run Scimitar under --cpu-prof (one server per scenario) and summarise each profile
  --help               this text
`;

/**
 * The scenarios of the run: those --only names, or without it every scenario
 * but the delivery ones, whose webhook or consumer would receive every other
 * scenario's events too and so change their figures, and those marked
 * onlyWhenNamed (the initial sync): they run only when named.
 */
export function selectedScenarios(only: ReadonlySet<string> | undefined, tenants?: TenantsPlan): readonly BenchScenario[] {
  const selected = SCENARIOS.filter((scenario) => (only === undefined ? !scenario.id.startsWith('delivery-') && scenario.onlyWhenNamed === undefined : only.has(scenario.id)));
  // Each twin right after its scenario: reads still come before the writes that reshape a directory.
  return selected.flatMap((scenario) =>
    tenants !== undefined && scenario.perTenant === true && 'prepare' in scenario ? [scenario, onRandomTenant(scenario, tenants)] : [scenario],
  );
}

/** The node flags of `npm start` (package.json) besides source maps: the bench measures the server as it is started. */
export const NPM_START_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4'];

export interface Options {
  readonly plan: DirectoryPlan;
  /** The small tenants seeded beside the large directory (--tenants), undefined without them. */
  readonly tenants: TenantsPlan | undefined;
  readonly databaseUrl: string | undefined;
  readonly settings: LoadSettings;
  /** Users the initial-sync scenario creates (--sync-users). */
  readonly syncUsers: number;
  readonly only: ReadonlySet<string> | undefined;
  readonly scimmy: boolean;
  readonly scimmySkip: ReadonlySet<string>;
  readonly profile: boolean;
  readonly priority: boolean;
  readonly srcFrom: string | undefined;
  readonly serverNodeArgs: readonly string[];
  /** Settings added to the Scimitar server's environment (--server-env). */
  readonly serverEnv: Readonly<Record<string, string>>;
  /** What the delivery scenarios deliver through (--delivery-to). */
  readonly deliveryTo: 'webhook' | 'consumer';
  /** Two variants measured alternately (--compare-with, --compare-env), undefined for a plain run. */
  readonly compare: { readonly srcFrom: string | undefined; readonly env: Readonly<Record<string, string>>; readonly rounds: number } | undefined;
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, minimum: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`--${name} must be a whole number ≥ ${minimum}, got "${raw}"`);
  return value;
}

/** `K=V,K2=V2` as an object; a setting without `=` is a mistake worth stopping for. */
function serverEnvOf(raw: string | undefined, flag: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of raw?.split(',').map((text) => text.trim()).filter((text) => text !== '') ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new RangeError(`--${flag} takes NAME=value pairs separated by commas, got "${pair}"`);
    settings[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return settings;
}

/** The options, or undefined when --help asks for the usage text. */
export function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      users: { type: 'string' },
      'big-group': { type: 'string' },
      tenants: { type: 'string' },
      'tenant-users': { type: 'string' },
      db: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'max-requests': { type: 'string' },
      'quiet-wait': { type: 'string' },
      'sync-users': { type: 'string' },
      'src-from': { type: 'string' },
      'server-node-args': { type: 'string' },
      'server-env': { type: 'string' },
      'compare-with': { type: 'string' },
      'compare-env': { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      'delivery-to': { type: 'string' },
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
  const deliveryTo = values['delivery-to'] ?? 'webhook';
  if (deliveryTo !== 'webhook' && deliveryTo !== 'consumer') throw new RangeError(`--delivery-to takes webhook or consumer, got "${deliveryTo}"`);
  const comparing = values['compare-with'] !== undefined || values['compare-env'] !== undefined;
  if (comparing && values.tenants !== undefined) throw new RangeError('--tenants and a comparison do not mix: measure many tenants in a run of its own');
  if (comparing && values.profile === true) throw new RangeError('--profile and a comparison do not mix: profile each variant in a run of its own');
  return {
    plan: planDirectory({ users: wholeNumber('users', values.users, 100_000, 1), bigGroup: wholeNumber('big-group', values['big-group'], 10_000, 1) }),
    tenants:
      values.tenants === undefined
        ? undefined
        : planTenants(wholeNumber('tenants', values.tenants, 0, 1), wholeNumber('tenant-users', values['tenant-users'], 100, 1), randomBytes(12).toString('hex')),
    databaseUrl: values.db,
    settings: {
      durationSeconds: wholeNumber('duration', values.duration, 10, 1),
      warmupSeconds: wholeNumber('warmup', values.warmup, 3, 0),
      connections: wholeNumber('connections', values.connections, 10, 1),
      maxRequests: wholeNumber('max-requests', values['max-requests'], 1_000_000, 100),
      maxQuietWaitSeconds: wholeNumber('quiet-wait', values['quiet-wait'], 3, 0),
    },
    syncUsers: wholeNumber('sync-users', values['sync-users'], 100_000, 1),
    only: only === undefined ? undefined : new Set(only),
    scimmy: values['no-scimmy'] !== true,
    scimmySkip: new Set(scenarioIds('scimmy-skip', values['scimmy-skip']) ?? []),
    profile: values.profile === true,
    priority: values['normal-priority'] !== true,
    srcFrom: values['src-from'] === undefined ? undefined : path.resolve(values['src-from']),
    // The flags `npm start` runs the server with, unless others are given.
    serverNodeArgs: values['server-node-args']?.split(/\s+/).filter((arg) => arg !== '') ?? NPM_START_NODE_ARGS,
    serverEnv: serverEnvOf(values['server-env'], 'server-env'),
    deliveryTo,
    compare: comparing
      ? {
          srcFrom: values['compare-with'] === undefined ? undefined : path.resolve(values['compare-with']),
          env: serverEnvOf(values['compare-env'], 'compare-env'),
          rounds: wholeNumber('rounds', values.rounds, 3, 1),
        }
      : undefined,
  };
}

