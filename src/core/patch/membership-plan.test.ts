import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../errors/scim-error.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { applyPatch, PATCH_OP_SCHEMA, parsePatchRequest, planMembershipPatch, type MembershipStep } from './index.js';

const registry = createDefaultRegistry();
const groups = registry.forResourceType('Group');
const users = registry.forResourceType('User');
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const operations = (list: unknown[]) => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: list });
const plan = (list: unknown[]) => planMembershipPatch(operations(list), groups);

function expectScimError(action: () => unknown, scimType: string, detail: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScimError);
  expect({ scimType: (caught as ScimError).scimType, detail: (caught as ScimError).detail }).toEqual({ scimType, detail: expect.stringMatching(detail) });
}

describe('planMembershipPatch', () => {
  it('turns add and replace with path members into steps, with canonical member types', () => {
    expect(plan([{ op: 'add', path: 'members', value: { value: 'u1', type: 'user', display: 'Babs' } }])).toEqual({
      steps: [{ kind: 'add', members: [{ value: 'u1', type: 'User' }] }],
      otherOperations: [],
    });
    expect(plan([{ op: 'Replace', path: 'MEMBERS', value: [{ value: 'g1', type: 'Group' }, { value: 'u1' }] }])?.steps).toEqual([
      { kind: 'replaceAll', members: [{ value: 'g1', type: 'Group' }, { value: 'u1', type: undefined }] },
    ]);
    expect(plan([{ op: 'replace', path: 'members', value: [] }])?.steps).toEqual([{ kind: 'removeAll' }]);
    expect(plan([{ op: 'add', path: 'members', value: [] }])?.steps).toEqual([]);
  });

  it('splits a no-path value into member steps and a no-path operation with the other keys', () => {
    const planned = plan([{ op: 'replace', path: 'displayName', value: 'A' }, { op: 'add', value: { displayName: 'B', Members: [{ value: 'u1' }] } }]);
    expect(planned?.steps).toEqual([{ kind: 'add', members: [{ value: 'u1', type: undefined }] }]);
    expect(planned?.otherOperations.map(({ op, pathText, value, index }) => ({ op, pathText, value, index }))).toEqual([
      { op: 'replace', pathText: 'displayName', value: 'A', index: 0 },
      { op: 'add', pathText: undefined, value: { displayName: 'B' }, index: 1 },
    ]);
    expect(plan([{ op: 'replace', value: { [`${GROUP}:members`]: null } }])).toEqual({ steps: [{ kind: 'removeAll' }], otherOperations: [] });
    expect(plan([{ op: 'replace', value: { [GROUP]: { displayName: 'C' } } }])?.steps).toEqual([]);
  });

  it('turns removes into removeAll or the listed ids', () => {
    expect(plan([{ op: 'remove', path: 'members' }])?.steps).toEqual([{ kind: 'removeAll' }]);
    expect(plan([{ op: 'remove', path: 'members', value: [{ value: 'u1' }, { value: 'u2', display: 'x' }, 'u3'] }])?.steps).toEqual([
      { kind: 'remove', memberIds: ['u1', 'u2', 'u3'] },
    ]);
    expect(plan([{ op: 'remove', path: 'members[value eq "u1"]' }])?.steps).toEqual([{ kind: 'remove', memberIds: ['u1'] }]);
    expect(plan([{ op: 'remove', path: 'members[value eq "u1" or VALUE eq "U2" or value eq "u3"]' }])?.steps).toEqual([
      { kind: 'remove', memberIds: ['u1', 'U2', 'u3'] },
    ]);
  });

  it('returns undefined for member operations that are not steps', () => {
    for (const operation of [
      { op: 'remove', path: 'members[type eq "Group"]' },
      { op: 'remove', path: 'members[value eq "u1" and type eq "User"]' },
      { op: 'replace', path: 'members[value eq "u1"].display', value: 'x' },
      { op: 'add', path: 'members[value eq "u1"].type', value: 'User' },
      { op: 'replace', path: 'members[value eq "u1"]', value: { type: 'User' } },
      { op: 'remove', path: 'members.value' },
      { op: 'remove', path: 'members', value: [{ type: 'User' }] },
      { op: 'add', value: { 'members[value eq "u1"].type': 'User' } },
      { op: 'add', value: { [GROUP]: { members: [{ value: 'u1' }] } } },
    ]) {
      expect(plan([{ op: 'add', path: 'members', value: { value: 'u0' } }, operation])).toBeUndefined();
    }
  });

  it('leaves operations on other attributes, and malformed ones, to applyPatch', () => {
    const list = [
      { op: 'replace', path: 'displayName', value: 'New' },
      { op: 'remove', value: { members: [] } },
      { op: 'add', value: 'not an object' },
      { op: 'replace', path: 'nickName', value: 'x' },
    ];
    expect(plan(list)).toEqual({ steps: [], otherOperations: operations(list) });
  });

  it('passes everything through for a resource type without members', () => {
    const list = operations([{ op: 'replace', path: 'title', value: 'x' }]);
    expect(planMembershipPatch(list, users)).toEqual({ steps: [], otherOperations: list });
  });

  it('rejects invalid member values as applyPatch does, naming the operation index', () => {
    expectScimError(() => plan([{ op: 'replace', path: 'displayName', value: 'A' }, { op: 'add', path: 'members', value: [{ value: '' }] }]), 'invalidValue', /^Operations\[1\]: Attribute "members\.value" is required$/);
    expectScimError(() => plan([{ op: 'add', path: 'members', value: [{ value: 7 }] }]), 'invalidValue', /must be a string, got number 7/);
    expectScimError(() => plan([{ op: 'replace', value: { members: [{ value: 'u1', type: 'Robot' }] } }]), 'invalidValue', /"members\.type" must be one of/);
  });
});

