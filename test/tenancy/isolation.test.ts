/**
 * Two customers on one server: each identity provider, with its own token
 * and base URL, sees and touches only its own directory — on every endpoint,
 * through reads, writes, PATCH, membership references, filters and totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { expectScimError, expectStatus, groupBody, ids, type Json, json, patchBody, SEARCH_REQUEST_SCHEMA, userBody } from '../http/support.js';
import { createTenant, type TenantClient } from './support.js';

const ORIGIN = 'https://scim.example.com';
const SHARED_USER_NAME = 'bjensen@example.com';

describe('tenant isolation', () => {
  let server: TestServer;
  let acme: TenantClient;
  let globex: TenantClient;
  /** Each tenant's resources, by role. */
  const created: Record<string, { user: Json; other: Json; group: Json }> = {};

  beforeAll(async () => {
    // This suite fails authentication on purpose, many times: throttling has its own suite.
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '100000' });
    acme = await createTenant(server, 'acme');
    globex = await createTenant(server, 'globex');
    for (const client of [acme, globex]) {
      const user = await client.createUser(SHARED_USER_NAME, { displayName: `Babs of ${client.tenant}`, externalId: 'ext-1' });
      const other = await client.createUser(`only-${client.tenant}@example.com`);
      const group = await client.createGroup('Engineering', [user['id'] as string]);
      created[client.tenant] = { user, other, group };
    }
  });
  afterAll(async () => {
    await server.close();
  });

  const of = (client: TenantClient) => created[client.tenant]!;

  async function expectUnchanged(owner: TenantClient, path: string, version: string): Promise<void> {
    const response = await owner.request('GET', `${owner.base}${path}`);
    expect(expectStatus(response, 200)['meta']['version']).toBe(version);
  }

  it('lets both tenants provision the same userName without a conflict', () => {
    expect(of(acme).user['userName']).toBe(SHARED_USER_NAME);
    expect(of(globex).user['userName']).toBe(SHARED_USER_NAME);
    expect(of(acme).user['id']).not.toBe(of(globex).user['id']);
  });

  it('still enforces uniqueness within a tenant', async () => {
    expectScimError(await acme.request('POST', `${acme.base}/Users`, userBody(SHARED_USER_NAME.toUpperCase())), 409, 'uniqueness');
  });

  it('writes meta.location and member $ref with the URL the client used', async () => {
    const user = of(acme).user;
    expect(user['meta']['location']).toBe(`${ORIGIN}/t/acme/scim/v2/Users/${user['id']}`);
    const group = expectStatus(await acme.request('GET', `${acme.base}/Groups/${of(acme).group['id']}`), 200);
    expect(group['meta']['location']).toBe(`${ORIGIN}/t/acme/scim/v2/Groups/${group['id']}`);
    expect(group['members']).toEqual([{ value: user['id'], $ref: `${ORIGIN}/t/acme/scim/v2/Users/${user['id']}`, display: 'Babs of acme', type: 'User' }]);
    const discovery = expectStatus(await acme.request('GET', `${acme.base}/ResourceTypes/User`), 200);
    expect(discovery['meta']['location']).toBe(`${ORIGIN}/t/acme/scim/v2/ResourceTypes/User`);
  });

  it('serves a token’s own tenant on /scim/v2 too, with /scim/v2 locations', async () => {
    const list = expectStatus(await acme.request('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${SHARED_USER_NAME}"`)}`), 200);
    expect(ids(list)).toEqual([of(acme).user['id']]);
    expect(list['Resources'][0]['meta']['location']).toBe(`${ORIGIN}/scim/v2/Users/${of(acme).user['id']}`);
  });

  it('keeps the default tenant (SCIMITAR_TOKEN) apart from both', async () => {
    const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users' }), 200);
    expect(list['totalResults']).toBe(0);
    expectStatus(await server.request({ method: 'GET', url: '/t/default/scim/v2/Users' }), 200);
    expectScimError(await server.request({ method: 'GET', url: '/t/acme/scim/v2/Users' }), 401);
  });

  describe('on its own URL, a tenant cannot reach the other tenant’s resources by id', () => {
    it('GET answers 404 for the other tenant’s User and Group', async () => {
      expectScimError(await acme.request('GET', `${acme.base}/Users/${of(globex).user['id']}`), 404);
      expectScimError(await acme.request('GET', `${acme.base}/Groups/${of(globex).group['id']}`), 404);
      expectScimError(await acme.request('GET', `/scim/v2/Users/${of(globex).user['id']}`), 404);
    });

    it('PUT, PATCH and DELETE answer 404 and change nothing', async () => {
      const userPath = `/Users/${of(globex).user['id']}`;
      const groupPath = `/Groups/${of(globex).group['id']}`;
      expectScimError(await acme.request('PUT', `${acme.base}${userPath}`, userBody('hijacked')), 404);
      expectScimError(await acme.request('PATCH', `${acme.base}${userPath}`, patchBody({ op: 'replace', path: 'active', value: false })), 404);
      expectScimError(await acme.request('PATCH', `${acme.base}${groupPath}`, patchBody({ op: 'remove', path: 'members' })), 404);
      expectScimError(await acme.request('PUT', `${acme.base}${groupPath}`, groupBody('Hijacked')), 404);
      expectScimError(await acme.request('DELETE', `${acme.base}${userPath}`), 404);
      expectScimError(await acme.request('DELETE', `${acme.base}${groupPath}`), 404);
      await expectUnchanged(globex, userPath, 'W/"1"');
      await expectUnchanged(globex, groupPath, 'W/"1"');
      const members = expectStatus(await globex.request('GET', `${globex.base}${groupPath}`), 200)['members'] as Json[];
      expect(members.map((member) => member['value'])).toEqual([of(globex).user['id']]);
    });
  });

  describe('membership references to another tenant are 400 invalidValue', () => {
    it('on POST /Groups', async () => {
      const response = await acme.request('POST', `${acme.base}/Groups`, groupBody('Mixed', [of(globex).user['id'] as string]));
      expectScimError(response, 400, 'invalidValue');
      const list = expectStatus(await acme.request('GET', `${acme.base}/Groups?filter=${encodeURIComponent('displayName eq "Mixed"')}`), 200);
      expect(list['totalResults']).toBe(0);
    });

    it('on PATCH add and replace of members, leaving the group as it was', async () => {
      const path = `${acme.base}/Groups/${of(acme).group['id']}`;
      const foreign = of(globex).user['id'];
      expectScimError(await acme.request('PATCH', path, patchBody({ op: 'add', path: 'members', value: [{ value: foreign }] })), 400, 'invalidValue');
      expectScimError(await acme.request('PATCH', path, patchBody({ op: 'replace', path: 'members', value: [{ value: foreign }] })), 400, 'invalidValue');
      expectScimError(await acme.request('PATCH', path, patchBody({ op: 'add', value: { members: [{ value: of(globex).group['id'] }] } })), 400, 'invalidValue');
      await expectUnchanged(acme, `/Groups/${of(acme).group['id']}`, 'W/"1"');
    });

    it('on PUT /Groups/{id}', async () => {
      const response = await acme.request('PUT', `${acme.base}/Groups/${of(acme).group['id']}`, groupBody('Engineering', [of(globex).other['id'] as string]));
      expectScimError(response, 400, 'invalidValue');
      await expectUnchanged(acme, `/Groups/${of(acme).group['id']}`, 'W/"1"');
    });

    it('and an enterprise manager naming another tenant’s user never exposes it', async () => {
      const manager = of(globex).user['id'] as string;
      const user = await acme.createUser('managed@example.com', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: manager } },
      });
      expect(JSON.stringify(user)).not.toContain('Babs of globex');
      expectStatus(await acme.request('DELETE', `${acme.base}/Users/${user['id']}`), 204);
    });
  });

  describe('filters and totals count only the tenant’s own resources', () => {
    const filterQuery = (filter: string) => `filter=${encodeURIComponent(filter)}`;

    it.each([
      ['Users', `userName eq "${SHARED_USER_NAME}"`, 1],
      ['Users', 'externalId eq "ext-1"', 1],
      ['Users', 'userName sw "only-"', 1],
      ['Users', 'userName pr', 2],
      ['Groups', 'displayName eq "Engineering"', 1],
      ['Groups', 'displayName pr', 1],
    ])('GET /%s?filter=%s → %i per tenant', async (endpoint, filter, expected) => {
      for (const client of [acme, globex]) {
        const list = expectStatus(await client.request('GET', `${client.base}/${endpoint}?${filterQuery(filter)}`), 200);
        expect(list['totalResults'], `${client.tenant}: ${filter}`).toBe(expected);
        for (const resource of list['Resources'] as Json[]) {
          expect(resource['meta']['location']).toContain(`/t/${client.tenant}/scim/v2/`);
        }
      }
    });

    it('finds nothing by the other tenant’s ids, even by id or member value', async () => {
      const foreignUser = of(globex).user['id'] as string;
      const foreignGroup = of(globex).group['id'] as string;
      const probes: readonly [string, string][] = [
        ['Users', `id eq "${foreignUser}"`],
        ['Users', `groups.value eq "${foreignGroup}"`],
        ['Groups', `id eq "${foreignGroup}"`],
        ['Groups', `members.value eq "${foreignUser}"`],
      ];
      for (const [endpoint, filter] of probes) {
        const list = expectStatus(await acme.request('GET', `${acme.base}/${endpoint}?${filterQuery(filter)}`), 200);
        expect(list['totalResults'], `${endpoint} ${filter}`).toBe(0);
      }
    });

    it('counts only its own on unfiltered lists and count=0', async () => {
      for (const client of [acme, globex]) {
        const users = expectStatus(await client.request('GET', `${client.base}/Users`), 200);
        expect(users['totalResults']).toBe(2);
        expect(ids(users).sort()).toEqual([of(client).user['id'], of(client).other['id']].sort());
        const groups = expectStatus(await client.request('GET', `${client.base}/Groups?count=0`), 200);
        expect(groups['totalResults']).toBe(1);
        expect(groups['Resources']).toEqual([]);
      }
    });

    it('POST /Users/.search, /Groups/.search and /.search see only the tenant', async () => {
      // displayName exists on both types, so the root search applies the filter to Users and Groups.
      const search = { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'displayName sw "Babs" or displayName eq "Engineering"' };
      for (const client of [acme, globex]) {
        const users = expectStatus(await client.request('POST', `${client.base}/Users/.search`, { schemas: [SEARCH_REQUEST_SCHEMA] }), 200);
        expect(users['totalResults']).toBe(2);
        const groups = expectStatus(await client.request('POST', `${client.base}/Groups/.search`, { schemas: [SEARCH_REQUEST_SCHEMA] }), 200);
        expect(ids(groups)).toEqual([of(client).group['id']]);
        const root = expectStatus(await client.request('POST', `${client.base}/.search`, search), 200);
        expect(root['totalResults']).toBe(2);
        expect(ids(root)).toEqual([of(client).user['id'], of(client).group['id']]);
      }
    });

    it('reports group membership of a User only within the tenant', async () => {
      const user = expectStatus(await globex.request('GET', `${globex.base}/Users/${of(globex).user['id']}`), 200);
      expect(user['groups']).toEqual([
        { value: of(globex).group['id'], $ref: `${ORIGIN}/t/globex/scim/v2/Groups/${of(globex).group['id']}`, display: 'Engineering', type: 'direct' },
      ]);
    });
  });

  describe('a token on another tenant’s URL', () => {
    const attempts: readonly [string, string, unknown][] = [
      ['GET', '/Users', undefined],
      ['GET', '/Users/{user}', undefined],
      ['GET', '/Groups/{group}', undefined],
      ['POST', '/Users', userBody('intruder@example.com')],
      ['PUT', '/Users/{user}', userBody('intruder@example.com')],
      ['PATCH', '/Users/{user}', patchBody({ op: 'replace', path: 'active', value: false })],
      ['PATCH', '/Groups/{group}', patchBody({ op: 'remove', path: 'members' })],
      ['DELETE', '/Users/{user}', undefined],
      ['POST', '/Users/.search', { schemas: [SEARCH_REQUEST_SCHEMA] }],
      ['POST', '/.search', { schemas: [SEARCH_REQUEST_SCHEMA] }],
      ['GET', '/ServiceProviderConfig', undefined],
      ['GET', '/Schemas', undefined],
      ['GET', '/NoSuchEndpoint', undefined],
    ];

    it.each(attempts)('%s %s is 401 and changes nothing', async (method, template, body) => {
      const path = template.replace('{user}', of(globex).user['id'] as string).replace('{group}', of(globex).group['id'] as string);
      expectScimError(await acme.request(method as 'GET', `${globex.base}${path}`, body), 401);
      await expectUnchanged(globex, `/Users/${of(globex).user['id']}`, 'W/"1"');
      await expectUnchanged(globex, `/Groups/${of(globex).group['id']}`, 'W/"1"');
      expect(expectStatus(await globex.request('GET', `${globex.base}/Users?count=0`), 200)['totalResults']).toBe(2);
    });

    it('gets the same answer whether the named tenant exists, does not, or cannot', async () => {
      const answers = await Promise.all(
        ['/t/globex/scim/v2/Users', '/t/no-such-tenant/scim/v2/Users', '/t/Not_A_Slug/scim/v2/Users', '/t/globex/scim/v2/Users/x', '/t/ghost/scim/v2/Users/x'].map(
          (url) => acme.request('GET', url),
        ),
      );
      const [first, ...others] = answers.map((response) => ({
        status: response.statusCode,
        body: response.body,
        contentType: response.headers['content-type'],
        authenticate: response.headers['www-authenticate'],
        length: response.headers['content-length'],
      }));
      expect(first!.status).toBe(401);
      for (const other of others) expect(other).toEqual(first);
      // …and the same as a wrong token on the tenant's own URL.
      const wrongToken = await server.scimitar.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users', headers: { authorization: 'Bearer scim_not-a-real-token-000000' } });
      expect(wrongToken.body).toBe(first!.body);
      const noToken = await server.scimitar.app.inject({ method: 'GET', url: '/t/ghost/scim/v2/Users' });
      expect(noToken.body).toBe(first!.body);
    });
  });

  it('a deleted tenant takes its data and tokens with it; the other tenant is untouched', async () => {
    const initech = await createTenant(server, 'initech');
    await initech.createUser(SHARED_USER_NAME);
    await server.scimitar.tenants.delete('initech');
    expectScimError(await initech.request('GET', `${initech.base}/Users`), 401);
    expectScimError(await initech.request('GET', '/scim/v2/Users'), 401);
    expect(await server.scimitar.store.tenants.countResources('initech')).toEqual({ users: 0, groups: 0 });
    expect(json(await globex.request('GET', `${globex.base}/Users?count=0`))['totalResults']).toBe(2);
  });

  it('serves the token’s tenant at /scim/v2 for a single-tenant setup without any tenant in the URL', async () => {
    const me = expectStatus(await globex.request('GET', '/scim/v2/Groups'), 200);
    expect(ids(me)).toEqual([of(globex).group['id']]);
    expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }), 200);
    expect(TEST_TOKEN.length).toBeGreaterThan(15);
  });
});
