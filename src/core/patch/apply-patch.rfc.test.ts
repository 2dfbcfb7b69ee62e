/**
 * Every PATCH example of RFC 7644 §3.5.2.1–3, applied to the RFC 7643 §8.1,
 * §8.2 and §8.4 resources as stored. Where the RFC abbreviates a member id
 * ("2819c223...413861904646") the fixtures use the full id of the §8.4 group,
 * so that the examples act on those members.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../schema/registry.js';
import { cloneJson } from '../resource/json-value.js';
import storedFullUser from '../resource/fixtures/rfc7643-8.2-full-user.stored.json' with { type: 'json' };
import addAttributes from './fixtures/rfc7644-3.5.2.1-add-attributes.json' with { type: 'json' };
import addMember from './fixtures/rfc7644-3.5.2.1-add-member.json' with { type: 'json' };
import removeAllMembers from './fixtures/rfc7644-3.5.2.2-remove-all-members.json' with { type: 'json' };
import removeAndAddMember from './fixtures/rfc7644-3.5.2.2-remove-and-add-member.json' with { type: 'json' };
import removeComplexValue from './fixtures/rfc7644-3.5.2.2-remove-complex-value.json' with { type: 'json' };
import removeMember from './fixtures/rfc7644-3.5.2.2-remove-member.json' with { type: 'json' };
import replaceMembersByRemoveAdd from './fixtures/rfc7644-3.5.2.2-replace-members-remove-add.json' with { type: 'json' };
import replaceAttributes from './fixtures/rfc7644-3.5.2.3-replace-attributes.json' with { type: 'json' };
import replaceMembers from './fixtures/rfc7644-3.5.2.3-replace-members.json' with { type: 'json' };
import replaceStreetAddress from './fixtures/rfc7644-3.5.2.3-replace-street-address.json' with { type: 'json' };
import replaceWorkAddress from './fixtures/rfc7644-3.5.2.3-replace-work-address.json' with { type: 'json' };
import { applyPatch, parsePatchRequest, planMembershipPatch, type MembershipStep } from './index.js';

const registry = createDefaultRegistry();
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BABS = '2819c223-7f76-453a-919d-413861904646';
const MANDY = '902c246b-6245-4190-8e05-00816be7344a';
const JAMES = '08e1d05d-121c-4561-8b96-473d93df9210';

/** RFC 7643 §8.4 as stored: member display and $ref are derived on output. */
const tourGuides = { schemas: [GROUP], displayName: 'Tour Guides', members: [{ value: BABS }, { value: MANDY }] };
/** RFC 7643 §8.1 as stored. */
const minimalUser = { schemas: [USER], userName: 'bjensen@example.com' };
const fullUser: Record<string, unknown> = storedFullUser;

function patch(current: Record<string, unknown>, request: unknown, schemas = users) {
  return applyPatch(current, parsePatchRequest(request), schemas);
}

function withChanges(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  return { ...cloneJson(base), ...changes };
}

