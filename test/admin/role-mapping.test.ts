/**
 * Group → role mapping through the admin API and the SCIM API: rules by
 * displayName, externalId and id, nested groups, renames, deletes, the
 * default role and precedence, with `user.roles_changed` in the outbox
 * (feed, webhooks) and in the in-process hooks only when roles really
 * change. Runs on every database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScimitarEvent } from '../../src/events/event.js';
import { build, type TestServer } from '../helpers/build.js';
import { expectStatus, type Json, patchBody } from '../http/support.js';
import { createTenant, type TenantClient } from '../tenancy/support.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from './support.js';

describe('group → role mapping', () => {
  let server: TestServer;
  let admin: AdminClient;
  const hooked: ScimitarEvent[] = [];

  beforeAll(async () => {
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '100000' }, { hooks: { onUserRolesChanged: (event) => void hooked.push(event) } });
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  /** A tenant of its own per test, so rules and events of one test never meet another's. */
  async function tenant(id: string): Promise<{ scim: TenantClient; changes: () => Promise<[string, string[], string[]][]> }> {
    const scim = await createTenant(server, id);
    let seen = 0;
    return {
      scim,
      /** The roles_changed events since the last call, as [userName, before, after]. */
      async changes() {
        const events = await server.scimitar.store.events.listEvents(id, seen, 10_000);
        seen = events.at(-1)?.sequence ?? seen;
        return events
          .filter((event) => event.type === 'user.roles_changed')
          .map((event) => [String(event.data.resource['userName']), [...(event.data.roles?.before ?? [])], [...(event.data.roles?.after ?? [])]]);
      },
    };
  }

  /** PATCH answers 204 unless attributes are asked for (RFC 7644 §3.5.2). */
  async function patchGroup(scim: TenantClient, group: Json, body: Json): Promise<void> {
    expectStatus(await scim.request('PATCH', `${scim.base}/Groups/${String(group['id'])}`, body), 204);
  }

  async function map(tenantId: string, rule: Json): Promise<Json> {
    return expectJson(await admin.request('POST', `/tenants/${tenantId}/role-mappings`, rule), 201);
  }

  async function rolesOf(tenantId: string, userId: unknown): Promise<unknown> {
    return expectJson(await admin.request('GET', `/tenants/${tenantId}/users/${String(userId)}/roles`), 200)['roles'];
  }

  it('gives the members of a group mapped to editor the role, with user.roles_changed in the feed, the webhooks’ outbox and the hooks', async () => {
    const { scim, changes } = await tenant('roles-basic');
    const ada = await scim.createUser('ada');
    const bob = await scim.createUser('bob');
    const created = await map('roles-basic', { matchBy: 'displayName', matchValue: 'Engineering', role: 'editor' });
    expect(created).toMatchObject({ mapping: { matchBy: 'displayName', matchValue: 'Engineering', role: 'editor', precedence: 100 }, usersChanged: 0 });
    await changes();
    const group = await scim.createGroup('engineering', [ada['id'] as string]);
    expect(await rolesOf('roles-basic', ada['id'])).toEqual(['editor']);
    expect(await rolesOf('roles-basic', bob['id'])).toEqual([]);
    expect(await changes()).toEqual([['ada', [], ['editor']]]);

    // Adding a member already there changes nothing: no event.
    await patchGroup(scim, group, patchBody({ op: 'add', path: 'members', value: [{ value: ada['id'] }, { value: bob['id'] }] }));
    expect(await changes()).toEqual([['bob', [], ['editor']]]);

    await patchGroup(scim, group, patchBody({ op: 'remove', path: `members[value eq "${String(ada['id'])}"]` }));
    expect(await changes()).toEqual([['ada', ['editor'], []]]);
    expect(await rolesOf('roles-basic', ada['id'])).toEqual([]);

    const feed = expectJson(await admin.request('GET', '/tenants/roles-basic/events?after=0'), 200);
    const fed = (feed['events'] as Json[]).filter((event) => event['type'] === 'user.roles_changed');
    expect(fed.map((event) => [event['resourceId'], event['data']['roles']])).toEqual([
      [ada['id'], { before: [], after: ['editor'] }],
      [bob['id'], { before: [], after: ['editor'] }],
      [ada['id'], { before: ['editor'], after: [] }],
    ]);
    await server.scimitar.hooksIdle();
    expect(hooked.filter((event) => event.tenant === 'roles-basic').map((event) => [event.resourceId, event.data.roles])).toEqual([
      [ada['id'], { before: [], after: ['editor'] }],
      [bob['id'], { before: [], after: ['editor'] }],
      [ada['id'], { before: ['editor'], after: [] }],
    ]);
  });

  it('follows nested groups: a group inside a mapped group gives its users the role, and taking it out takes the role back', async () => {
    const { scim, changes } = await tenant('roles-nested');
    const ada = await scim.createUser('ada');
    const inner = await scim.createGroup('platform', [ada['id'] as string]);
    const outer = await scim.createGroup('engineering');
    await map('roles-nested', { matchBy: 'externalId', matchValue: 'eng-1', role: 'editor' });
    await patchGroup(scim, outer, patchBody({ op: 'replace', path: 'externalId', value: 'eng-1' }));
    await changes();
    await patchGroup(scim, outer, patchBody({ op: 'add', path: 'members', value: [{ value: inner['id'] }] }));
    expect(await changes()).toEqual([['ada', [], ['editor']]]);
    await patchGroup(scim, outer, patchBody({ op: 'remove', path: 'members' }));
    expect(await changes()).toEqual([['ada', ['editor'], []]]);
  });

  it('a rename keeps a rule by id (no event) and breaks a rule by displayName (the role change it implies)', async () => {
    const { scim, changes } = await tenant('roles-rename');
    const ada = await scim.createUser('ada');
    const group = await scim.createGroup('Sales', [ada['id'] as string]);
    await map('roles-rename', { matchBy: 'id', matchValue: group['id'], role: 'seller', precedence: 1 });
    await map('roles-rename', { matchBy: 'displayName', matchValue: 'sales', role: 'viewer', precedence: 2 });
    expect(await rolesOf('roles-rename', ada['id'])).toEqual(['seller', 'viewer']);
    await changes();
    await patchGroup(scim, group, patchBody({ op: 'replace', path: 'displayName', value: 'Sales EMEA' }));
    expect(await changes()).toEqual([['ada', ['seller', 'viewer'], ['seller']]]);
    // A second rename that matches no name rule either: nothing changes, nothing is told.
    await patchGroup(scim, group, patchBody({ op: 'replace', path: 'displayName', value: 'Sales APAC' }));
    expect(await changes()).toEqual([]);
  });

  it('deleting a group takes back the roles it gave, to its nested users too; deleting a user forgets theirs', async () => {
    const { scim, changes } = await tenant('roles-delete');
    const ada = await scim.createUser('ada');
    const bob = await scim.createUser('bob');
    const inner = await scim.createGroup('inner', [bob['id'] as string]);
    const group = await scim.createGroup('admins', [ada['id'] as string, inner['id'] as string]);
    await map('roles-delete', { matchBy: 'displayName', matchValue: 'admins', role: 'admin' });
    await changes();
    expectStatus(await scim.request('DELETE', `${scim.base}/Groups/${String(group['id'])}`), 204);
    expect((await changes()).sort()).toEqual([
      ['ada', ['admin'], []],
      ['bob', ['admin'], []],
    ]);
    await scim.createGroup('Admins', [ada['id'] as string]);
    await changes();
    expectStatus(await scim.request('DELETE', `${scim.base}/Users/${String(ada['id'])}`), 204);
    expect(await changes()).toEqual([]);
    expectAdminError(await admin.request('GET', `/tenants/roles-delete/users/${String(ada['id'])}/roles`), 404, 'not_found');
  });

  it('gives the default role to users no rule gives any, and lists roles in precedence order', async () => {
    const { scim, changes } = await tenant('roles-default');
    const ada = await scim.createUser('ada');
    const settings = expectJson(await admin.request('PATCH', '/tenants/roles-default/role-settings', { defaultRole: 'member' }), 200);
    expect(settings).toEqual({ defaultRole: 'member', usersChanged: 1 });
    expect(await changes()).toEqual([['ada', [], ['member']]]);
    const bob = await scim.createUser('bob');
    expect(await changes()).toEqual([['bob', [], ['member']]]);
    await map('roles-default', { matchBy: 'displayName', matchValue: 'ops', role: 'operator', precedence: 20 });
    await map('roles-default', { matchBy: 'displayName', matchValue: 'leads', role: 'approver', precedence: 10 });
    await map('roles-default', { matchBy: 'displayName', matchValue: 'leads', role: 'operator', precedence: 5 });
    await scim.createGroup('ops', [bob['id'] as string]);
    await scim.createGroup('leads', [bob['id'] as string]);
    expect(await rolesOf('roles-default', bob['id'])).toEqual(['operator', 'approver']);
    expect(await rolesOf('roles-default', ada['id'])).toEqual(['member']);
    const rules = expectJson(await admin.request('GET', '/tenants/roles-default/role-mappings'), 200);
    expect(rules['defaultRole']).toBe('member');
    expect((rules['mappings'] as Json[]).map((rule) => [rule['precedence'], rule['role']])).toEqual([
      [5, 'operator'],
      [10, 'approver'],
      [20, 'operator'],
    ]);
    // Removing a rule takes back only what it alone gave.
    const leadsOperator = (rules['mappings'] as Json[])[0]!;
    await changes();
    expectJson(await admin.request('DELETE', `/tenants/roles-default/role-mappings/${String(leadsOperator['id'])}`), 204);
    expect(await changes()).toEqual([['bob', ['operator', 'approver'], ['approver', 'operator']]]);
    expectJson(await admin.request('PATCH', '/tenants/roles-default/role-settings', { defaultRole: null }), 200);
    expect(await changes()).toEqual([['ada', ['member'], []]]);
  });

  it('keeps each tenant’s rules to itself', async () => {
    const first = await tenant('roles-one');
    const second = await tenant('roles-two');
    await map('roles-one', { matchBy: 'displayName', matchValue: 'staff', role: 'editor' });
    const ada = await second.scim.createUser('ada');
    await second.scim.createGroup('staff', [ada['id'] as string]);
    expect(await rolesOf('roles-two', ada['id'])).toEqual([]);
    expect(await second.changes()).toEqual([]);
    expect(await first.changes()).toEqual([]);
  });

  it('answers bad rules with a 400 naming the problem, a repeated rule with 409, and unknown tenants, rules and users with 404', async () => {
    await tenant('roles-bad');
    const bad: [Json, RegExp][] = [
      [{ matchBy: 'name', matchValue: 'x', role: 'editor' }, /matchBy/],
      [{ matchBy: 'displayName', matchValue: '', role: 'editor' }, /matchValue/],
      [{ matchBy: 'displayName', matchValue: 'x', role: '' }, /role/],
      [{ matchBy: 'displayName', matchValue: 'x', role: 'edi\u0000tor' }, /role/],
      [{ matchBy: 'displayName', matchValue: '   ', role: 'editor' }, /matchValue/],
      [{ matchBy: 'displayName', matchValue: 'x', role: 'editor', precedence: -1 }, /precedence/],
      [{ matchBy: 'displayName', matchValue: 'x', role: 'r'.repeat(101) }, /role/],
      [{ matchBy: 'displayName', matchValue: 'x' }, /role/],
      [{ matchBy: 'displayName', matchValue: 'x', role: 'editor', extra: true }, /extra|additional/],
    ];
    for (const [body, problem] of bad) {
      expect(expectAdminError(await admin.request('POST', '/tenants/roles-bad/role-mappings', body), 400, 'bad_request')['message']).toMatch(problem);
    }
    expectAdminError(await admin.request('PATCH', '/tenants/roles-bad/role-settings', { defaultRole: 'a\u0007b' }), 400, 'bad_request');
    await map('roles-bad', { matchBy: 'displayName', matchValue: 'Staff', role: 'editor' });
    expectAdminError(await admin.request('POST', '/tenants/roles-bad/role-mappings', { matchBy: 'displayName', matchValue: 'STAFF', role: 'editor' }), 409, 'conflict');
    expectAdminError(await admin.request('DELETE', '/tenants/roles-bad/role-mappings/no-such-rule'), 404, 'not_found');
    expectAdminError(await admin.request('GET', '/tenants/roles-bad/users/no-such-user/roles'), 404, 'not_found');
    expectAdminError(await admin.request('GET', '/tenants/roles-bad/users/nul%00id/roles'), 404, 'not_found');
    expectAdminError(await admin.request('GET', '/tenants/no-such-tenant/role-mappings'), 404, 'not_found');
    expectAdminError(await admin.request('POST', '/tenants/no-such-tenant/role-mappings', { matchBy: 'id', matchValue: 'x', role: 'editor' }), 404, 'not_found');
    expect((expectJson(await admin.request('GET', '/tenants/roles-bad/role-mappings'), 200)['mappings'] as Json[]).length).toBe(1);
  });
});
