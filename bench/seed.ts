/**
 * Seeds the benchmark directory through the store port, before the server
 * starts: HTTP would spend most of a million-user seed in request handling
 * and one transaction per user. Bodies go through the same normalisation the
 * services apply, so the stored rows are exactly what POST /Users would have
 * written.
 *
 * Run by bench/run.ts as a child process (the database is closed, and its
 * memory released, before the server opens it):
 *   DATABASE_URL=sqlite:<file> node seed.js --users 100000 --big-group 10000 [--tenants 10000 --tenant-users 100 --token-seed S]
 * Prints one JSON line with the timings on stdout.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../src/app/open-store.js';
import { DEFAULT_TENANT_ID } from '../src/app/scimitar.js';
import { loadConfig, type ScimitarConfig } from '../src/config/config.js';
import { createKeyedHasher } from '../src/auth/keyed-hash.js';
import { normalizeResource } from '../src/core/resource/index.js';
import { createDefaultRegistry } from '../src/core/schema/registry.js';
import type { MemberRef, Store } from '../src/store/store.js';
import { groupBody, groupDisplayName, groupMemberIndexes, planDirectory, userBody, userId, type DirectoryPlan } from './directory.js';
import { seedTenants } from './seed-tenants.js';
import { planTenants, type TenantsPlan } from './tenants.js';

/** Rows per transaction: large enough that commits are a small part of the time, small enough to bound the WAL. */
const USERS_PER_TRANSACTION = 20_000;
const MEMBERS_PER_TRANSACTION = 50_000;

export interface SeedTimings {
  readonly users: number;
  readonly members: number;
  readonly usersSeconds: number;
  readonly groupsSeconds: number;
  /** Seconds spent on the small tenants (--tenants), included in totalSeconds. */
  readonly tenantsSeconds?: number;
  readonly totalSeconds: number;
}

/**
 * Concurrent transactions: PostgreSQL spends a user's insert mostly waiting
 * for round trips, which transactions on other pooled connections can fill;
 * SQLite has one writer, and its store runs transactions one at a time.
 */
function transactionsInParallel(store: Store): number {
  return store.dialect === 'postgres' ? 4 : 1;
}

/**
 * PostgreSQL plans with the statistics of the tables, and a fresh database's
 * say "empty": until autovacuum analyses them (within a minute or so of a
 * bulk load, in a live system) lookups may scan instead of using indexes.
 * The seed loads in minutes what a directory gathers over months, so it
 * gathers the statistics itself: once early (after the first users) and
 * once at the end, as SQLite's close runs PRAGMA optimize.
 */
