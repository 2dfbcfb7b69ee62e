/**
 * /Groups and membership through HTTP (RFC 7643 §4.2, §4.1.2 `groups`;
 * RFC 7644 §3.3, §3.5.1, §3.6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import {
  createGroup,
  createUser,
  expectScimError,
  expectStatus,
  GROUP_SCHEMA,
  groupBody,
  ids,
  type Json,
  patchBody,
  PUBLIC_BASE,
  query,
  userBody,
} from './support.js';

function memberIds(group: Json): string[] {
  return ((group['members'] as Json[] | undefined) ?? []).map((member) => member['value'] as string).sort();
}

function groupIds(user: Json): string[] {
  return ((user['groups'] as Json[] | undefined) ?? []).map((group) => group['value'] as string).sort();
}

describe('/Groups', () => {
  let server: TestServer;
  let ann: Json;
  let bob: Json;
  let cat: Json;
  beforeAll(async () => {
    server = await build();
    ann = await createUser(server, 'ann', { displayName: 'Ann Member' });
    bob = await createUser(server, 'bob', { displayName: 'Bob Member' });
    cat = await createUser(server, 'cat');
  });
  afterAll(async () => {
    await server.close();
  });

  async function getUser(id: string): Promise<Json> {
    return expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 200);
  }
  async function getGroup(id: string): Promise<Json> {
    return expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${id}` }), 200);
  }

  describe('POST /Groups', () => {
    it('creates a group with members: 201, Location, ETag, members with value, $ref, display and type', async () => {
      const response = await server.request({ method: 'POST', url: '/scim/v2/Groups', body: groupBody('Tour Guides', [ann['id'], bob['id']]) });
      const group = expectStatus(response, 201);
      const id = group['id'] as string;
      expect(group['schemas']).toEqual([GROUP_SCHEMA]);
      expect(group['displayName']).toBe('Tour Guides');
      expect(response.headers['location']).toBe(`${PUBLIC_BASE}/Groups/${id}`);
      expect(response.headers['etag']).toBe('W/"1"');
      expect(group['meta']).toMatchObject({ resourceType: 'Group', location: `${PUBLIC_BASE}/Groups/${id}`, version: 'W/"1"' });
      const members = [...(group['members'] as Json[])].sort((a, b) => String(a['value']).localeCompare(String(b['value'])));
      const expected = [ann, bob].sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
      expect(members).toHaveLength(2);
      members.forEach((member, index) => {
        const user = expected[index] as Json;
        expect(member['value']).toBe(user['id']);
        expect(member['$ref']).toBe(`${PUBLIC_BASE}/Users/${user['id'] as string}`);
        expect(member['type']).toBe('User');
        expect([user['displayName'], user['userName']]).toContain(member['display']);
      });
      expect(await getGroup(id)).toEqual(group);
    });

    it('creates a group without members', async () => {
      const group = await createGroup(server, 'Empty Group');
      expect(memberIds(group)).toEqual([]);
    });

    it('refuses an unknown member id with 400 invalidValue and creates no group', async () => {
      const response = await server.request({ method: 'POST', url: '/scim/v2/Groups', body: groupBody('Ghost Members', [ann['id'], 'no-such-user']) });
      expectScimError(response, 400, 'invalidValue');
      const list = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups?${query({ filter: 'displayName eq "Ghost Members"' })}` }), 200);
      expect(list['totalResults']).toBe(0);
    });

    it('refuses a member whose type contradicts the resource with 400 invalidValue', async () => {
      const response = await server.request({
        method: 'POST',
        url: '/scim/v2/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: 'Wrong Type', members: [{ value: ann['id'], type: 'Group' }] },
      });
      expectScimError(response, 400, 'invalidValue');
    });

    it('refuses a member type outside User and Group with 400 invalidValue', async () => {
      const response = await server.request({
        method: 'POST',
        url: '/scim/v2/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: 'Odd Type', members: [{ value: ann['id'], type: 'Robot' }] },
      });
      expectScimError(response, 400, 'invalidValue');
    });

    it('refuses a member without value with 400 invalidValue', async () => {
      const response = await server.request({
        method: 'POST',
        url: '/scim/v2/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: 'No Value', members: [{ display: 'Somebody' }] },
      });
      expectScimError(response, 400, 'invalidValue');
    });

    it('refuses a missing displayName with 400 invalidValue', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Groups', body: { schemas: [GROUP_SCHEMA] } }), 400, 'invalidValue');
    });

    it('refuses a User body posted to /Groups with 400 invalidSyntax', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Groups', body: userBody('not-a-group') }), 400, 'invalidSyntax');
    });

    it('counts a member listed twice once', async () => {
      const group = await createGroup(server, 'Twice', [cat['id'], cat['id']]);
      expect(memberIds(group)).toEqual([cat['id']]);
    });

    it('ignores a client-sent member display and shows the member’s own name', async () => {
      const group = expectStatus(
        await server.request({
          method: 'POST',
          url: '/scim/v2/Groups',
          body: { schemas: [GROUP_SCHEMA], displayName: 'Display Ignored', members: [{ value: ann['id'], display: 'Forged Name' }] },
        }),
        201,
      );
      const member = (group['members'] as Json[])[0] as Json;
      expect(member['display']).not.toBe('Forged Name');
      expect([ann['displayName'], ann['userName']]).toContain(member['display']);
    });
  });

  describe('membership as seen from the User', () => {
    it('lists a direct group in the user’s groups with value, $ref, display and type "direct"', async () => {
      const user = await createUser(server, 'direct-member');
      const group = await createGroup(server, 'Direct Group', [user['id']]);
      const fetched = await getUser(user['id'] as string);
      expect(fetched['groups']).toEqual([
        { value: group['id'], $ref: `${PUBLIC_BASE}/Groups/${group['id'] as string}`, display: 'Direct Group', type: 'direct' },
      ]);
    });

    it('lists groups reached through nested groups as "indirect" (RFC 7643 §4.1.2)', async () => {
      const user = await createUser(server, 'nested-member');
      const child = await createGroup(server, 'Child Group', [user['id']]);
      const parent = await createGroup(server, 'Parent Group', [child['id']]);
      const grandparent = await createGroup(server, 'Grandparent Group', [parent['id']]);
      const parentMember = (parent['members'] as Json[])[0] as Json;
      expect(parentMember).toMatchObject({ value: child['id'], type: 'Group', $ref: `${PUBLIC_BASE}/Groups/${child['id'] as string}`, display: 'Child Group' });
      const fetched = await getUser(user['id'] as string);
      const byId = new Map(((fetched['groups'] as Json[] | undefined) ?? []).map((group) => [group['value'] as string, group]));
      expect(byId.size).toBe(3);
      expect(byId.get(child['id'] as string)).toMatchObject({ type: 'direct', display: 'Child Group' });
      expect(byId.get(parent['id'] as string)).toMatchObject({ type: 'indirect', display: 'Parent Group' });
      expect(byId.get(grandparent['id'] as string)).toMatchObject({ type: 'indirect', display: 'Grandparent Group' });
    });

    it('lists a group once, as direct, when it is reached both directly and through nesting', async () => {
      const user = await createUser(server, 'both-ways');
      const inner = await createGroup(server, 'Inner', [user['id']]);
      const outer = await createGroup(server, 'Outer', [user['id'], inner['id']]);
      const fetched = await getUser(user['id'] as string);
      const groups = fetched['groups'] as Json[];
      expect(groups.filter((group) => group['value'] === outer['id'])).toEqual([expect.objectContaining({ type: 'direct' })]);
      expect(groupIds(fetched)).toEqual([inner['id'], outer['id']].sort());
    });

    it('survives a membership cycle: the user is still readable', async () => {
      const user = await createUser(server, 'cycle-member');
      const first = await createGroup(server, 'Cycle A', [user['id']]);
      const second = await createGroup(server, 'Cycle B', [first['id']]);
      const response = await server.request({
        method: 'PATCH',
        url: `/scim/v2/Groups/${first['id'] as string}`,
        body: patchBody({ op: 'add', path: 'members', value: [{ value: second['id'] }] }),
      });
      if (response.statusCode !== 204) expectScimError(response, 400);
      const fetched = await getUser(user['id'] as string);
      expect(groupIds(fetched)).toEqual([first['id'], second['id']].sort());
    });

    it('shows a group’s new displayName in its members’ groups after a rename', async () => {
      const user = await createUser(server, 'rename-watcher');
      const group = await createGroup(server, 'Old Group Name', [user['id']]);
      expectStatus(
        await server.request({ method: 'PATCH', url: `/scim/v2/Groups/${group['id'] as string}`, body: patchBody({ op: 'replace', path: 'displayName', value: 'New Group Name' }) }),
        204,
      );
      const fetched = await getUser(user['id'] as string);
      expect(fetched['groups']).toEqual([expect.objectContaining({ value: group['id'], display: 'New Group Name', type: 'direct' })]);
    });

    it('omits groups when excluded and when not asked for', async () => {
      const user = await createUser(server, 'projected-member');
      await createGroup(server, 'Projected Group', [user['id']]);
      const excluded = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}?excludedAttributes=groups` }), 200);
      expect(excluded).not.toHaveProperty('groups');
      const named = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}?attributes=userName` }), 200);
      expect(named).not.toHaveProperty('groups');
      const asked = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}?attributes=groups` }), 200);
      expect(asked['groups']).toHaveLength(1);
    });
  });

  describe('GET /Groups/{id}', () => {
    it('answers 404 for an unknown id', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Groups/no-such-group' }), 404);
    });

    it('omits members with excludedAttributes=members and with attributes=displayName', async () => {
      const group = await createGroup(server, 'Projection Group', [ann['id']]);
      const excluded = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${group['id'] as string}?excludedAttributes=members` }), 200);
      expect(excluded).not.toHaveProperty('members');
      expect(excluded['displayName']).toBe('Projection Group');
      const named = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${group['id'] as string}?attributes=displayName` }), 200);
      expect(named).not.toHaveProperty('members');
      expect(named['id']).toBe(group['id']);
    });

    it('shows a member’s current name after the member is renamed', async () => {
      const user = await createUser(server, 'before-rename', { displayName: 'Before Rename' });
      const group = await createGroup(server, 'Rename Watchers', [user['id']]);
      expectStatus(
        await server.request({ method: 'PUT', url: `/scim/v2/Users/${user['id'] as string}`, body: userBody('after-rename', { displayName: 'After Rename' }) }),
        200,
      );
      const member = ((await getGroup(group['id'] as string))['members'] as Json[])[0] as Json;
      expect(['After Rename', 'after-rename']).toContain(member['display']);
    });
  });

  describe('PUT /Groups/{id}', () => {
    it('replaces the member list and the displayName', async () => {
      const group = await createGroup(server, 'Replace Me', [ann['id'], bob['id']]);
      const response = await server.request({ method: 'PUT', url: `/scim/v2/Groups/${group['id'] as string}`, body: groupBody('Replaced', [bob['id'], cat['id']]) });
      const replaced = expectStatus(response, 200);
      expect(replaced['displayName']).toBe('Replaced');
      expect(memberIds(replaced)).toEqual([bob['id'], cat['id']].sort());
      expect(replaced['meta']['version']).toBe('W/"2"');
      expect(response.headers['etag']).toBe('W/"2"');
      expect(groupIds(await getUser(ann['id'] as string))).not.toContain(group['id']);
      expect(groupIds(await getUser(cat['id'] as string))).toContain(group['id']);
    });

    it('empties the group when members are left out', async () => {
      const group = await createGroup(server, 'Emptied by PUT', [ann['id']]);
      const replaced = expectStatus(await server.request({ method: 'PUT', url: `/scim/v2/Groups/${group['id'] as string}`, body: groupBody('Emptied by PUT') }), 200);
      expect(memberIds(replaced)).toEqual([]);
    });

    it('refuses an unknown member with 400 invalidValue and keeps the old members', async () => {
      const group = await createGroup(server, 'Keep Members', [ann['id']]);
      expectScimError(
        await server.request({ method: 'PUT', url: `/scim/v2/Groups/${group['id'] as string}`, body: groupBody('Keep Members 2', [bob['id'], 'nobody-here']) }),
        400,
        'invalidValue',
      );
      expect(await getGroup(group['id'] as string)).toEqual(group);
    });

    it('refuses a group listing itself as a member with 400 invalidValue', async () => {
      const group = await createGroup(server, 'Self Member');
      expectScimError(
        await server.request({ method: 'PUT', url: `/scim/v2/Groups/${group['id'] as string}`, body: groupBody('Self Member', [group['id']]) }),
        400,
        'invalidValue',
      );
    });

    it('answers 404 when replacing an unknown group', async () => {
      expectScimError(await server.request({ method: 'PUT', url: '/scim/v2/Groups/no-such-group', body: groupBody('Ghost') }), 404);
    });
  });

  describe('PATCH /Groups/{id}: all or nothing, also after rows were written (RFC 7644 §3.5.2)', () => {
    // Membership operations are row writes applied in order, so in each case
    // below an earlier operation has already changed group_members when a
    // later one fails: only the transaction's rollback puts the rows back.
    async function expectRolledBack(groupId: string, operations: Json[]): Promise<void> {
      const before = await server.rawTables();
      const groupBefore = await getGroup(groupId);
      expectScimError(await server.request({ method: 'PATCH', url: `/scim/v2/Groups/${groupId}`, body: patchBody(...operations) }), 400, 'invalidValue');
      expect(await server.rawTables()).toEqual(before);
      expect(await getGroup(groupId)).toEqual(groupBefore);
    }

    it('a member removed, then an unknown id added: the removal is undone', async () => {
      const group = await createGroup(server, 'Rollback Removal', [ann['id'], bob['id']]);
      await expectRolledBack(group['id'] as string, [
        { op: 'remove', path: `members[value eq "${ann['id'] as string}"]` },
        { op: 'add', path: 'members', value: [{ value: 'no-such-member' }] },
      ]);
      expect(groupIds(await getUser(ann['id'] as string))).toContain(group['id']);
    });

    it('a member added, then an unknown id added in a later operation: the first add is undone', async () => {
      const group = await createGroup(server, 'Rollback Add', [ann['id']]);
      await expectRolledBack(group['id'] as string, [
        { op: 'add', path: 'members', value: [{ value: cat['id'] }] },
        { op: 'replace', path: 'displayName', value: 'Rollback Add Renamed' },
        { op: 'add', path: 'members', value: [{ value: 'no-such-member' }] },
      ]);
      expect(groupIds(await getUser(cat['id'] as string))).not.toContain(group['id']);
    });

    it('every member removed, then the group added as its own member: the members come back', async () => {
      const group = await createGroup(server, 'Rollback Remove All', [ann['id'], bob['id'], cat['id']]);
      await expectRolledBack(group['id'] as string, [
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [{ value: group['id'] }] },
      ]);
    });
  });

  describe('DELETE', () => {
    it('deleting a user removes it from its groups (RFC 7644 §3.6)', async () => {
      const user = await createUser(server, 'leaver');
      const first = await createGroup(server, 'Leaver Group 1', [user['id'], ann['id']]);
      const second = await createGroup(server, 'Leaver Group 2', [user['id']]);
      expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${user['id'] as string}` }), 204);
      expect(memberIds(await getGroup(first['id'] as string))).toEqual([ann['id']]);
      expect(memberIds(await getGroup(second['id'] as string))).toEqual([]);
      const filtered = expectStatus(
        await server.request({ method: 'GET', url: `/scim/v2/Groups?${query({ filter: `members.value eq "${user['id'] as string}"` })}` }),
        200,
      );
      expect(filtered['totalResults']).toBe(0);
    });

    it('deleting a group removes it from its members’ groups and keeps the members', async () => {
      const user = await createUser(server, 'orphan');
      const group = await createGroup(server, 'Doomed Group', [user['id']]);
      const outer = await createGroup(server, 'Outer of Doomed', [group['id']]);
      expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Groups/${group['id'] as string}` }), 204);
      expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Groups/${group['id'] as string}` }), 404);
      const fetched = await getUser(user['id'] as string);
      expect(groupIds(fetched)).toEqual([]);
      expect(memberIds(await getGroup(outer['id'] as string))).toEqual([]);
    });

    it('answers 404 when deleting an unknown group', async () => {
      expectScimError(await server.request({ method: 'DELETE', url: '/scim/v2/Groups/no-such-group' }), 404);
    });
  });

  describe('GET /Groups', () => {
    it('filters by displayName and by member id', async () => {
      const member = await createUser(server, 'filter-member');
      const wanted = await createGroup(server, 'Filter Target', [member['id']]);
      await createGroup(server, 'Filter Other');
      const byName = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups?${query({ filter: 'displayName eq "filter target"' })}` }), 200);
      expect(ids(byName)).toEqual([wanted['id']]);
      const byMember = expectStatus(
        await server.request({ method: 'GET', url: `/scim/v2/Groups?${query({ filter: `members.value eq "${member['id'] as string}"` })}` }),
        200,
      );
      expect(ids(byMember)).toEqual([wanted['id']]);
    });

    it('lists groups without members when members are excluded', async () => {
      const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Groups?excludedAttributes=members&count=1000' }), 200);
      expect((list['Resources'] as Json[]).length).toBeGreaterThan(0);
      for (const group of list['Resources'] as Json[]) expect(group).not.toHaveProperty('members');
    });
  });
});
