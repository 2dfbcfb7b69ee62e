/**
 * The delete policy and the mass-deprovisioning safeguard, driven the way
 * identity providers do it (sequences as in test/interop/okta and
 * test/interop/entra-id): SCIM answers stay what RFC 7644 §3.6 says, while
 * the events and the fate of the data follow the tenant's policy. Runs on
 * every store (vitest.config.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScimitarEvent } from '../../src/events/event.js';
import { build, type TestServer } from '../helpers/build.js';
import { expectScimError, expectStatus, type Json, patchBody } from '../http/support.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from '../admin/support.js';
import { createTenant, HOUR, TestClock, type TenantClient } from './support.js';

const DAY = 24 * HOUR;

describe('delete policy and mass-deprovisioning safeguard', () => {
  let server: TestServer;
  let admin: AdminClient;
  const clock = new TestClock();

  beforeAll(async () => {
    server = await build({}, { now: clock.now });
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  async function eventsOf(tenant: string, after = 0): Promise<ScimitarEvent[]> {
    return [...(await server.scimitar.store.events.listEvents(tenant, after, 100_000))];
  }

  async function lastSequence(tenant: string): Promise<number> {
    return (await server.scimitar.store.events.position(tenant)).lastSequence;
  }

  /** A tenant with `count` users (externalIds ext-0…), all active. */
  async function directory(tenant: string, count: number): Promise<{ client: TenantClient; ids: string[] }> {
    const client = await createTenant(server, tenant);
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push((await client.createUser(`user${index}@${tenant}.example`, { externalId: `ext-${index}`, active: true }))['id'] as string);
    }
    return { client, ids };
  }

  const deletion = async (tenant: string): Promise<Json> => expectJson(await admin.request('GET', `/tenants/${tenant}/deletion`), 200);

  it('defaults: hard deletes, safeguard on at more than 10% of the users and at least 25 within an hour', async () => {
    await createTenant(server, 'defaults');
    expect(await deletion('defaults')).toEqual({
      deletePolicy: 'hard',
      softDeleteDays: 30,
      safeguard: {
        enabled: true,
        percent: 10,
        minimum: 25,
        windowMinutes: 60,
        tripped: false,
        trippedAt: null,
        windowStartedAt: null,
        windowUsers: 0,
        windowDeletions: 0,
        threshold: 25,
        heldCount: 0,
        held: [],
      },
    });
  });

  it('Entra ID style: deactivations flow at once; of 30 hard deletions of 100 users the 5 beyond the threshold are held until approved', async () => {
    const { client, ids } = await directory('entra', 100);
    const doomed = ids.slice(0, 30);
    // Unassignment: Entra sends Replace active "False" (never a DELETE)…
    for (const id of doomed) expectStatus(await client.request('PATCH', `${client.base}/Users/${id}`, patchBody({ op: 'Replace', path: 'active', value: 'False' })), 200);
    let events = await eventsOf('entra');
    expect(events.filter((event) => event.type === 'user.deactivated')).toHaveLength(30);
    expect((await deletion('entra'))['safeguard']['tripped']).toBe(false);
    // …and the hard deletion later.
    const before = await lastSequence('entra');
    for (const id of doomed) expectStatus(await client.request('DELETE', `${client.base}/Users/${id}`), 204);
    for (const id of doomed) expectScimError(await client.request('GET', `${client.base}/Users/${id}`), 404);
    expect(expectStatus(await client.request('GET', `${client.base}/Users?count=0`), 200)['totalResults']).toBe(70);

    events = await eventsOf('entra', before);
    expect(events.filter((event) => event.type === 'user.deleted').map((event) => event.resourceId)).toEqual(doomed.slice(0, 25));
    const tripped = events.filter((event) => event.type === 'tenant.safeguard_tripped');
    expect(tripped).toHaveLength(1);
    expect(tripped[0]).toMatchObject({ resourceId: doomed[25], data: { safeguard: { users: 100, deletions: 26, threshold: 25, windowMinutes: 60 } } });
    // The event feed carries the trip as webhooks do.
    const feed = expectJson(await admin.request('GET', `/tenants/entra/events?after=${before}&limit=1000`), 200);
    expect(feed['events'].find((event: Json) => event['type'] === 'tenant.safeguard_tripped')['data']['safeguard']).toEqual(tripped[0]!.data.safeguard);
    // Already deactivated: no second user.deactivated.
    expect(events.filter((event) => event.type === 'user.deactivated')).toEqual([]);

    const state = await deletion('entra');
    expect(state['safeguard']).toMatchObject({ tripped: true, windowDeletions: 30, heldCount: 5, threshold: 25 });
    // One clock instant for all of them: listed by id then.
    expect(state['safeguard']['held'].map((user: Json) => user['id'])).toEqual(doomed.slice(25).sort());
    expect(state['safeguard']['held']).toContainEqual({ id: doomed[25], userName: 'user25@entra.example', externalId: 'ext-25', deletedAt: clock.now().toISOString() });

    const approved = expectJson(await admin.request('POST', `/tenants/entra/deletion/approve`), 200);
    expect(approved).toEqual({ users: 5, conflicts: [], remaining: 0 });
    const released = (await eventsOf('entra', before)).filter((event) => event.type === 'user.deleted');
    expect(released.map((event) => event.resourceId).sort()).toEqual([...doomed].sort());
    expect(released.find((event) => event.resourceId === doomed[29])!.data.resource).toMatchObject({ userName: 'user29@entra.example', meta: { location: expect.stringMatching(/\/t\/entra\/scim\/v2\/Users\//) } });
    expect((await deletion('entra'))['safeguard']).toMatchObject({ tripped: false, heldCount: 0, windowDeletions: 0, windowStartedAt: null });
    // Approved means gone: the same externalId now makes a new user.
    const again = await client.createUser('user29@entra.example', { externalId: 'ext-29' });
    expect(again['id']).not.toBe(doomed[29]);
  });

  it('Okta style unassignment only deactivates; an IdP that deletes active users trips it, held users get user.deactivated, and a rejection restores them deactivated in their groups', async () => {
    const { client, ids } = await directory('okta', 100);
    const group = await client.createGroup('Engineering', ids.slice(0, 30));
    // Okta: a PATCH replacing {active:false}, for 40 users: never held, whatever the number.
    let before = await lastSequence('okta');
    for (const id of ids.slice(60)) {
      expectStatus(await client.request('PATCH', `${client.base}/Users/${id}`, patchBody({ op: 'replace', value: { active: false } })), 200);
    }
    expect((await eventsOf('okta', before)).map((event) => event.type)).toEqual(Array(40).fill('user.deactivated'));
    expect((await deletion('okta'))['safeguard']['windowDeletions']).toBe(0);

    before = await lastSequence('okta');
    const doomed = ids.slice(0, 30);
    for (const id of doomed) expectStatus(await client.request('DELETE', `${client.base}/Users/${id}`), 204);
    const events = await eventsOf('okta', before);
    expect(events.filter((event) => event.type === 'user.deleted')).toHaveLength(25);
    const deactivated = events.filter((event) => event.type === 'user.deactivated');
    expect(deactivated.map((event) => event.resourceId)).toEqual(doomed.slice(25));
    expect(deactivated[0]!.data.resource).toMatchObject({ active: false, userName: 'user25@okta.example' });
    // The group lost them as SCIM says.
    const members = expectStatus(await client.request('GET', `${client.base}/Groups/${group['id']}`), 200)['members'] ?? [];
    expect(members).toEqual([]);

    const rejectedAt = await lastSequence('okta');
    expect(expectJson(await admin.request('POST', `/tenants/okta/deletion/reject`), 200)).toEqual({ users: 5, conflicts: [], remaining: 0 });
    for (const id of doomed.slice(25)) {
      const restored = expectStatus(await client.request('GET', `${client.base}/Users/${id}`), 200);
      expect(restored).toMatchObject({ id, active: false, externalId: expect.stringMatching(/^ext-2[5-9]$/) });
      expect(restored['groups'].map((membership: Json) => membership['value'])).toEqual([group['id']]);
    }
    const afterReject = await eventsOf('okta', rejectedAt);
    expect(afterReject.map((event) => event.type)).toEqual(['group.member_added']);
    expect(afterReject[0]!.data.members!.map((member) => member.value).sort()).toEqual([...doomed.slice(25)].sort());
    expect((await deletion('okta'))['safeguard']).toMatchObject({ tripped: false, heldCount: 0 });
  });

  it('soft delete: gone from SCIM, access revoked at once, restored under its id when re-created with the same externalId, purged with user.deleted after the retention', async () => {
    const { client, ids } = await directory('soft', 3);
    const firstCreated = expectStatus(await client.request('GET', `${client.base}/Users/${ids[0]}`), 200)['meta']['created'] as string;
    clock.advance(HOUR);
    expect(expectJson(await admin.request('PATCH', `/tenants/soft/deletion`, { deletePolicy: 'soft', softDeleteDays: 7 }), 200)).toMatchObject({ deletePolicy: 'soft', softDeleteDays: 7 });
    const before = await lastSequence('soft');
    for (const id of ids) expectStatus(await client.request('DELETE', `${client.base}/Users/${id}`), 204);
    expectScimError(await client.request('GET', `${client.base}/Users/${ids[0]}`), 404);
    expect(expectStatus(await client.request('GET', `${client.base}/Users?filter=${encodeURIComponent('externalId eq "ext-0"')}`), 200)['totalResults']).toBe(0);
    expect((await eventsOf('soft', before)).map((event) => event.type)).toEqual(['user.deactivated', 'user.deactivated', 'user.deactivated']);

    // The IdP re-creates ext-0 (another userName even): the same user comes back.
    const restoredAt = await lastSequence('soft');
    const restored = await client.createUser('renamed@soft.example', { externalId: 'ext-0', active: true });
    expect(restored['id']).toBe(ids[0]);
    // Its versions go on from before the deletion (version 1), its creation time stays.
    expect(restored['meta']['version']).toBe('W/"2"');
    expect(restored['meta']['created']).toBe(firstCreated);
    expect((await eventsOf('soft', restoredAt)).map((event) => event.type)).toEqual(['user.reactivated', 'user.updated']);
    // Its userName was free: a soft-deleted user holds none.
    expect((await client.createUser('user1@soft.example'))['id']).not.toBe(ids[1]);

    const purgedAt = await lastSequence('soft');
    clock.advance(6 * DAY);
    expect(await server.scimitar.resources.deletions.purgeDue()).toBe(0);
    clock.advance(2 * DAY);
    expect(await server.scimitar.resources.deletions.purgeDue()).toBe(2);
    const purged = await eventsOf('soft', purgedAt);
    expect(purged.map((event) => event.type)).toEqual(['user.deleted', 'user.deleted']);
    expect(purged.map((event) => event.resourceId).sort()).toEqual([ids[1], ids[2]].sort());
    // Purged means gone: ext-2 now makes a new user.
    expect((await client.createUser('back@soft.example', { externalId: 'ext-2' }))['id']).not.toBe(ids[2]);
  });

  it('settings: validated, per tenant, and a disabled safeguard lets every deletion through', async () => {
    const { client, ids } = await directory('settings', 30);
    await createTenant(server, 'neighbour');
    expectAdminError(await admin.request('PATCH', `/tenants/settings/deletion`, { safeguard: { percent: 0 } }), 400, 'bad_request');
    expectAdminError(await admin.request('PATCH', `/tenants/settings/deletion`, { deletePolicy: 'archive' }), 400, 'bad_request');
    expectAdminError(await admin.request('PATCH', `/tenants/settings/deletion`, {}), 400, 'bad_request');
    expectAdminError(await admin.request('GET', `/tenants/nobody/deletion`), 404, 'not_found');
    const changed = expectJson(await admin.request('PATCH', `/tenants/settings/deletion`, { safeguard: { enabled: false } }), 200);
    expect(changed['safeguard']).toMatchObject({ enabled: false, percent: 10, minimum: 25 });
    expect((await deletion('neighbour'))['safeguard']['enabled']).toBe(true);
    const before = await lastSequence('settings');
    for (const id of ids) expectStatus(await client.request('DELETE', `${client.base}/Users/${id}`), 204);
    expect((await eventsOf('settings', before)).filter((event) => event.type === 'user.deleted')).toHaveLength(30);
    expect((await deletion('settings'))['safeguard']).toMatchObject({ tripped: false, heldCount: 0 });
  });

  it('a held user re-created with its externalId comes back under its id; one whose userName was taken again stays held on rejection', async () => {
    const { client, ids } = await directory('retake', 4);
    expectJson(await admin.request('PATCH', `/tenants/retake/deletion`, { safeguard: { percent: 1, minimum: 2 } }), 200);
    for (const id of ids) expectStatus(await client.request('DELETE', `${client.base}/Users/${id}`), 204);
    expect((await deletion('retake'))['safeguard']).toMatchObject({ tripped: true, heldCount: 2 });
    // The IdP gives user2's userName to someone else, and re-creates user3 as it was.
    const stranger = await client.createUser('user2@retake.example', { externalId: 'someone-else' });
    expect(stranger['id']).not.toBe(ids[2]);
    const back = await client.createUser('user3@retake.example', { externalId: 'ext-3' });
    expect(back['id']).toBe(ids[3]);
    expect((await deletion('retake'))['safeguard']['heldCount']).toBe(1);

    const rejected = expectJson(await admin.request('POST', `/tenants/retake/deletion/reject`), 200);
    expect(rejected).toMatchObject({ users: 0, remaining: 1, conflicts: [{ id: ids[2], userName: 'user2@retake.example', externalId: 'ext-2' }] });
    expect((await deletion('retake'))['safeguard']['tripped']).toBe(true);
    expect(expectJson(await admin.request('POST', `/tenants/retake/deletion/approve`), 200)).toEqual({ users: 1, conflicts: [], remaining: 0 });
    expectScimError(await client.request('GET', `${client.base}/Users/${ids[2]}`), 404);
    expect((await deletion('retake'))['safeguard']['tripped']).toBe(false);
  });

  it('a new window begins once the last one is over: deletions spread over hours never trip it', async () => {
    const { client, ids } = await directory('spread', 60);
    for (let index = 0; index < 50; index += 1) {
      if (index > 0 && index % 20 === 0) clock.advance(HOUR);
      expectStatus(await client.request('DELETE', `${client.base}/Users/${ids[index]}`), 204);
    }
    expect((await deletion('spread'))['safeguard']).toMatchObject({ tripped: false, heldCount: 0, windowDeletions: 10 });
  });
});
