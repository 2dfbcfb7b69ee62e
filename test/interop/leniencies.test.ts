/**
 * What identity providers are known to send, each pinned through the real
 * HTTP stack. docs/interop.md has one section per leniency naming the test
 * here that pins it; the fixtures under test/interop/<provider>/ replay the
 * same shapes inside the providers' documented sequences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { build, SCIM, type TestServer } from '../helpers/build.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let server: TestServer;
let counter = 0;

beforeAll(async () => {
  server = await build();
});
afterAll(async () => {
  await server.close();
});

function body(response: LightMyRequestResponse, status: number): Json {
  expect(response.statusCode, `${response.statusCode} ${response.body.slice(0, 600)}`).toBe(status);
  return response.body === '' ? {} : (JSON.parse(response.body) as Json);
}

async function createUser(extra: Json = {}): Promise<Json> {
  counter += 1;
  const response = await server.request({ method: 'POST', url: `${SCIM}/Users`, body: { schemas: [USER], userName: `user${counter}@example.com`, ...extra } });
  return body(response, 201);
}

async function createGroup(memberIds: readonly string[], extra: Json = {}): Promise<Json> {
  counter += 1;
  const members = memberIds.map((value) => ({ value }));
  const response = await server.request({ method: 'POST', url: `${SCIM}/Groups`, body: { schemas: [GROUP], displayName: `group ${counter}`, members, ...extra } });
  return body(response, 201);
}

function patch(type: 'Users' | 'Groups', id: string, ...operations: Json[]): Promise<LightMyRequestResponse> {
  return server.request({ method: 'PATCH', url: `${SCIM}/${type}/${id}`, body: { schemas: [PATCH_OP], Operations: operations } });
}

async function get(path: string): Promise<Json> {
  return body(await server.request({ method: 'GET', url: `${SCIM}${path}` }), 200);
}

function memberIds(group: Json): string[] {
  return ((group['members'] as Json[] | undefined) ?? []).map((member) => member['value'] as string).sort();
}

describe('operation names in any case (Entra: "Add", "Replace", "Remove")', () => {
  it('applies Add, Replace and Remove as add, replace and remove', async () => {
    const user = await createUser({ title: 'Intern' });
    const patched = body(
      await patch('Users', user['id'], { op: 'Add', path: 'nickName', value: 'Babs' }, { op: 'Replace', path: 'displayName', value: 'Babs J' }, { op: 'Remove', path: 'title' }),
      200,
    );
    expect(patched).toMatchObject({ nickName: 'Babs', displayName: 'Babs J' });
    expect(patched).not.toHaveProperty('title');
  });
});

describe('booleans written as strings (Entra without aadOptscim062020: "False")', () => {
  it('stores "False" and "True" as the booleans false and true', async () => {
    const user = await createUser({ active: true });
    expect(body(await patch('Users', user['id'], { op: 'Replace', path: 'active', value: 'False' }), 200)['active']).toBe(false);
    expect(body(await patch('Users', user['id'], { op: 'replace', value: { active: 'True' } }), 200)['active']).toBe(true);
  });

  it('refuses a string that is no boolean rather than guessing', async () => {
    const user = await createUser();
    expect(body(await patch('Users', user['id'], { op: 'replace', path: 'active', value: 'No' }), 400)['scimType']).toBe('invalidValue');
  });
});

describe('add and replace without a path whose keys are attribute paths (Entra with aadOptscim062020)', () => {
  it('reads "name.givenName" and full enterprise URN keys, department and manager included', async () => {
    const manager = await createUser();
    const user = await createUser({ name: { givenName: 'Old', familyName: 'Kept' } });
    const patched = body(
      await patch('Users', user['id'], {
        op: 'replace',
        value: {
          displayName: 'Bjfe',
          'name.givenName': 'Kkom',
          [`${ENTERPRISE}:department`]: 'Tour Operations',
          [`${ENTERPRISE}:manager`]: manager['id'],
          [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
        },
      }),
      200,
    );
    expect(patched['name']).toEqual({ givenName: 'Kkom', familyName: 'Kept' });
    expect(patched[ENTERPRISE]).toMatchObject({ department: 'Tour Operations', employeeNumber: 'Aklq', manager: { value: manager['id'] } });
  });
});

describe('the enterprise manager in every shape identity providers send', () => {
  it('a bare id string, on a URN path or inside the extension object', async () => {
    const manager = await createUser();
    const user = await createUser();
    const byPath = body(await patch('Users', user['id'], { op: 'add', path: `${ENTERPRISE}:manager`, value: manager['id'] }), 200);
    expect(byPath[ENTERPRISE]['manager']).toMatchObject({ value: manager['id'] });
    const created = await createUser({ [ENTERPRISE]: { manager: manager['id'] } });
    expect(created[ENTERPRISE]['manager']).toMatchObject({ value: manager['id'] });
  });

  it('{"value": id}, the RFC 7643 §4.3 form', async () => {
    const manager = await createUser();
    const user = await createUser();
    const patched = body(await patch('Users', user['id'], { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: manager['id'] } }), 200);
    expect(patched[ENTERPRISE]['manager']).toMatchObject({ value: manager['id'] });
  });

  it('an array of one {"$ref", "value"} on the unqualified path "manager" (Entra, Example 5)', async () => {
    const manager = await createUser();
    const user = await createUser();
    const value = [{ $ref: `https://idp.example.com/scim/Users/${manager['id'] as string}`, value: manager['id'] }];
    const patched = body(await patch('Users', user['id'], { op: 'Add', path: 'manager', value }), 200);
    expect(patched[ENTERPRISE]['manager']).toMatchObject({ value: manager['id'] });
  });

  it('an array of two managers is refused, never reduced to one of them', async () => {
    const user = await createUser({ [ENTERPRISE]: { manager: 'kept' } });
    const response = await patch('Users', user['id'], { op: 'replace', path: `${ENTERPRISE}:manager`, value: [{ value: 'a' }, { value: 'b' }] });
    expect(body(response, 400)['scimType']).toBe('invalidValue');
    expect((await get(`/Users/${user['id'] as string}`))[ENTERPRISE]['manager']).toMatchObject({ value: 'kept' });
  });

  it('removed by a replace with an empty string, or with null', async () => {
    const first = await createUser({ [ENTERPRISE]: { manager: 'm1', department: 'D' } });
    expect(body(await patch('Users', first['id'], { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }), 200)[ENTERPRISE]).toEqual({ department: 'D' });
    const second = await createUser({ [ENTERPRISE]: { manager: 'm1' } });
    const cleared = body(await patch('Users', second['id'], { op: 'replace', path: `${ENTERPRISE}:manager`, value: null }), 200);
    expect(cleared).not.toHaveProperty(ENTERPRISE);
    expect(cleared['schemas']).toEqual([USER]);
  });
});

describe('unqualified names of enterprise attributes (Entra: "path": "manager"; department and manager in its documented create body)', () => {
  it('resolve to the one extension that defines them, in paths and in bodies', async () => {
    const user = await createUser({ department: 'Sales', manager: null });
    expect(user[ENTERPRISE]).toEqual({ department: 'Sales' });
    const patched = body(await patch('Users', user['id'], { op: 'replace', path: 'department', value: 'Support' }), 200);
    expect(patched[ENTERPRISE]).toEqual({ department: 'Support' });
  });

  it('a name no schema of the resource type defines is still refused, naming it', async () => {
    const group = await createGroup([]);
    expect(body(await patch('Groups', group['id'], { op: 'replace', path: 'department', value: 'x' }), 400)['detail']).toMatch(/"department"/);
  });
});

describe('schema URNs the server does not know, in a body\'s schemas list (Entra: its ADSCIM Group URN, a malformed enterprise URN)', () => {
  it('are ignored when no attribute uses them; schemas is answered from the attributes present', async () => {
    const group = await createGroup([], { schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'] });
    expect(group['schemas']).toEqual([GROUP]);
    const user = await createUser({ schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'] });
    expect(user['schemas']).toEqual([USER]);
  });

  it('an attribute object under an unknown URN is kept as sent, never dropped (docs/custom-attributes.md)', async () => {
    const response = await server.request({
      method: 'POST',
      url: `${SCIM}/Users`,
      body: { schemas: [USER, 'urn:example:custom:1.0:User'], userName: 'custom@example.com', 'urn:example:custom:1.0:User': { badge: 7 } },
    });
    const created = body(response, 201);
    expect(created['urn:example:custom:1.0:User']).toEqual({ badge: 7 });
    expect(created['schemas']).toEqual([USER, 'urn:example:custom:1.0:User']);
  });
});

describe('clearing attributes with "" and with null', () => {
  it('unassigns a simple attribute, a sub-attribute and a whole complex attribute', async () => {
    const user = await createUser({ title: 'T', nickName: 'N', name: { givenName: 'G', middleName: 'M', familyName: 'F' } });
    const patched = body(
      await patch(
        'Users',
        user['id'],
        { op: 'replace', path: 'title', value: '' },
        { op: 'replace', path: 'nickName', value: null },
        { op: 'replace', path: 'name.middleName', value: '' },
      ),
      200,
    );
    expect(patched).not.toHaveProperty('title');
    expect(patched).not.toHaveProperty('nickName');
    expect(patched['name']).toEqual({ givenName: 'G', familyName: 'F' });
  });

  it('no-path values "" and null clear too, and a create body\'s nulls are no value', async () => {
    const user = await createUser({ title: 'T', preferredLanguage: null, phoneNumbers: null });
    expect(user).not.toHaveProperty('preferredLanguage');
    expect(body(await patch('Users', user['id'], { op: 'replace', value: { title: '' } }), 200)).not.toHaveProperty('title');
  });
});

describe('a filtered path on a multi-valued entry that does not exist yet', () => {
  it('phoneNumbers[type eq "work"].value creates the work number, then updates it in place', async () => {
    const user = await createUser({ phoneNumbers: [{ type: 'mobile', value: '555-0001' }] });
    const created = body(await patch('Users', user['id'], { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '555-0100' }), 200);
    expect(created['phoneNumbers']).toEqual([
      { type: 'mobile', value: '555-0001' },
      { type: 'work', value: '555-0100' },
    ]);
    const replaced = body(await patch('Users', user['id'], { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '555-0199' }), 200);
    expect(replaced['phoneNumbers']).toEqual([
      { type: 'mobile', value: '555-0001' },
      { type: 'work', value: '555-0199' },
    ]);
  });

  it('a filter that cannot describe one new element is refused (400 noTarget), nothing invented', async () => {
    const user = await createUser();
    expect(body(await patch('Users', user['id'], { op: 'add', path: 'emails[value co "x"].type', value: 'work' }), 400)['scimType']).toBe('noTarget');
  });
});

describe('remove on members with a value array instead of a filter (Entra, JumpCloud)', () => {
  it('removes exactly the listed members, never all of them', async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup([a['id'], b['id'], c['id']]);
    body(await patch('Groups', group['id'], { op: 'Remove', path: 'members', value: [{ $ref: null, value: a['id'] }, { value: c['id'] }] }), 204);
    expect(memberIds(await get(`/Groups/${group['id'] as string}`))).toEqual([b['id']]);
  });

  it('a value array naming nobody in the group removes nobody', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([a['id'], b['id']]);
    body(await patch('Groups', group['id'], { op: 'remove', path: 'members', value: [{ value: 'not-a-member' }] }), 204);
    expect(memberIds(await get(`/Groups/${group['id'] as string}`))).toEqual([a['id'], b['id']].sort());
  });
});

describe('group reads the way Entra makes them', () => {
  it('GET /Groups?excludedAttributes=members&filter=displayName eq "…" answers the group without members', async () => {
    const user = await createUser();
    const group = await createGroup([user['id']], { displayName: 'Entra Readers' });
    const list = await get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Entra Readers"')}`);
    expect(list['totalResults']).toBe(1);
    expect(list['Resources'][0]).toMatchObject({ id: group['id'], displayName: 'Entra Readers' });
    expect(list['Resources'][0]).not.toHaveProperty('members');
    expect(await get(`/Groups/${group['id'] as string}?excludedAttributes=members`)).not.toHaveProperty('members');
  });
});

describe('filters on externalId', () => {
  it('find a user and a group by the identity provider\'s own id, exactly', async () => {
    const user = await createUser({ externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' });
    const group = await createGroup([], { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' });
    expect((await get(`/Users?filter=externalId+eq+%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22`))['Resources']).toMatchObject([{ id: user['id'] }]);
    expect((await get(`/Groups?filter=externalId+eq+%228aa1a0c0-c4c3-4bc0-b4a5-2ef676900159%22`))['Resources']).toMatchObject([{ id: group['id'] }]);
    // externalId is caseExact (RFC 7643 §3.1): another case is another id.
    expect((await get(`/Users?filter=externalId+eq+%220A21F0F2-8D2A-4F8E-BF98-7363C4AED4EF%22`))['totalResults']).toBe(0);
  });
});

describe('group PATCH answered 204 No Content', () => {
  it('membership and rename PATCHes answer 204 with an ETag, and 200 when a representation is asked for', async () => {
    const user = await createUser();
    const group = await createGroup([]);
    const added = await patch('Groups', group['id'], { op: 'Add', path: 'members', value: [{ value: user['id'] }] });
    expect(added.statusCode).toBe(204);
    expect(added.body).toBe('');
    expect(added.headers['etag']).toMatch(/^W\/"\d+"$/);
    const represented = await server.request({
      method: 'PATCH',
      url: `${SCIM}/Groups/${group['id'] as string}`,
      headers: { prefer: 'return=representation' },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }] },
    });
    expect(body(represented, 200)['displayName']).toBe('Renamed');
  });
});

describe('Okta\'s check-then-create lookup', () => {
  it('filter=userName eq "…"&startIndex=1&count=100 finds the user whatever the case of userName', async () => {
    const user = await createUser({ userName: 'Test.User@Okta.Local' });
    for (const variant of ['test.user@okta.local', 'TEST.USER@OKTA.LOCAL', 'Test.User@Okta.Local']) {
      const list = await get(`/Users?filter=${encodeURIComponent(`userName eq "${variant}"`)}&startIndex=1&count=100`);
      expect(list).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: user['id'] }] });
    }
  });

  it('and the create that follows a miss is refused (409 uniqueness) when only the case differs', async () => {
    await createUser({ userName: 'casefold@okta.local' });
    const response = await server.request({ method: 'POST', url: `${SCIM}/Users`, body: { schemas: [USER], userName: 'CASEFOLD@okta.local' } });
    expect(body(response, 409)['scimType']).toBe('uniqueness');
  });
});

describe('creates that carry a placeholder password (Okta)', () => {
  it('accepts the password, stores only its hash, and never returns it', async () => {
    const user = await createUser({ password: '1mz050nq', groups: [] });
    expect(user).not.toHaveProperty('password');
    expect(await get(`/Users/${user['id'] as string}`)).not.toHaveProperty('password');
    const tables = JSON.stringify(await server.rawTables());
    expect(tables).not.toContain('1mz050nq');
  });
});

describe('deactivation by a replace without path (Okta)', () => {
  it('{"op":"replace","value":{"active":false}} deactivates and changes nothing else', async () => {
    const user = await createUser({ active: true, name: { givenName: 'A', familyName: 'B' } });
    const patched = body(await patch('Users', user['id'], { op: 'replace', value: { active: false } }), 200);
    expect(patched).toMatchObject({ active: false, userName: user['userName'], name: { givenName: 'A', familyName: 'B' } });
  });
});

describe('profile updates by a full PUT (Okta App Integration Wizard, Okta attribute updates)', () => {
  it('replaces the profile, ignores id, meta and groups sent back, keeps the password', async () => {
    const user = await createUser({ password: 'secret-123', name: { givenName: 'Test', familyName: 'User' }, title: 'Old' });
    const response = await server.request({
      method: 'PUT',
      url: `${SCIM}/Users/${user['id'] as string}`,
      body: {
        schemas: [USER],
        id: user['id'],
        userName: user['userName'],
        name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
        emails: [{ primary: true, value: 'a@example.com', type: 'work', display: 'a@example.com' }],
        active: true,
        groups: [],
        meta: { resourceType: 'User' },
      },
    });
    const replaced = body(response, 200);
    expect(replaced).toMatchObject({ id: user['id'], name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' } });
    expect(replaced).not.toHaveProperty('title');
  });
});

describe('group membership by a PATCH combining a filtered remove and an add, and by members in POST and PUT (Okta)', () => {
  it('remove members[value eq "…"] then add, in one request', async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup([a['id'], b['id']]);
    body(await patch('Groups', group['id'], { op: 'remove', path: `members[value eq "${b['id'] as string}"]` }, { op: 'add', path: 'members', value: [{ value: c['id'], display: 'c' }] }), 204);
    expect(memberIds(await get(`/Groups/${group['id'] as string}`))).toEqual([a['id'], c['id']].sort());
  });

  it('members given in POST and replaced by PUT', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([a['id']]);
    expect(memberIds(group)).toEqual([a['id']]);
    const put = await server.request({
      method: 'PUT',
      url: `${SCIM}/Groups/${group['id'] as string}`,
      body: { schemas: [GROUP], displayName: group['displayName'], members: [{ value: b['id'], display: 'b' }] },
    });
    expect(memberIds(body(put, 200))).toEqual([b['id']]);
  });
});

describe('group rename by a replace without path whose value carries the id (Okta)', () => {
  it('renames and ignores the readOnly id', async () => {
    const group = await createGroup([]);
    body(await patch('Groups', group['id'], { op: 'replace', value: { id: group['id'], displayName: 'Test SCIMv20' } }), 204);
    expect(await get(`/Groups/${group['id'] as string}`)).toMatchObject({ id: group['id'], displayName: 'Test SCIMv20' });
  });

  it('an id that is not the group\'s own is ignored too, never adopted', async () => {
    const group = await createGroup([]);
    body(await patch('Groups', group['id'], { op: 'replace', value: { id: 'someone-else', displayName: 'Still mine' } }), 204);
    expect(await get(`/Groups/${group['id'] as string}`)).toMatchObject({ id: group['id'], displayName: 'Still mine' });
  });
});

describe('Entra\'s aadOptscim062020 flag carried on request URLs', () => {
  it('is an unknown query parameter, ignored by every method', async () => {
    const created = body(await server.request({ method: 'POST', url: `${SCIM}/Users?aadOptscim062020`, body: { schemas: [USER], userName: 'flagged@example.com' } }), 201);
    const url = `${SCIM}/Users/${created['id'] as string}?aadOptscim062020`;
    expect(body(await server.request({ method: 'PATCH', url, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } }), 200)['active']).toBe(false);
    expect(body(await server.request({ method: 'GET', url }), 200)['userName']).toBe('flagged@example.com');
    expect((await get(`/Users?aadOptscim062020&filter=userName+eq+%22flagged%40example.com%22`))['totalResults']).toBe(1);
    expect((await server.request({ method: 'DELETE', url })).statusCode).toBe(204);
  });
});

describe('`manager` in a filter (Entra, tutorial Example 4)', () => {
  it('reads a bare "manager" as the enterprise manager.value, on Users', async () => {
    const manager = await createUser();
    const other = await createUser();
    const report = await createUser({ [ENTERPRISE]: { manager: { value: manager['id'] } } });
    const check = (managerId: string) =>
      get(`/Users?filter=${encodeURIComponent(`id eq "${report['id']}" and manager eq "${managerId}"`)}&attributes=id`);
    const found = await check(manager['id']);
    expect(found['totalResults']).toBe(1);
    expect((found['Resources'] as Json[]).map((user) => Object.keys(user).sort())).toEqual([['id', 'schemas']]);
    expect(found['Resources'][0]['id']).toBe(report['id']);
    expect((await check(other['id']))['totalResults']).toBe(0);
    const reports = await get(`/Users?filter=${encodeURIComponent(`manager eq "${manager['id']}" or manager pr`)}`);
    expect((reports['Resources'] as Json[]).map((user) => user['id'])).toContain(report['id']);
  });

  it('stays an unknown attribute on Groups, and a sub-attribute of it still names nothing', async () => {
    const onGroups = body(await server.request({ method: 'GET', url: `${SCIM}/Groups?filter=${encodeURIComponent('manager eq "x"')}` }), 400);
    expect(onGroups).toMatchObject({ scimType: 'invalidFilter', detail: expect.stringMatching(/Unknown attribute "manager"/) });
    const sub = body(await server.request({ method: 'GET', url: `${SCIM}/Users?filter=${encodeURIComponent('manager.value eq "x"')}` }), 400);
    expect(sub['scimType']).toBe('invalidFilter');
  });
});

describe('members carrying extra sub-attributes (Microsoft\'s reference tests: "displayName")', () => {
  it('accepts a member\'s displayName in POST, PUT and a PATCH add, and does not store it', async () => {
    const alice = await createUser({ displayName: 'Alice' });
    const bob = await createUser({ displayName: 'Bob' });
    const created = await createGroup([], { members: [{ value: alice['id'], displayName: 'Somebody else' }] });
    expect(created['members']).toEqual([expect.objectContaining({ value: alice['id'], display: 'Alice' })]);
    const replaced = body(
      await server.request({
        method: 'PUT',
        url: `${SCIM}/Groups/${created['id']}`,
        body: { schemas: [GROUP], displayName: created['displayName'], members: [{ value: bob['id'], displayName: 'Bob', type: 'User' }] },
      }),
      200,
    );
    expect(memberIds(replaced)).toEqual([bob['id']]);
    expect(body(await patch('Groups', created['id'], { op: 'add', path: 'members', value: [{ displayName: 'new User', value: alice['id'] }] }), 204)).toEqual({});
    const group = await get(`/Groups/${created['id']}`);
    expect(memberIds(group)).toEqual([alice['id'], bob['id']].sort());
    expect(JSON.stringify(group)).not.toContain('new User');
  });

  it('keeps refusing what could change the meaning: a type that contradicts the member, an unknown key, a non-string name', async () => {
    const alice = await createUser();
    const group = await createGroup([]);
    const wrongType = body(await patch('Groups', group['id'], { op: 'add', path: 'members', value: [{ value: alice['id'], displayName: 'A', type: 'Group' }] }), 400);
    expect(wrongType['scimType']).toBe('invalidValue');
    const unknown = body(await patch('Groups', group['id'], { op: 'add', path: 'members', value: [{ value: alice['id'], role: 'owner' }] }), 400);
    expect(unknown).toMatchObject({ scimType: 'invalidSyntax', detail: expect.stringMatching(/members\.role/) });
    const notAString = body(await patch('Groups', group['id'], { op: 'add', path: 'members', value: [{ value: alice['id'], displayName: 7 }] }), 400);
    expect(notAString['scimType']).toBe('invalidValue');
    expect(memberIds(await get(`/Groups/${group['id']}`))).toEqual([]);
  });
});