describe('RFC 7644 §3.5.2.1 add', () => {
  it('RFC 7644 §3.5.2.1: adds a member to a group', () => {
    const withoutBabs = { ...tourGuides, members: [{ value: MANDY }] };
    const result = patch(withoutBabs, addMember, groups);
    expect(result.attributes).toEqual({ schemas: [GROUP], displayName: 'Tour Guides', members: [{ value: MANDY }, { value: BABS }] });
    expect(result.changed).toBe(true);
    expect(result.changedAttributes).toEqual(['members']);
    expect(result.password).toBeUndefined();
  });

  it('RFC 7644 §3.5.2.1: adding a member already present changes nothing', () => {
    const result = patch(tourGuides, addMember, groups);
    expect(result.attributes).toEqual(tourGuides);
    expect(result.changed).toBe(false);
    expect(result.changedAttributes).toEqual([]);
  });

  it('RFC 7644 §3.5.2.1: adds attributes without a path (to the §8.1 minimal user)', () => {
    const result = patch(minimalUser, addAttributes);
    expect(result.attributes).toEqual({
      schemas: [USER],
      userName: 'bjensen@example.com',
      emails: [{ value: 'babs@jensen.org', type: 'home' }],
      nickName: 'Babs',
    });
    expect(result.changedAttributes).toEqual(['nickName', 'emails']);
  });

  it('RFC 7644 §3.5.2.1: adding values the §8.2 user already has changes nothing', () => {
    const result = patch(fullUser, addAttributes);
    expect(result.attributes).toEqual(fullUser);
    expect(result.changed).toBe(false);
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('RFC 7644 §3.5.2.2: removes a single member from a group', () => {
    expect(patch(tourGuides, removeMember, groups).attributes).toEqual({ schemas: [GROUP], displayName: 'Tour Guides', members: [{ value: MANDY }] });
  });

  it('RFC 7644 §3.5.2.2: removes all members of a group', () => {
    const result = patch(tourGuides, removeAllMembers, groups);
    expect(result.attributes).toEqual({ schemas: [GROUP], displayName: 'Tour Guides' });
    expect(result.changedAttributes).toEqual(['members']);
  });

  it('RFC 7644 §3.5.2.2: removes a value from a complex multi-valued attribute', () => {
    expect(patch(fullUser, removeComplexValue).attributes).toEqual(withChanges(fullUser, { emails: [{ value: 'babs@jensen.org', type: 'home' }] }));
  });

  it('RFC 7644 §3.5.2.2: removes one member and adds another', () => {
    expect(patch(tourGuides, removeAndAddMember, groups).attributes).toEqual({
      schemas: [GROUP],
      displayName: 'Tour Guides',
      members: [{ value: MANDY }, { value: JAMES }],
    });
  });

  it('RFC 7644 §3.5.2.2: replaces all members with a remove followed by an add', () => {
    expect(patch(tourGuides, replaceMembersByRemoveAdd, groups).attributes).toEqual({
      schemas: [GROUP],
      displayName: 'Tour Guides',
      members: [{ value: BABS }, { value: JAMES }],
    });
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('RFC 7644 §3.5.2.3: replaces all members in a single operation', () => {
    expect(patch(tourGuides, replaceMembers, groups).attributes).toEqual({
      schemas: [GROUP],
      displayName: 'Tour Guides',
      members: [{ value: BABS }, { value: JAMES }],
    });
  });

  it('RFC 7644 §3.5.2.3: replaces the work address selected by a value filter', () => {
    const addresses = cloneJson(fullUser['addresses']) as Record<string, unknown>[];
    addresses[0] = {
      type: 'work',
      streetAddress: '911 Universal City Plaza',
      locality: 'Hollywood',
      region: 'CA',
      postalCode: '91608',
      country: 'US',
      formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
      primary: true,
    };
    const result = patch(fullUser, replaceWorkAddress);
    expect(result.attributes).toEqual(withChanges(fullUser, { addresses }));
    expect(result.changedAttributes).toEqual(['addresses']);
  });

  it('RFC 7644 §3.5.2.3: replaces one sub-attribute of the element selected by a value filter', () => {
    const addresses = cloneJson(fullUser['addresses']) as Record<string, unknown>[];
    addresses[0] = { ...addresses[0], streetAddress: '1010 Broadway Ave' };
    expect(patch(fullUser, replaceStreetAddress).attributes).toEqual(withChanges(fullUser, { addresses }));
  });

  it('RFC 7644 §3.5.2.3: replaces several attributes without a path (§8.1 user gains them)', () => {
    expect(patch(minimalUser, replaceAttributes).attributes).toEqual({
      schemas: [USER],
      userName: 'bjensen@example.com',
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      nickName: 'Babs',
    });
  });

  it('RFC 7644 §3.5.2.3: replacing with the values the §8.2 user already has changes nothing', () => {
    const result = patch(fullUser, replaceAttributes);
    expect(result.attributes).toEqual(fullUser);
    expect(result.changed).toBe(false);
  });
});

/** The membership rows a plan leaves, applied as the store would. */
function applySteps(members: readonly { value: string; type?: string }[], steps: readonly MembershipStep[]): { value: string; type?: string }[] {
  let rows = [...members];
  for (const step of steps) {
    switch (step.kind) {
      case 'add':
        for (const member of step.members) {
          if (!rows.some((row) => row.value === member.value)) rows.push(member.type === undefined ? { value: member.value } : { value: member.value, type: member.type });
        }
        break;
      case 'remove':
        rows = rows.filter((row) => !step.memberIds.includes(row.value));
        break;
      case 'removeAll':
        rows = [];
        break;
      case 'replaceAll':
        rows = step.members.map((member) => (member.type === undefined ? { value: member.value } : { value: member.value, type: member.type }));
        break;
    }
  }
  return rows;
}

describe('planMembershipPatch on the RFC 7644 §3.5.2 group examples', () => {
  const cases: readonly [string, unknown, MembershipStep[]][] = [
    ['RFC 7644 §3.5.2.1: add a member', addMember, [{ kind: 'add', members: [{ value: BABS, type: undefined }] }]],
    ['RFC 7644 §3.5.2.2: remove a single member', removeMember, [{ kind: 'remove', memberIds: [BABS] }]],
    ['RFC 7644 §3.5.2.2: remove all members', removeAllMembers, [{ kind: 'removeAll' }]],
    [
      'RFC 7644 §3.5.2.2: remove and add a member',
      removeAndAddMember,
      [
        { kind: 'remove', memberIds: [BABS] },
        { kind: 'add', members: [{ value: JAMES, type: undefined }] },
      ],
    ],
    [
      'RFC 7644 §3.5.2.2: replace all members with remove and add',
      replaceMembersByRemoveAdd,
      [
        { kind: 'removeAll' },
        {
          kind: 'add',
          members: [
            { value: BABS, type: undefined },
            { value: JAMES, type: undefined },
          ],
        },
      ],
    ],
    [
      'RFC 7644 §3.5.2.3: replace all members in one operation',
      replaceMembers,
      [
        {
          kind: 'replaceAll',
          members: [
            { value: BABS, type: undefined },
            { value: JAMES, type: undefined },
          ],
        },
      ],
    ],
  ];

  for (const [title, request, steps] of cases) {
    it(`${title}: becomes membership steps that leave the same members as applyPatch`, () => {
      const operations = parsePatchRequest(request);
      const plan = planMembershipPatch(operations, groups);
      expect(plan).toEqual({ steps, otherOperations: [] });
      const applied = applyPatch(tourGuides, operations, groups).attributes['members'] ?? [];
      expect(applySteps(tourGuides.members, plan?.steps ?? [])).toEqual(applied);
    });
  }
});
