/**
 * The admin API is its own context: admin keys open it and nothing else
 * does; admin keys open nothing else. Failures are throttled and answered
 * in the admin error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { expectScimError } from '../http/support.js';
import { createTenant, TestClock, type TenantClient } from '../tenancy/support.js';
import { ADMIN, adminClient, expectAdminError, expectJson, type AdminClient } from './support.js';

describe('admin API authentication', () => {
  let clock: TestClock;
  let server: TestServer;
  let admin: AdminClient;
  let acme: TenantClient;

  beforeAll(async () => {
    clock = new TestClock();
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '5', SCIMITAR_AUTH_FAILURE_WINDOW: '60' }, { now: clock.now });
    admin = await adminClient(server);
    acme = await createTenant(server, 'acme');
  });
  afterAll(async () => {
    await server.close();
  });

  /** Each case from its own address, so the throttle (tested last) stays out of the way. */
  let nextAddress = 1;
  const asAdmin = (authorization: string | undefined, url = `${ADMIN}/tenants`) =>
    server.scimitar.app.inject({
      method: 'GET',
      url,
      remoteAddress: `10.0.0.${nextAddress++}`,
      headers: authorization === undefined ? {} : { authorization },
    });

  it('accepts an admin key', async () => {
    expectJson(await admin.request('GET', '/tenants'), 200);
  });

  it('refuses a missing or malformed key with 401, WWW-Authenticate and the admin error shape', async () => {
    for (const authorization of [undefined, 'Basic YWRtaW46YWRtaW4=', admin.key, `Bearer ${admin.key}x`, 'Bearer ']) {
      const response = await asAdmin(authorization);
      expectAdminError(response, 401, 'unauthorized');
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer /);
    }
  });

  it('refuses SCIM bearer tokens: a tenant token and the fixed SCIMITAR_TOKEN', async () => {
    expectAdminError(await asAdmin(`Bearer ${acme.token}`), 401, 'unauthorized');
    expectAdminError(await asAdmin(`Bearer ${TEST_TOKEN}`), 401, 'unauthorized');
    expectAdminError(await asAdmin(`Bearer ${acme.token}`, `${ADMIN}/tenants/acme/tokens`), 401, 'unauthorized');
  });

  it('is refused on every SCIM URL', async () => {
    for (const url of ['/scim/v2/Users', '/scim/v2/ServiceProviderConfig', '/t/default/scim/v2/Users', '/t/acme/scim/v2/Groups']) {
      const response = await server.scimitar.app.inject({ method: 'GET', url, remoteAddress: `10.1.0.${nextAddress++}`, headers: { authorization: `Bearer ${admin.key}` } });
      expectScimError(response, 401);
    }
  });

  it('refuses a revoked admin key from the next request on', async () => {
    const other = await adminClient(server, 'to revoke');
    expectJson(await other.request('GET', '/tenants'), 200);
    const key = (await server.scimitar.adminKeys.list()).find((candidate) => candidate.name === 'to revoke')!;
    await server.scimitar.adminKeys.revoke(key.id);
    expectAdminError(await other.request('GET', '/tenants'), 401, 'unauthorized');
    await expect(server.scimitar.adminKeys.revoke('no-such-key')).rejects.toMatchObject({ status: 404 });
  });

  it('lists admin keys without their secret or hash', async () => {
    const keys = await server.scimitar.adminKeys.list();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'status']);
    expect(JSON.stringify(keys)).not.toContain(admin.key);
  });

  it('serves the OpenAPI document without a key', async () => {
    const response = await server.scimitar.app.inject({ method: 'GET', url: `${ADMIN}/openapi.json` });
    expect(expectJson(response, 200)['openapi']).toBe('3.1.0');
  });

  it('answers unknown admin URLs with 404 in the admin error shape', async () => {
    expectAdminError(await admin.request('GET', '/nothing-here'), 404, 'not_found');
  });

  it('throttles failed admin authentication per address with 429 and Retry-After', async () => {
    const address = '10.9.9.9';
    const attempt = (key: string) => server.scimitar.app.inject({ method: 'GET', url: `${ADMIN}/tenants`, remoteAddress: address, headers: { authorization: `Bearer ${key}` } });
    for (let failure = 0; failure < 5; failure += 1) expectAdminError(await attempt('scimadm_wrong-guess-000000'), 401, 'unauthorized');
    const throttled = await attempt(admin.key);
    expectAdminError(throttled, 429, 'too_many_requests');
    expect(String(throttled.headers['retry-after'])).toMatch(/^[1-9]\d*$/);
    clock.advance(61_000);
    expect((await attempt(admin.key)).statusCode).toBe(200);
  });
});
