import { describe, expect, it } from 'vitest';
import { planDirectory, userName } from '../../bench/directory.js';
import {
  ENTERPRISE_USER_URN,
  groupLookupCall,
  groupMembers,
  memberAddCall,
  memberBatches,
  planSyncCycle,
  syncUserName,
  userCreateCall,
  userLookupCall,
} from '../../bench/scenarios/entra-cycle.js';

describe("the Entra-style initial cycle's requests (bench/scenarios/entra-cycle.ts)", () => {
  it('looks a user up by userName with the filter alone, as Entra does', () => {
    const call = userLookupCall('entra.t.1@example.com');
    expect(call.method).toBe('GET');
    expect(decodeURIComponent(call.path)).toBe('/Users?filter=userName eq "entra.t.1@example.com"');
  });

  it('creates a user with the attributes Entra maps by default, the enterprise extension included', () => {
    const { method, path, body } = userCreateCall(3, 'entra.t.3@example.com');
    expect([method, path]).toEqual(['POST', '/Users']);
    expect(body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER_URN],
      userName: 'entra.t.3@example.com',
      active: true,
      externalId: 'entra-3',
      emails: [{ primary: true, type: 'work', value: 'entra.t.3@example.com' }],
      name: { givenName: expect.any(String), familyName: expect.any(String) },
      [ENTERPRISE_USER_URN]: { employeeNumber: expect.any(String), department: expect.any(String) },
    });
  });

  it('looks a group up by displayName without its members', () => {
    expect(decodeURIComponent(groupLookupCall('Entra t group 0').path)).toBe('/Groups?excludedAttributes=members&filter=displayName eq "Entra t group 0"');
  });

  it('adds members with op "Add", path "members", several values per request', () => {
    expect(memberAddCall('g1', ['u1', 'u2']).body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }] }],
    });
  });

  it("splits a group's members into batches in order, the last one short", () => {
    expect(memberBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(memberBatches([], 10)).toEqual([]);
  });

  it('puts every synced user in exactly one group', () => {
    const plan = planSyncCycle(250, 100, 10);
    expect(plan.groups).toBe(3);
    const ranges = Array.from({ length: plan.groups }, (_, group) => groupMembers(plan, group));
    expect(ranges).toEqual([{ start: 0, end: 100 }, { start: 100, end: 200 }, { start: 200, end: 250 }]);
  });

  it('names synced users apart from the seed and from another run', () => {
    const plan = planDirectory({ users: 20_000, bigGroup: 10_000 });
    const seeded = new Set(Array.from({ length: plan.users }, (_, index) => userName(index)));
    expect(Array.from({ length: 1000 }, (_, index) => syncUserName('run1', index)).some((name) => seeded.has(name))).toBe(false);
    expect(syncUserName('run1', 7)).not.toBe(syncUserName('run2', 7));
  });
});
