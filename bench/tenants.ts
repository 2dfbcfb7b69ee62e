/**
 * The many-tenant directory (--tenants N): N small tenants of M users each,
 * seeded beside the large directory of the default tenant, each with its own
 * bearer token and a few small groups. Like directory.ts, everything is a
 * pure function of the sizes and of a per-run token seed, so the seeding
 * process and the load generator agree without shipping 10,000 tokens
 * between processes.
 *
 * Each small tenant's users, by index in [0, usersEach):
 *   [0, groupsEach × membersPerGroup)   members of its groups, consecutive slices
 *   the upper half                      fresh users for PATCH deactivate, consumed once each
 */
import { uuidFromName } from './directory.js';

/** Groups per small tenant, and members of each: enough that a user's groups are a real membership read. */
export const GROUPS_PER_TENANT = 3;
export const MEMBERS_PER_GROUP = 10;

export interface TenantsPlan {
  readonly count: number;
  readonly usersEach: number;
  /** Secret part of every seeded token: tokens are derived, so they must not be guessable from the code. */
  readonly tokenSeed: string;
}

export function planTenants(count: number, usersEach: number, tokenSeed: string): TenantsPlan {
  if (usersEach < 2 * GROUPS_PER_TENANT * MEMBERS_PER_GROUP) {
    throw new RangeError(`--tenant-users must be at least ${2 * GROUPS_PER_TENANT * MEMBERS_PER_GROUP} (the groups' members plus as many fresh users)`);
  }
  return { count, usersEach, tokenSeed };
}

/** A tenant slug (lowercase letters, digits, dashes), sorting in seeding order. */
export function smallTenantId(tenant: number): string {
  return `bench-${tenant.toString().padStart(6, '0')}`;
}

export function tenantUserId(tenant: number, index: number): string {
  return uuidFromName(`scimitar-bench:tenant:${tenant}:user:${index}`);
}

export function tenantGroupId(tenant: number, group: number): string {
  return uuidFromName(`scimitar-bench:tenant:${tenant}:group:${group}`);
}

/** Distinct per tenant, so the userName index is searched among many equal-looking names. */
export function tenantUserName(tenant: number, index: number): string {
  return `user.${index}@tenant-${tenant}.example.com`;
}

/** The bearer token of a small tenant, or of the default tenant ('default'): the large tenant authenticates the same way. */
export function tenantToken(plan: TenantsPlan, tenant: number | 'default'): string {
  return `bench-${plan.tokenSeed}-${tenant}`;
}

/** The small tenant's users PATCH deactivate may consume: the upper half, never a group member. */
export function freshUserRange(plan: TenantsPlan): { readonly start: number; readonly size: number } {
  const start = Math.ceil(plan.usersEach / 2);
  return { start, size: plan.usersEach - start };
}
