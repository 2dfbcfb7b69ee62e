/**
 * Group membership writes. Members are rows, so one add or remove costs the
 * same in a group of 10 or 100,000 members: nothing here reads the whole
 * membership unless the request itself names every member (PUT).
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { MembershipStep } from '../../core/patch/index.js';
import type { ResourceTypes } from '../../core/schema/resource-types.js';
import type { MemberRef, MemberType, StoreWriter } from '../../store/store.js';

export interface RequestedMember {
  readonly value: string;
  readonly type: MemberType | undefined;
}

/**
 * Reads `members` from normalised group attributes (normalizeResource keeps
 * `{value, type?}` elements, `type` one of the schema's canonical values).
 */
export function requestedMembers(members: unknown): RequestedMember[] {
  if (!Array.isArray(members)) return [];
  return members.map((member: { value?: unknown; type?: unknown }) => ({
    value: String(member.value),
    type: typeof member.type === 'string' ? member.type : undefined,
  }));
}

/**
 * Checks that every requested member exists in the tenant, as the type the
 * client claims, and is of a type that can be a member: an unknown id is
 * `400 invalidValue`, never a dangling row.
 */
export async function resolveMembers(
  writer: StoreWriter,
  types: ResourceTypes,
  tenantId: string,
  groupId: string,
  requested: readonly RequestedMember[],
): Promise<MemberRef[]> {
  if (requested.length === 0) return [];
  const unique = new Map<string, RequestedMember>();
  for (const member of requested) unique.set(member.value, member);
  const found = await writer.findResourceTypes(tenantId, [...unique.keys()]);
  const resolved: MemberRef[] = [];
  for (const member of unique.values()) {
    if (member.value === groupId) throw scimErrors.invalidValue(`A group cannot be a member of itself ("${groupId}")`);
    const actualType = found.get(member.value);
    if (actualType === undefined) {
      throw scimErrors.invalidValue(`Member "${member.value}" does not exist in this directory; create it first or remove it from members`);
    }
    if (member.type !== undefined && member.type !== actualType) {
      throw scimErrors.invalidValue(`Member "${member.value}" is a ${actualType}, not a ${member.type}`);
    }
    if (types.get(actualType).asMember === undefined) {
      throw scimErrors.invalidValue(`Member "${member.value}" is a ${actualType}, which cannot be a member of a group`);
    }
    resolved.push({ value: member.value, type: actualType });
  }
  return resolved;
}

/**
 * The net membership change of one request: a member added then removed by
 * the same PATCH is no change at all, so it produces no event.
 */
export class MembershipChanges {
  private readonly net = new Map<string, { readonly member: MemberRef; readonly change: 'added' | 'removed' }>();

  recordAdded(members: readonly MemberRef[]): void {
    for (const member of members) this.record(member, 'added');
  }

  recordRemoved(members: readonly MemberRef[]): void {
    for (const member of members) this.record(member, 'removed');
  }

  get added(): MemberRef[] {
    return this.members('added');
  }

  get removed(): MemberRef[] {
    return this.members('removed');
  }

  get isEmpty(): boolean {
    return this.net.size === 0;
  }

  private record(member: MemberRef, change: 'added' | 'removed'): void {
    const earlier = this.net.get(member.value);
    // Added then removed (or the reverse) within the request: back where it started.
    if (earlier !== undefined && earlier.change !== change) this.net.delete(member.value);
    else this.net.set(member.value, { member, change });
  }

  private members(change: 'added' | 'removed'): MemberRef[] {
    const members: MemberRef[] = [];
    for (const entry of this.net.values()) if (entry.change === change) members.push(entry.member);
    return members;
  }
}

/** Applies PATCH membership steps in order, recording what changed. */
export async function applyMembershipSteps(
  writer: StoreWriter,
  types: ResourceTypes,
  tenantId: string,
  groupId: string,
  steps: readonly MembershipStep[],
  changes: MembershipChanges,
): Promise<void> {
  for (const step of steps) {
    switch (step.kind) {
      case 'add':
        changes.recordAdded(await writer.addMembers(tenantId, groupId, await resolveMembers(writer, types, tenantId, groupId, step.members)));
        break;
      case 'remove':
        changes.recordRemoved(await writer.removeMembers(tenantId, groupId, step.memberIds));
        break;
      case 'removeAll':
        changes.recordRemoved(await writer.removeAllMembers(tenantId, groupId));
        break;
      case 'replaceAll': {
        const members = await resolveMembers(writer, types, tenantId, groupId, step.members);
        await replaceMembers(writer, tenantId, groupId, members, changes);
        break;
      }
    }
  }
}

/** Makes the membership exactly `members`, touching only the rows that differ, and records what changed. */
export async function replaceMembers(
  writer: StoreWriter,
  tenantId: string,
  groupId: string,
  members: readonly MemberRef[],
  changes: MembershipChanges,
): Promise<void> {
  const current = await writer.listMembers(tenantId, groupId);
  const wanted = new Set(members.map((member) => member.value));
  const existing = new Set(current.map((member) => member.value));
  const toRemove = current.filter((member) => !wanted.has(member.value)).map((member) => member.value);
  const toAdd = members.filter((member) => !existing.has(member.value));
  if (toRemove.length > 0) changes.recordRemoved(await writer.removeMembers(tenantId, groupId, toRemove));
  if (toAdd.length > 0) changes.recordAdded(await writer.addMembers(tenantId, groupId, toAdd));
}
