/**
 * Every endpoint of the admin API (/admin/v1): tenants, tokens, and the
 * read-only directory views; no secret or hash in any listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { type Json, PATCH_OP_SCHEMA } from '../http/support.js';
import { clientFor, type TenantClient } from '../tenancy/support.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from './support.js';

const ORIGIN = 'https://scim.example.com';

describe('admin API', () => {
  let server: TestServer;
  let admin: AdminClient;
  /** Every secret handed out during the suite: none may ever appear in a listing. */
  const secrets: string[] = [];

  beforeAll(async () => {
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '100000' });
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  async function createTenant(id: string, body: Json = {}): Promise<Json> {
    const created = expectJson(await admin.request('POST', '/tenants', { id, ...body }), 201);
    secrets.push(created['token'] as string);
    return created;
  }

  function scim(created: Json): TenantClient {
    return clientFor(server, created['tenant'] as string, created['token'] as string, created['tokenId'] as string);
  }

  describe('tenants', () => {
    let acme: Json;
    beforeAll(async () => {
      acme = await createTenant('acme', { name: 'Acme Corp', tokenName: 'okta' });
    });

    it('POST /tenants creates a tenant and returns its SCIM base URL and a first token that works', async () => {
      expect(acme).toEqual({
        tenant: 'acme',
        name: 'Acme Corp',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        scimBaseUrl: `${ORIGIN}/t/acme/scim/v2`,
        token: expect.stringMatching(/^scim_[A-Za-z0-9_-]{43}$/),
        tokenId: expect.any(String),
      });
      const client = scim(acme);
      expect((await client.request('GET', `${client.base}/Users`)).statusCode).toBe(200);
    });

    it('names a tenant after its id unless told otherwise', async () => {
      expect((await createTenant('initech'))['name']).toBe('initech');
    });

    it('POST /tenants refuses a taken id (409), a malformed id, a missing id and unknown fields (400)', async () => {
      expectAdminError(await admin.request('POST', '/tenants', { id: 'acme' }), 409, 'conflict');
      expectAdminError(await admin.request('POST', '/tenants', { id: 'Acme Corp' }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants', { id: '-acme' }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants', { id: 'a'.repeat(64) }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants', { name: 'No id' }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants', { id: 'typo', nmae: 'Typo' }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants', '{"id":'), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants', { id: 'ctrl', name: 'bad\u0007name' }), 400, 'bad_request');
    });

    it('GET /tenants lists every tenant by id, with its SCIM base URL', async () => {
      const list = expectJson(await admin.request('GET', '/tenants'), 200);
      expect((list['tenants'] as Json[]).map((tenant) => tenant['id'])).toEqual(['acme', 'default', 'initech']);
      expect((list['tenants'] as Json[])[0]).toEqual({ id: 'acme', name: 'Acme Corp', createdAt: acme['createdAt'], scimBaseUrl: `${ORIGIN}/t/acme/scim/v2` });
    });

    it('GET /tenants/{tenant} shows counts and tokens', async () => {
      const client = scim(acme);
      await client.createUser('counted@example.com');
      const shown = expectJson(await admin.request('GET', '/tenants/acme'), 200);
      expect(shown).toMatchObject({ id: 'acme', name: 'Acme Corp', scimBaseUrl: `${ORIGIN}/t/acme/scim/v2`, users: 1, groups: 0 });
      expect((shown['tokens'] as Json[]).map((token) => [token['id'], token['name'], token['status']])).toEqual([[acme['tokenId'], 'okta', 'active']]);
    });

    it('GET /tenants/{tenant} answers 404 for an unknown tenant and 400 for a malformed id', async () => {
      expectAdminError(await admin.request('GET', '/tenants/nobody'), 404, 'not_found');
      expectAdminError(await admin.request('GET', '/tenants/NOT_A_SLUG'), 400, 'bad_request');
    });

    it('DELETE /tenants/{tenant} removes the tenant, its data and its tokens', async () => {
      const doomed = await createTenant('doomed');
      const client = scim(doomed);
      await client.createUser('gone@example.com');
      expectJson(await admin.request('DELETE', '/tenants/doomed'), 204);
      expectAdminError(await admin.request('GET', '/tenants/doomed'), 404, 'not_found');
      expect((await client.request('GET', `${client.base}/Users`)).statusCode).toBe(401);
      expectAdminError(await admin.request('DELETE', '/tenants/doomed'), 404, 'not_found');
    });

    it('DELETE /tenants/default is refused: /scim/v2 and SCIMITAR_TOKEN rely on it', async () => {
      expectAdminError(await admin.request('DELETE', '/tenants/default'), 400, 'bad_request');
      expectJson(await admin.request('GET', '/tenants/default'), 200);
    });
  });

  describe('tokens', () => {
    let tenant: Json;
    beforeAll(async () => {
      tenant = await createTenant('globex');
    });

    it('POST /tenants/{tenant}/tokens creates a token, with an optional expiry', async () => {
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const created = expectJson(await admin.request('POST', '/tenants/globex/tokens', { name: 'entra', expiresAt }), 201);
      secrets.push(created['token'] as string);
      expect(created).toEqual({
        id: expect.any(String),
        tenant: 'globex',
        name: 'entra',
        prefix: (created['token'] as string).slice(0, 11),
        status: 'active',
        createdAt: expect.any(String),
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
        setupLinkId: null,
        token: expect.stringMatching(/^scim_/),
      });
      const client = clientFor(server, 'globex', created['token'] as string, created['id'] as string);
      expect((await client.request('GET', `${client.base}/Groups`)).statusCode).toBe(200);
    });

    it('POST /tenants/{tenant}/tokens works without a body, and refuses bad input', async () => {
      const created = expectJson(await admin.request('POST', '/tenants/globex/tokens'), 201);
      secrets.push(created['token'] as string);
      expect(created['name']).toBe('api token');
      expectAdminError(await admin.request('POST', '/tenants/nobody/tokens', {}), 404, 'not_found');
      expectAdminError(await admin.request('POST', '/tenants/globex/tokens', { expiresAt: '2001-01-01T00:00:00Z' }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants/globex/tokens', { expiresAt: 'tomorrow' }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants/globex/tokens', { name: '' }), 400, 'bad_request');
    });

    it('GET /tenants/{tenant}/tokens lists the tenant’s tokens only', async () => {
      const list = expectJson(await admin.request('GET', '/tenants/globex/tokens'), 200);
      const tokens = list['tokens'] as Json[];
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      for (const token of tokens) {
        expect(token['tenant']).toBe('globex');
        expect(Object.keys(token).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'setupLinkId', 'status', 'tenant']);
      }
      expectAdminError(await admin.request('GET', '/tenants/nobody/tokens'), 404, 'not_found');
    });

    it('POST …/revoke revokes at once', async () => {
      const created = expectJson(await admin.request('POST', '/tenants/globex/tokens', { name: 'short-lived' }), 201);
      secrets.push(created['token'] as string);
      const client = clientFor(server, 'globex', created['token'] as string, created['id'] as string);
      expect((await client.request('GET', `${client.base}/Users`)).statusCode).toBe(200);
      const revoked = expectJson(await admin.request('POST', `/tenants/globex/tokens/${created['id']}/revoke`), 200);
      expect(revoked).toMatchObject({ id: created['id'], status: 'revoked', revokedAt: expect.any(String) });
      expect(revoked['token']).toBeUndefined();
      expect((await client.request('GET', `${client.base}/Users`)).statusCode).toBe(401);
      expectAdminError(await admin.request('POST', '/tenants/globex/tokens/no-such-token/revoke'), 404, 'not_found');
      // A token id of another tenant is "not found" under this one.
      expectAdminError(await admin.request('POST', `/tenants/acme/tokens/${created['id']}/revoke`), 404, 'not_found');
    });

    it('POST …/rotate returns a successor; both work during the overlap', async () => {
      const rotated = expectJson(await admin.request('POST', `/tenants/globex/tokens/${tenant['tokenId']}/rotate`, { overlapSeconds: 3600 }), 201);
      secrets.push(rotated['token'] as string);
      expect(rotated['name']).toBe('initial token');
      expect(rotated['previous']).toMatchObject({ id: tenant['tokenId'], status: 'active' });
      const overlap = Date.parse(rotated['previous']['expiresAt'] as string) - Date.now();
      expect(overlap).toBeGreaterThan(3_500_000);
      expect(overlap).toBeLessThanOrEqual(3_600_000);
      for (const token of [tenant['token'], rotated['token']] as string[]) {
        const client = clientFor(server, 'globex', token, '');
        expect((await client.request('GET', `${client.base}/Users`)).statusCode).toBe(200);
      }
      expectAdminError(await admin.request('POST', '/tenants/globex/tokens/no-such-token/rotate', {}), 404, 'not_found');
      expectAdminError(await admin.request('POST', `/tenants/globex/tokens/${tenant['tokenId']}/rotate`, { overlapSeconds: -1 }), 400, 'bad_request');
    });

    it('POST …/rotate defaults to a 24-hour overlap', async () => {
      const created = expectJson(await admin.request('POST', '/tenants/globex/tokens', { name: 'to rotate' }), 201);
      const rotated = expectJson(await admin.request('POST', `/tenants/globex/tokens/${created['id']}/rotate`), 201);
      secrets.push(created['token'] as string, rotated['token'] as string);
      const overlap = Date.parse(rotated['previous']['expiresAt'] as string) - Date.now();
      expect(overlap).toBeGreaterThan(86_300_000);
      expect(overlap).toBeLessThanOrEqual(86_400_000);
    });
  });

  describe('directory views', () => {
    let client: TenantClient;
    let users: Json[];
    let group: Json;

    beforeAll(async () => {
      client = scim(await createTenant('umbrella'));
      users = [];
      for (const name of ['alice', 'bob', 'carol']) {
        users.push(await client.createUser(`${name}@umbrella.example`, { password: 'Sup3r-secret!', emails: [{ value: `${name}@umbrella.example`, primary: true }] }));
      }
      group = await client.createGroup('Researchers', [users[0]!['id'] as string, users[1]!['id'] as string]);
      // The same userName in another tenant must not show up here.
      await scim(await createTenant('other-corp')).createUser('alice@umbrella.example');
    });

    it('GET /tenants/{tenant}/users lists with SCIM filter, sorting and paging', async () => {
      const all = expectJson(await admin.request('GET', '/tenants/umbrella/users?sortBy=userName&sortOrder=descending'), 200);
      expect(all['schemas']).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
      expect(all['totalResults']).toBe(3);
      expect((all['Resources'] as Json[]).map((user) => user['userName'])).toEqual(['carol@umbrella.example', 'bob@umbrella.example', 'alice@umbrella.example']);
      const filtered = expectJson(await admin.request('GET', `/tenants/umbrella/users?filter=${encodeURIComponent('userName eq "ALICE@umbrella.example"')}`), 200);
      expect(filtered['totalResults']).toBe(1);
      expect(filtered['Resources'][0]['id']).toBe(users[0]!['id']);
      expect(filtered['Resources'][0]['meta']['location']).toBe(`${ORIGIN}/t/umbrella/scim/v2/Users/${users[0]!['id']}`);
      const page = expectJson(await admin.request('GET', '/tenants/umbrella/users?sortBy=userName&startIndex=2&count=1'), 200);
      expect(page).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect(page['Resources'][0]['userName']).toBe('bob@umbrella.example');
      const projected = expectJson(await admin.request('GET', '/tenants/umbrella/users?attributes=userName&count=1'), 200);
      expect(Object.keys(projected['Resources'][0]).sort()).toEqual(['id', 'schemas', 'userName']);
    });

    it('GET /tenants/{tenant}/users refuses a bad filter and an unknown tenant', async () => {
      expectAdminError(await admin.request('GET', `/tenants/umbrella/users?filter=${encodeURIComponent('userName eq')}`), 400, 'bad_request');
      expectAdminError(await admin.request('GET', '/tenants/umbrella/users?count=-1'), 400, 'bad_request');
      expectAdminError(await admin.request('GET', '/tenants/nobody/users'), 404, 'not_found');
    });

    it('GET /tenants/{tenant}/users/{id} shows a user, never its password', async () => {
      const shown = expectJson(await admin.request('GET', `/tenants/umbrella/users/${users[0]!['id']}`), 200);
      expect(shown['userName']).toBe('alice@umbrella.example');
      expect(shown['groups']).toEqual([expect.objectContaining({ value: group['id'], display: 'Researchers' })]);
      expect(JSON.stringify(shown)).not.toMatch(/password|Sup3r-secret|scrypt/i);
      expectAdminError(await admin.request('GET', `/tenants/other-corp/users/${users[0]!['id']}`), 404, 'not_found');
      expectAdminError(await admin.request('GET', '/tenants/umbrella/users/no-such-id'), 404, 'not_found');
    });

    it('GET /tenants/{tenant}/groups and /groups/{id}', async () => {
      const list = expectJson(await admin.request('GET', `/tenants/umbrella/groups?filter=${encodeURIComponent(`members.value eq "${users[1]!['id']}"`)}`), 200);
      expect(list['totalResults']).toBe(1);
      const shown = expectJson(await admin.request('GET', `/tenants/umbrella/groups/${group['id']}?excludedAttributes=members`), 200);
      expect(shown['displayName']).toBe('Researchers');
      expect(shown['members']).toBeUndefined();
      const full = expectJson(await admin.request('GET', `/tenants/umbrella/groups/${group['id']}`), 200);
      expect((full['members'] as Json[]).length).toBe(2);
      expectAdminError(await admin.request('GET', '/tenants/umbrella/groups/no-such-id'), 404, 'not_found');
      expectAdminError(await admin.request('GET', '/tenants/nobody/groups'), 404, 'not_found');
    });

    it('is read-only: no write method is routed', async () => {
      const path = `/tenants/umbrella/users/${users[2]!['id']}`;
      for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
        const response = await admin.request(method, path, { schemas: [PATCH_OP_SCHEMA], Operations: [] });
        expect(response.statusCode, method).toBe(404);
      }
      expect((await client.request('GET', `${client.base}/Users/${users[2]!['id']}`)).statusCode).toBe(200);
    });
  });

  it('never shows a token secret or hash in any listing', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const listings: string[] = [];
    for (const path of ['/tenants', '/tenants/acme', '/tenants/globex', '/tenants/globex/tokens', '/tenants/umbrella/users', '/tenants/umbrella/groups']) {
      const response = await admin.request('GET', path);
      expectJson(response, 200);
      listings.push(response.body);
    }
    const text = listings.join('\n');
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(12));
    }
    expect(text).not.toMatch(/hmac-sha256|"hash"|[0-9a-f]{64}/);
    expect(text).not.toContain(admin.key);
  });
});
