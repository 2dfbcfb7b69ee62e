/**
 * The outbox through the SCIM API: every change records its events in the
 * same transaction; a write that changes nothing, or fails, records none.
 * Runs on SQLite and on PostgreSQL (vitest.config.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScimitarEvent } from '../../src/events/event.js';
import { build, type TestServer } from '../helpers/build.js';
import { createGroup, createUser, ENTERPRISE_SCHEMA, expectScimError, expectStatus, groupBody, type Json, patchBody, PUBLIC_BASE, USER_SCHEMA, userBody } from '../http/support.js';

const TENANT = 'default';

describe('events of SCIM changes (the transactional outbox)', () => {
  let server: TestServer;
  let seen = 0;

  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
  });

  /** The events recorded since the test began. */
  async function newEvents(): Promise<ScimitarEvent[]> {
    return [...(await server.scimitar.store.events.listEvents(TENANT, seen, 10_000))];
  }

  async function types(): Promise<string[]> {
    return (await newEvents()).map((event) => event.type);
  }

  const patch = (path: string, ...operations: Json[]) => server.request({ method: 'PATCH', url: `/scim/v2/${path}`, body: patchBody(...operations) });

  it('user.created carries the resource as created, with tenant, ids, sequence and time', async () => {
    const created = await createUser(server, 'ev-create', { externalId: 'ext-1', displayName: 'Eve' });
    const [event, ...rest] = await newEvents();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'user.created',
      tenant: TENANT,
      sequence: seen + 1,
      resourceType: 'User',
      resourceId: created['id'],
      externalId: 'ext-1',
      timestamp: created['meta']['created'],
      data: { resource: { id: created['id'], userName: 'ev-create', displayName: 'Eve', meta: { location: `${PUBLIC_BASE}/Users/${created['id']}`, version: 'W/"1"' } } },
    });
    expect(event!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('PATCH active=false is user.deactivated; active=true user.reactivated; a replay records nothing', async () => {
    const user = await createUser(server, 'ev-deactivate', { active: true });
    seen += 1;
    expectStatus(await patch(`Users/${user['id']}`, { op: 'replace', path: 'active', value: false }), 200);
    // Entra ID's form of the same change, replayed: nothing changes, nothing is recorded.
    expectStatus(await patch(`Users/${user['id']}`, { op: 'Replace', path: 'active', value: 'False' }), 200);
    expectStatus(await patch(`Users/${user['id']}`, { op: 'replace', value: { active: true } }), 200);
    const events = await newEvents();
    expect(events.map((event) => [event.type, event.data.resource['active'], (event.data.resource['meta'] as Json)['version']])).toEqual([
      ['user.deactivated', false, 'W/"2"'],
      ['user.reactivated', true, 'W/"3"'],
    ]);
    expect(events.map((event) => event.sequence)).toEqual([seen + 1, seen + 2]);
  });

  it('user.updated lists the changed attributes, extension attributes by their full name, and the password by name only', async () => {
    const user = await createUser(server, 'ev-update', { displayName: 'Before', active: true });
    seen += 1;
    expectStatus(
      await patch(
        `Users/${user['id']}`,
        { op: 'replace', path: 'displayName', value: 'After' },
        { op: 'add', path: `${ENTERPRISE_SCHEMA}:department`, value: 'R&D' },
        { op: 'replace', path: 'password', value: 'n3w-Secret!' },
      ),
      200,
    );
    const [event, ...rest] = await newEvents();
    expect(rest).toEqual([]);
    expect(event?.type).toBe('user.updated');
    expect(event?.data.changedAttributes).toEqual(['displayName', 'password', `${ENTERPRISE_SCHEMA}:department`]);
    expect(JSON.stringify(event)).not.toContain('n3w-Secret!');
  });

  it('a PUT that deactivates and renames records user.deactivated and user.updated, in that order; the same PUT again records nothing and keeps the version', async () => {
    const user = await createUser(server, 'ev-put', { displayName: 'One', active: true });
    seen += 1;
    const body = userBody('ev-put', { displayName: 'Two', active: false });
    const first = expectStatus(await server.request({ method: 'PUT', url: `/scim/v2/Users/${user['id']}`, body }), 200);
    const again = expectStatus(await server.request({ method: 'PUT', url: `/scim/v2/Users/${user['id']}`, body }), 200);
    expect(again['meta']['version']).toBe(first['meta']['version']);
    const events = await newEvents();
    expect(events.map((event) => [event.type, event.data.changedAttributes])).toEqual([
      ['user.deactivated', undefined],
      ['user.updated', ['displayName']],
    ]);
  });

  it('user.deleted carries the user as it was; each group that loses it records group.member_removed', async () => {
    const user = await createUser(server, 'ev-delete', { externalId: 'ext-del' });
    const groupA = await createGroup(server, 'ev-delete A', [user['id']]);
    const groupB = await createGroup(server, 'ev-delete B', [user['id']]);
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
    expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${user['id']}` }), 204);
    const events = await newEvents();
    expect(events[0]).toMatchObject({ type: 'user.deleted', resourceId: user['id'], externalId: 'ext-del', data: { resource: { userName: 'ev-delete' } } });
    const removals = events.slice(1).map((event) => [event.type, event.resourceId, event.data.members, (event.data.resource['meta'] as Json)['version']]);
    expect(removals.sort()).toEqual(
      [
        ['group.member_removed', groupA['id'], [{ value: user['id'], type: 'User' }], 'W/"2"'],
        ['group.member_removed', groupB['id'], [{ value: user['id'], type: 'User' }], 'W/"2"'],
      ].sort(),
    );
  });

  it('groups: created with members, renamed, members added and removed (net per request), deleted', async () => {
    const alice = await createUser(server, 'ev-g-alice');
    const bob = await createUser(server, 'ev-g-bob');
    seen += 2;
    const group = await createGroup(server, 'ev-g', [alice['id']]);
    expectStatus(await patch(`Groups/${group['id']}`, { op: 'replace', path: 'displayName', value: 'ev-g renamed' }), 204);
    expectStatus(await patch(`Groups/${group['id']}`, { op: 'add', path: 'members', value: [{ value: bob['id'] }] }, { op: 'remove', path: `members[value eq "${alice['id']}"]` }), 204);
    // Added and removed in one request: no change, no event.
    expectStatus(await patch(`Groups/${group['id']}`, { op: 'add', path: 'members', value: [{ value: alice['id'] }] }, { op: 'remove', path: `members[value eq "${alice['id']}"]` }), 204);
    // Adding a member already there: nothing.
    expectStatus(await patch(`Groups/${group['id']}`, { op: 'add', path: 'members', value: [{ value: bob['id'] }] }), 204);
    expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Groups/${group['id']}` }), 204);
    const events = await newEvents();
    expect(events.map((event) => [event.type, event.data.members ?? event.data.changedAttributes ?? null])).toEqual([
      ['group.created', null],
      ['group.member_added', [{ value: alice['id'], type: 'User' }]],
      ['group.updated', ['displayName']],
      ['group.member_removed', [{ value: alice['id'], type: 'User' }]],
      ['group.member_added', [{ value: bob['id'], type: 'User' }]],
      ['group.deleted', null],
    ]);
    // A Group's representation in events never carries its (possibly 100,000) members.
    for (const event of events) expect(event.data.resource).not.toHaveProperty('members');
    expect(events.at(-1)?.data.resource['displayName']).toBe('ev-g renamed');
  });

  it('batches a large membership change into events of at most 1,000 members', async () => {
    const userIds: string[] = [];
    const response = await server.request({
      method: 'POST',
      url: '/scim/v2/Bulk',
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: Array.from({ length: 1500 }, (_, index) => ({ method: 'POST', path: '/Users', bulkId: `u${index}`, data: { schemas: [USER_SCHEMA], userName: `ev-bulk-${index}` } })),
      },
    });
    for (const result of expectStatus(response, 200)['Operations'] as Json[]) userIds.push(String(result['location']).split('/').pop()!);
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
    const group = await createGroup(server, 'ev-big', userIds);
    const events = await newEvents();
    expect(events.map((event) => [event.type, event.data.members?.length ?? 0])).toEqual([
      ['group.created', 0],
      ['group.member_added', 1000],
      ['group.member_added', 500],
    ]);
    expect(new Set(events.flatMap((event) => (event.data.members ?? []).map((member) => member.value))).size).toBe(1500);
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
    expectStatus(await server.request({ method: 'PUT', url: `/scim/v2/Groups/${group['id']}`, body: groupBody('ev-big', []) }), 200);
    expect((await newEvents()).map((event) => [event.type, event.data.members?.length])).toEqual([
      ['group.member_removed', 1000],
      ['group.member_removed', 500],
    ]);
  });

  it('records nothing when the write fails: uniqueness, precondition, bad PATCH, unknown member', async () => {
    const user = await createUser(server, 'ev-fail');
    const group = await createGroup(server, 'ev-fail group');
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('EV-FAIL') }), 409, 'uniqueness');
    expectScimError(
      await server.request({ method: 'PATCH', url: `/scim/v2/Users/${user['id']}`, headers: { 'if-match': 'W/"99"' }, body: patchBody({ op: 'replace', path: 'active', value: false }) }),
      412,
    );
    expectScimError(await patch(`Users/${user['id']}`, { op: 'replace', path: 'displayName', value: 'x' }, { op: 'remove', path: 'userName' }), 400);
    expectScimError(await patch(`Groups/${group['id']}`, { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }), 400, 'invalidValue');
    expect(await newEvents()).toEqual([]);
    expect((await server.scimitar.store.events.position(TENANT)).lastSequence).toBe(seen);
  });

  it('under concurrent writes, sequences have no gap and each resource’s events follow its versions', async () => {
    const users = await Promise.all(['ev-c1', 'ev-c2', 'ev-c3'].map((name) => createUser(server, name)));
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        patch(`Users/${users[index % 3]!['id']}`, { op: 'replace', path: 'displayName', value: `name ${index}` }).then((response) => expectStatus(response, 200)),
      ),
    );
    const events = await newEvents();
    expect(events.map((event) => event.sequence)).toEqual(Array.from({ length: 30 }, (_, index) => seen + 1 + index));
    for (const user of users) {
      const versions = events.filter((event) => event.resourceId === user['id']).map((event) => Number(/\d+/.exec(String((event.data.resource['meta'] as Json)['version']))![0]));
      expect(versions).toEqual(Array.from({ length: 10 }, (_, index) => index + 2));
    }
  });

  it('numbers events per tenant: another tenant has its own sequence', async () => {
    await server.scimitar.tenants.create('ev-other');
    const { token } = await server.scimitar.tokens.create('ev-other', { name: 'test' });
    const response = await server.scimitar.app.inject({
      method: 'POST',
      url: '/t/ev-other/scim/v2/Users',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify(userBody('ev-tenant')),
    });
    expectStatus(response, 201);
    const [event] = await server.scimitar.store.events.listEvents('ev-other', 0, 10);
    expect(event).toMatchObject({ tenant: 'ev-other', sequence: 1, type: 'user.created' });
    expect((event?.data.resource['meta'] as Json)['location']).toMatch(/\/t\/ev-other\/scim\/v2\/Users\//);
  });
});
