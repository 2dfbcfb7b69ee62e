/**
 * Seeds the small tenants of --tenants through the store port (called by
 * seed.ts after the large directory): each tenant's row and bearer token,
 * then its users, groups and memberships, many tenants per transaction so
 * that 10,000 tenants take about as long as the same number of users in one.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT_ID } from '../src/app/scimitar.js';
import type { KeyedHasher } from '../src/auth/keyed-hash.js';
import { tokenDisplayPrefix } from '../src/auth/tokens.js';
import { normalizeResource } from '../src/core/resource/index.js';
import { createDefaultRegistry, type ResourceSchemas } from '../src/core/schema/registry.js';
import type { Store, StoreWriter } from '../src/store/store.js';
import { groupBody, userBody } from './directory.js';
import { inParallel } from './in-parallel.js';
import { GROUPS_PER_TENANT, MEMBERS_PER_GROUP, smallTenantId, tenantGroupId, tenantToken, tenantUserId, tenantUserName, type TenantsPlan } from './tenants.js';

/** Users per transaction, as in the large directory's seed. */
const USERS_PER_TRANSACTION = 20_000;

/** A token row whose secret the load generator derives the same way (tenants.ts). */
async function insertBenchToken(store: Store, hasher: KeyedHasher, tenantId: string, token: string, now: string): Promise<void> {
  await store.tenants.insertToken({ id: randomUUID(), tenantId, name: 'bench', prefix: tokenDisplayPrefix(token), hash: hasher.hash(token), createdAt: now, expiresAt: undefined });
}

interface SeedSchemas {
  readonly user: ResourceSchemas;
  readonly group: ResourceSchemas;
}

async function seedTenantContent(writer: StoreWriter, plan: TenantsPlan, tenant: number, schemas: SeedSchemas, now: string): Promise<number> {
  const { user: userSchemas, group: groupSchemas } = schemas;
  const tenantId = smallTenantId(tenant);
  for (let index = 0; index < plan.usersEach; index++) {
    const { attributes } = normalizeResource(userBody(index, tenantUserName(tenant, index)), userSchemas);
    await writer.insertResource({ tenantId, resourceType: 'User', id: tenantUserId(tenant, index), attributes, passwordHash: undefined, now });
  }
  for (let group = 0; group < GROUPS_PER_TENANT; group++) {
    const id = tenantGroupId(tenant, group);
    const { attributes } = normalizeResource(groupBody(`Team ${group}`), groupSchemas);
    await writer.insertResource({ tenantId, resourceType: 'Group', id, attributes, passwordHash: undefined, now });
    const members = Array.from({ length: MEMBERS_PER_GROUP }, (_, member) => ({ value: tenantUserId(tenant, group * MEMBERS_PER_GROUP + member), type: 'User' as const }));
    await writer.addMembers(tenantId, id, members);
  }
  return GROUPS_PER_TENANT * MEMBERS_PER_GROUP;
}

/** Seeds every small tenant and the default tenant's stored token; returns the memberships written. */
export async function seedTenants(store: Store, plan: TenantsPlan, hasher: KeyedHasher, parallel: number): Promise<number> {
  const now = new Date().toISOString();
  const registry = createDefaultRegistry();
  const schemas: SeedSchemas = { user: registry.forResourceType('User'), group: registry.forResourceType('Group') };
  await insertBenchToken(store, hasher, DEFAULT_TENANT_ID, tenantToken(plan, 'default'), now);
  // Tenant rows and tokens go through the tenant store, which has no batch; they are two rows a tenant.
  await inParallel(plan.count, parallel, async (tenant) => {
    await store.tenants.ensureTenant(smallTenantId(tenant), `Bench tenant ${tenant}`, now);
    await insertBenchToken(store, hasher, smallTenantId(tenant), tenantToken(plan, tenant), now);
  });
  process.stderr.write(`  created ${plan.count.toLocaleString('en-US')} tenants and their tokens\n`);
  const tenantsPerTransaction = Math.max(1, Math.floor(USERS_PER_TRANSACTION / plan.usersEach));
  const chunks = Math.ceil(plan.count / tenantsPerTransaction);
  let members = 0;
  let done = 0;
  await inParallel(chunks, parallel, async (chunk) => {
    const first = chunk * tenantsPerTransaction;
    const end = Math.min(plan.count, first + tenantsPerTransaction);
    await store.transaction(async (writer) => {
      for (let tenant = first; tenant < end; tenant++) {
        const written = await seedTenantContent(writer, plan, tenant, schemas, now);
        members += written;
      }
    });
    done += end - first;
    if (chunk % 10 === 9 || done === plan.count) process.stderr.write(`  seeded ${done.toLocaleString('en-US')} tenants\n`);
  });
  return members;
}
