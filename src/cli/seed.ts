/**
 * `scimitar seed`: fills a tenant with generated Users (and Groups with
 * members) for tests and benchmarks. It writes through the store, not
 * HTTP, in large transactions: one commit per batch instead of one per
 * resource is what makes tens of thousands of users take seconds.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { groupResourceType, userResourceType } from '../core/schema/resource-types.js';
import type { MemberRef, Store } from '../store/store.js';
import { parseTenantId } from './arguments.js';
import { UsageError } from './cli-errors.js';
import type { CliContexts } from './cli-context.js';
import { plural, print, printJson } from './output.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Resources per transaction: large enough to amortise commits, small enough to bound one transaction's memory and lock time. */
const BATCH_SIZE = 5000;

interface SeedOptions {
  readonly users: number;
  readonly groups: number;
  readonly groupSize: number;
  readonly tenant: string;
  readonly json?: boolean;
}

function parseAmount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return Number(value);
}

export interface SeedSummary {
  readonly tenant: string;
  readonly users: number;
  readonly groups: number;
  readonly memberships: number;
  /** Prefix of every generated userName / displayName, distinct per run so runs never collide on userName. */
  readonly prefix: string;
  readonly seconds: number;
}

export interface SeedRequest {
  readonly tenant: string;
  readonly users: number;
  readonly groups: number;
  readonly groupSize: number;
  /** created and lastModified of every resource. */
  readonly now: string;
}

/** Writes the generated resources through the store, in batches of BATCH_SIZE per transaction (also the test suites' way to fill a large tenant). */
export async function seedTenant(store: Store, options: SeedRequest): Promise<{ readonly prefix: string; readonly userIds: readonly string[]; readonly memberships: number }> {
  const prefix = `seed-${randomBytes(3).toString('hex')}`;
  const now = options.now;
  const userIds: string[] = [];
  for (let from = 0; from < options.users; from += BATCH_SIZE) {
    const to = Math.min(from + BATCH_SIZE, options.users);
    await store.transaction(async (writer) => {
      for (let index = from; index < to; index += 1) {
        const id = randomUUID();
        const number = String(index + 1).padStart(String(options.users).length, '0');
        await writer.insertResource({
          tenantId: options.tenant,
          resourceType: userResourceType.name,
          id,
          attributes: {
            schemas: [USER_SCHEMA],
            userName: `${prefix}-user-${number}`,
            name: { givenName: 'Seed', familyName: `User ${number}` },
            displayName: `Seed User ${number}`,
            emails: [{ value: `${prefix}-user-${number}@example.com`, type: 'work', primary: true }],
            active: true,
          },
          passwordHash: undefined,
          now,
        });
        userIds.push(id);
      }
    });
  }
  let memberships = 0;
  const groupsPerBatch = Math.max(1, Math.floor(BATCH_SIZE / Math.max(1, options.groupSize)));
  for (let from = 0; from < options.groups; from += groupsPerBatch) {
    const to = Math.min(from + groupsPerBatch, options.groups);
    await store.transaction(async (writer) => {
      for (let index = from; index < to; index += 1) {
        const id = randomUUID();
        await writer.insertResource({
          tenantId: options.tenant,
          resourceType: groupResourceType.name,
          id,
          attributes: { schemas: [GROUP_SCHEMA], displayName: `${prefix}-group-${index + 1}` },
          passwordHash: undefined,
          now,
        });
        // Members are the new Users in turn, wrapping around, so groups overlap evenly.
        const members: MemberRef[] = [];
        const size = Math.min(options.groupSize, userIds.length);
        for (let offset = 0; offset < size; offset += 1) {
          members.push({ value: userIds[(index * size + offset) % userIds.length]!, type: userResourceType.name });
        }
        if (members.length > 0) memberships += (await writer.addMembers(options.tenant, id, members)).length;
      }
    });
  }
  return { prefix, userIds, memberships };
}

export function registerSeedCommand(program: Command, { withCliContext }: CliContexts): void {
  program
    .command('seed')
    .description('Create generated Users (and Groups with members) directly in the database, for tests and benchmarks')
    .requiredOption('--users <n>', 'number of Users to create', parseAmount)
    .option('--groups <n>', 'number of Groups to create', parseAmount, 0)
    .option('--group-size <n>', 'members per Group, taken from the new Users in turn', parseAmount, 0)
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--json', 'print JSON for scripts')
    .action(async (options: SeedOptions) => {
      if (options.groupSize > 0 && options.users === 0) throw new UsageError('--group-size needs --users: members are taken from the new Users.');
      const summary = await withCliContext(async (context) => {
        // An unknown tenant is refused, as by every other command.
        await context.services.tenants.get(options.tenant);
        const started = performance.now();
        const { prefix, memberships } = await seedTenant(context.store, { tenant: options.tenant, users: options.users, groups: options.groups, groupSize: options.groupSize, now: context.now().toISOString() });
        const seconds = Math.round((performance.now() - started) / 10) / 100;
        return { tenant: options.tenant, users: options.users, groups: options.groups, memberships, prefix, seconds } satisfies SeedSummary;
      });
      if (options.json) return printJson(summary);
      print(
        `Created ${plural(summary.users, 'user')}, ${plural(summary.groups, 'group')} and ${plural(summary.memberships, 'membership')} ` +
          `in tenant "${summary.tenant}" in ${summary.seconds} s (names start with ${summary.prefix}).`,
      );
    });
}
