/**
 * Where each operation of a scenario runs: always in the large directory of
 * the default tenant, or (--tenants) each time in a small tenant picked at
 * random, with that tenant's own token and users. The scenarios are written
 * once against this choice; `onRandomTenant` turns one into its many-tenant
 * twin, so both measure exactly the same operation.
 */
import { randomUserIndex, userId, userName, type DirectoryPlan } from '../directory.js';
import { sendCall } from '../http-call.js';
import { inParallel } from '../in-parallel.js';
import type { LoadTarget } from '../load.js';
import { log } from '../log.js';
import { freshUserRange, tenantToken, tenantUserId, tenantUserName, type TenantsPlan } from '../tenants.js';
import type { Scenario } from './scenario.js';
import { UserPool } from './user-pool.js';

/** The tenant of one operation. */
export interface OperationTenant {
  /** Its bearer token; undefined: the target's own token (the large tenant's). */
  readonly token: string | undefined;
  readonly users: number;
  userId(index: number): string;
  userName(index: number): string;
  randomUserIndex(): number;
  /** A user no operation has deactivated yet. */
  nextFreshUser(): number;
}

export interface TenantChoice {
  pick(): OperationTenant;
  /** Fresh users left for PATCH deactivate over all tenants the choice picks from. */
  freshUsersLeft(): number;
}

/** Every operation in the default tenant's large directory, as the scenarios always ran. */
export function largeTenant(plan: DirectoryPlan): TenantChoice {
  const pool = new UserPool(plan.deactivatePool);
  const tenant: OperationTenant = {
    token: undefined,
    users: plan.users,
    userId,
    userName,
    randomUserIndex: () => randomUserIndex(plan),
    nextFreshUser: () => pool.nextIndex(),
  };
  return { pick: () => tenant, freshUsersLeft: () => pool.remaining() };
}

/**
 * Each operation in a small tenant picked uniformly at random: the server's
 * caches and the database's pages see 10,000 directories at once, as a
 * multi-tenant deployment does, not one hot tenant.
 */
export function randomSmallTenant(plan: TenantsPlan): TenantChoice {
  const fresh = freshUserRange(plan);
  const pools = new Map<number, UserPool>();
  let consumed = 0;
  const poolOf = (tenant: number) => {
    let pool = pools.get(tenant);
    if (pool === undefined) pools.set(tenant, (pool = new UserPool(fresh)));
    return pool;
  };
  return {
    pick(): OperationTenant {
      const tenant = Math.floor(Math.random() * plan.count);
      return {
        token: tenantToken(plan, tenant),
        users: plan.usersEach,
        userId: (index) => tenantUserId(tenant, index),
        userName: (index) => tenantUserName(tenant, index),
        randomUserIndex: () => Math.floor(Math.random() * plan.usersEach),
        nextFreshUser: () => {
          consumed++;
          return poolOf(tenant).nextIndex();
        },
      };
    },
    // Picks are random, so one tenant may run out first; the total is what bounds the run.
    freshUsersLeft: () => plan.count * fresh.size - consumed,
  };
}

export const RANDOM_TENANT_SUFFIX = '-random-tenant';

/** Servers (by origin) that have had a request from every small tenant. */
const touchedServers = new Set<string>();
const TOUCH_CONNECTIONS = 8;

/**
 * One request from every small tenant, once per server: a server that has
 * run for a while has seen each of its tenants, whose per-tenant state (the
 * tenant's schemas, read on its first request) is then loaded. A warm-up of
 * seconds reaches a fraction of 10,000 tenants, and would measure first
 * requests instead of the many-tenant access pattern.
 */
async function touchEveryTenant(target: LoadTarget, plan: TenantsPlan): Promise<void> {
  if (touchedServers.has(target.origin)) return;
  const started = performance.now();
  await inParallel(plan.count, TOUCH_CONNECTIONS, async (tenant) => {
    const answer = await sendCall(target, { method: 'GET', path: '/Users?count=0', token: tenantToken(plan, tenant) });
    if (answer.status !== 200) throw new Error(`tenant ${tenant} answered ${answer.status} to GET /Users?count=0`);
  });
  touchedServers.add(target.origin);
  log(`    (one request from each of the ${plan.count.toLocaleString('en-US')} tenants first, as a running server has seen them: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** The same scenario with every operation in a random small tenant. */
export function onRandomTenant(scenario: Scenario, plan: TenantsPlan): Scenario {
  return {
    ...scenario,
    id: `${scenario.id}${RANDOM_TENANT_SUFFIX}`,
    title: `${scenario.title}, random tenant`,
    operation: `${scenario.operation}, each in a random one of ${plan.count.toLocaleString('en-US')} tenants of ${plan.usersEach} users (its own token)`,
    unsupportedBy: (traits) => (traits.multiTenant ? scenario.unsupportedBy?.(traits) : 'one tenant only'),
    async prepare(context) {
      await touchEveryTenant(context.target, plan);
      return scenario.prepare({ ...context, tenants: randomSmallTenant(plan) });
    },
  };
}