async function refreshPlannerStatistics(config: ScimitarConfig): Promise<void> {
  if (config.database.kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: config.database.url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function seedUsers(store: Store, plan: DirectoryPlan, config: ScimitarConfig): Promise<void> {
  const registry = createDefaultRegistry();
  const schemas = registry.forResourceType('User');
  const perTransaction = Math.min(USERS_PER_TRANSACTION, Math.ceil(plan.users / (4 * transactionsInParallel(store))));
  const chunks: number[] = [];
  for (let start = 0; start < plan.users; start += perTransaction) chunks.push(start);
  let seeded = 0;
  let reported = 0;
  const seedChunk = async (start: number) => {
    const end = Math.min(plan.users, start + perTransaction);
    const now = new Date().toISOString();
    await store.transaction(async (writer) => {
      for (let index = start; index < end; index++) {
        const { attributes } = normalizeResource(userBody(index), schemas);
        await writer.insertResource({ tenantId: DEFAULT_TENANT_ID, resourceType: 'User', id: userId(index), attributes, passwordHash: undefined, now });
      }
    });
    seeded += end - start;
    if (seeded - reported >= plan.users / 10 || seeded === plan.users) {
      reported = seeded;
      process.stderr.write(`  seeded ${seeded.toLocaleString('en-US')} users\n`);
    }
  };
  // The first chunk alone, then statistics, then the rest in parallel (see refreshPlannerStatistics).
  const first = chunks.shift();
  if (first !== undefined) await seedChunk(first);
  await refreshPlannerStatistics(config);
  const workers = Array.from({ length: transactionsInParallel(store) }, async () => {
    for (let start = chunks.shift(); start !== undefined; start = chunks.shift()) await seedChunk(start);
  });
  await Promise.all(workers);
}

async function seedGroup(store: Store, id: string, displayName: string, memberIndexes: readonly number[]): Promise<void> {
  const schemas = createDefaultRegistry().forResourceType('Group');
  const { attributes } = normalizeResource(groupBody(displayName), schemas);
  const now = new Date().toISOString();
  await store.transaction((writer) => writer.insertResource({ tenantId: DEFAULT_TENANT_ID, resourceType: 'Group', id, attributes, passwordHash: undefined, now }));
  for (let start = 0; start < memberIndexes.length; start += MEMBERS_PER_TRANSACTION) {
    const batch: MemberRef[] = memberIndexes.slice(start, start + MEMBERS_PER_TRANSACTION).map((index) => ({ value: userId(index), type: 'User' }));
    await store.transaction((writer) => writer.addMembers(DEFAULT_TENANT_ID, id, batch));
  }
}

async function seedGroups(store: Store, plan: DirectoryPlan): Promise<number> {
  let members = 0;
  for (const kind of ['small', 'big'] as const) {
    const ids = kind === 'small' ? plan.smallGroupIds : plan.bigGroupIds;
    for (const [index, id] of ids.entries()) {
      const memberIndexes = groupMemberIndexes(plan, kind, index);
      await seedGroup(store, id, groupDisplayName(plan, kind, index), memberIndexes);
      members += memberIndexes.length;
    }
  }
  return members;
}

async function seedDirectory(plan: DirectoryPlan, tenants: TenantsPlan | undefined, env: NodeJS.ProcessEnv): Promise<SeedTimings> {
  const config = loadConfig(env);
  const store = await openStore(config.database, createDefaultRegistry());
  try {
    const started = performance.now();
    await store.tenants.ensureTenant(DEFAULT_TENANT_ID, 'Default directory', new Date().toISOString());
    // The directory is a function of its sizes: seeding over an earlier one would collide on every userName.
    const existing = await store.tenants.countResources(DEFAULT_TENANT_ID);
    if (existing.users > 0 || existing.groups > 0) {
      throw new Error(`the database already holds ${existing.users} users and ${existing.groups} groups: the benchmark needs an empty database`);
    }
    await seedUsers(store, plan, config);
    const usersDone = performance.now();
    let members = await seedGroups(store, plan);
    const groupsDone = performance.now();
    if (tenants !== undefined) {
      if (config.secret === undefined) throw new Error('--tenants needs SCIMITAR_SECRET: the seeded tokens are stored as keyed hashes');
      members += await seedTenants(store, tenants, createKeyedHasher(config.secret), transactionsInParallel(store));
    }
    await refreshPlannerStatistics(config);
    const allDone = performance.now();
    return {
      users: plan.users + (tenants === undefined ? 0 : tenants.count * tenants.usersEach),
      members,
      usersSeconds: (usersDone - started) / 1000,
      groupsSeconds: (groupsDone - usersDone) / 1000,
      ...(tenants !== undefined ? { tenantsSeconds: (allDone - groupsDone) / 1000 } : {}),
      totalSeconds: (allDone - started) / 1000,
    };
  } finally {
    // Closing runs the store's own end-of-life work (SQLite: PRAGMA optimize), as a restart would.
    await store.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { users: { type: 'string' }, 'big-group': { type: 'string' }, tenants: { type: 'string' }, 'tenant-users': { type: 'string' }, 'token-seed': { type: 'string' } },
  });
  const plan = planDirectory({ users: Number(values.users ?? '100000'), bigGroup: Number(values['big-group'] ?? '10000') });
  const tenants = values.tenants === undefined ? undefined : planTenants(Number(values.tenants), Number(values['tenant-users'] ?? '100'), values['token-seed'] ?? '');
  const timings = await seedDirectory(plan, tenants, process.env);
  process.stdout.write(`${JSON.stringify(timings)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