/** Applies steps to membership rows the way the store's addMembers/removeMembers/removeAllMembers do. */
function applySteps(members: readonly { value: string; type: string }[], steps: readonly MembershipStep[]): string[] {
  let rows = members.map((member) => member.value);
  for (const step of steps) {
    if (step.kind === 'add') for (const member of step.members) if (!rows.includes(member.value)) rows.push(member.value);
    if (step.kind === 'remove') rows = rows.filter((row) => !step.memberIds.includes(row));
    if (step.kind === 'removeAll') rows = [];
    if (step.kind === 'replaceAll') rows = [...new Set(step.members.map((member) => member.value))];
  }
  return rows;
}

describe('planMembershipPatch agrees with applyPatch', () => {
  const memberId = fc.constantFrom('u1', 'u2', 'u3', 'g1', 'g2');
  const memberValue = fc.oneof(
    memberId.map((value) => ({ value })),
    fc.array(memberId.map((value) => ({ value })), { maxLength: 4 }),
  );
  const operation = fc.oneof(
    fc.record({ op: fc.constantFrom('add', 'Add', 'replace'), path: fc.constant('members'), value: memberValue }),
    fc.record({ op: fc.constantFrom('add', 'replace'), value: fc.record({ displayName: fc.constantFrom('A', 'B'), members: memberValue }) }),
    fc.record({ op: fc.constant('remove'), path: fc.constant('members') }),
    fc.record({ op: fc.constant('remove'), path: fc.constant('members'), value: fc.array(memberId.map((value) => ({ value })), { minLength: 1, maxLength: 3 }) }),
    fc.array(memberId, { minLength: 1, maxLength: 3 }).map((ids) => ({ op: 'remove', path: `members[${ids.map((id) => `value eq "${id}"`).join(' or ')}]` })),
    fc.record({ op: fc.constant('replace'), path: fc.constant('displayName'), value: fc.constantFrom('C', 'D') }),
  );

  it('steps plus applyPatch of the other operations give what applyPatch gives on the full group', () => {
    fc.assert(
      fc.property(fc.uniqueArray(memberId, { maxLength: 4 }), fc.array(operation, { minLength: 1, maxLength: 6 }), (initialIds, list) => {
        const members = initialIds.map((value) => ({ value, type: value.startsWith('g') ? 'Group' : 'User' }));
        const group = members.length === 0 ? { schemas: [GROUP], displayName: 'G' } : { schemas: [GROUP], displayName: 'G', members };
        const parsed = operations(list);
        const planned = planMembershipPatch(parsed, groups);
        expect(planned).toBeDefined();
        if (planned === undefined) return;
        const full = applyPatch(group, parsed, groups);
        const { members: _members, ...withoutMembers } = group as { members?: unknown };
        const rest = applyPatch(withoutMembers, planned.otherOperations, groups);
        const fullIds = ((full.attributes['members'] ?? []) as { value: string }[]).map((member) => member.value);
        expect(applySteps(members, planned.steps)).toEqual(fullIds);
        const { members: _fullMembers, ...fullWithoutMembers } = full.attributes;
        expect(rest.attributes).toEqual(fullWithoutMembers);
      }),
    );
  });
});
