/**
 * What Entra ID's provisioning service sends during an initial cycle, as
 * pure functions: the requests of one user (a lookup that finds nothing,
 * then the create), and of one group push (lookup, create, then its members
 * added in batches). The shapes follow Microsoft's published SCIM
 * examples for Entra ("Develop and plan provisioning for a SCIM endpoint in
 * Microsoft Entra ID"): the lookup carries only the filter, a group lookup
 * leaves members out, ops are capitalised ("Add"), member values carry a
 * null $ref, and POST bodies carry meta.resourceType.
 */
import { GROUP_SCHEMA_URN, PATCH_OP_URN, USER_SCHEMA_URN } from '../directory.js';
import type { HttpCall } from '../load.js';
import { filterQuery } from './scenario.js';

export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Members per group pushed. Users reach an Entra app through the groups
 * assigned to it; groups of this size make the membership pushes a
 * visible part of the cycle without one group dominating it.
 */
export const SYNC_GROUP_SIZE = 100;
/**
 * Members per PATCH. Entra's documentation does not state its batch size;
 * it adds several members per request, and ten is a middle value between
 * one-by-one and a whole group at once.
 */
export const MEMBERS_PER_PATCH = 10;

export interface SyncCyclePlan {
  readonly users: number;
  readonly groups: number;
  readonly groupSize: number;
  readonly membersPerPatch: number;
}

export function planSyncCycle(users: number, groupSize = SYNC_GROUP_SIZE, membersPerPatch = MEMBERS_PER_PATCH): SyncCyclePlan {
  if (!Number.isInteger(users) || users < 1) throw new RangeError(`an initial sync needs at least one user, got ${users}`);
  return { users, groups: Math.ceil(users / groupSize), groupSize, membersPerPatch };
}

/** The synced users' indexes in a group: consecutive slices, the last one possibly short. */
export function groupMembers(plan: SyncCyclePlan, group: number): { readonly start: number; readonly end: number } {
  const start = group * plan.groupSize;
  return { start, end: Math.min(plan.users, start + plan.groupSize) };
}

/** The batches of one group's member ids, in order. */
export function memberBatches<T>(memberIds: readonly T[], membersPerPatch: number): T[][] {
  const batches: T[][] = [];
  for (let at = 0; at < memberIds.length; at += membersPerPatch) batches.push(memberIds.slice(at, at + membersPerPatch));
  return batches;
}

/**
 * A synced user's userName. The "entra." prefix is used by no seed and no
 * other scenario (the seed's names are given.family.index, the Okta loop's
 * okta.*, Bulk's bulk.*), and the run tag makes each run and each round of
 * a comparison a namespace of its own.
 */
export function syncUserName(runTag: string, index: number): string {
  return `entra.${runTag}.${index}@example.com`;
}

export function syncGroupName(runTag: string, group: number): string {
  return `Entra ${runTag} group ${group}`;
}

const GIVEN_NAMES = ['Amara', 'Bjorn', 'Carmen', 'Dev', 'Elif', 'Femi', 'Greta', 'Hiro'];
const FAMILY_NAMES = ['Adeyemi', 'Berg', 'Castro', 'Dahl', 'Eriksen', 'Fujita', 'Garcia', 'Holm'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Marketing'];

export function userLookupCall(userName: string): HttpCall {
  return { method: 'GET', path: `/Users?${filterQuery(`userName eq "${userName}"`)}` };
}

export function userCreateCall(index: number, userName: string): HttpCall {
  const givenName = GIVEN_NAMES[index % GIVEN_NAMES.length]!;
  const familyName = FAMILY_NAMES[Math.floor(index / GIVEN_NAMES.length) % FAMILY_NAMES.length]!;
  return {
    method: 'POST',
    path: '/Users',
    body: {
      schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_URN],
      externalId: `entra-${index}`,
      userName,
      active: true,
      displayName: `${givenName} ${familyName}`,
      emails: [{ primary: true, type: 'work', value: userName }],
      meta: { resourceType: 'User' },
      name: { formatted: `${givenName} ${familyName}`, familyName, givenName },
      [ENTERPRISE_USER_URN]: { employeeNumber: String(100_000 + index), department: DEPARTMENTS[index % DEPARTMENTS.length] },
    },
  };
}

export function groupLookupCall(displayName: string): HttpCall {
  return { method: 'GET', path: `/Groups?excludedAttributes=members&${filterQuery(`displayName eq "${displayName}"`)}` };
}

export function groupCreateCall(group: number, displayName: string): HttpCall {
  return {
    method: 'POST',
    path: '/Groups',
    body: { schemas: [GROUP_SCHEMA_URN], externalId: `entra-group-${group}`, displayName, meta: { resourceType: 'Group' }, members: [] },
  };
}

export function memberAddCall(groupId: string, memberIds: readonly string[]): HttpCall {
  return {
    method: 'PATCH',
    path: `/Groups/${groupId}`,
    body: { schemas: [PATCH_OP_URN], Operations: [{ op: 'Add', path: 'members', value: memberIds.map((value) => ({ $ref: null, value })) }] },
  };
}
