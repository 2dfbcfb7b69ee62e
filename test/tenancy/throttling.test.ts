/**
 * Failed authentication is throttled per client address and per tenant URL;
 * requests are rate-limited per tenant. Both answer 429 with Retry-After in
 * whole seconds, and neither says whether a tenant exists.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { expectScimError } from '../http/support.js';
import { createTenant, SECOND, TestClock, type TenantClient } from './support.js';

const LIMIT = 3;
const WINDOW_SECONDS = 60;

function retryAfter(response: LightMyRequestResponse): number {
  const header = String(response.headers['retry-after']);
  expect(header).toMatch(/^[1-9]\d*$/);
  return Number(header);
}

describe('failed-authentication throttling', () => {
  let clock: TestClock;
  let server: TestServer;
  let acme: TenantClient;

  beforeEach(async () => {
    clock = new TestClock();
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: String(LIMIT), SCIMITAR_AUTH_FAILURE_WINDOW: String(WINDOW_SECONDS) }, { now: clock.now });
    acme = await createTenant(server, 'acme');
  });
  afterEach(async () => {
    await server.close();
  });

  const attempt = (url: string, token: string | undefined, address = '203.0.113.7') =>
    server.scimitar.app.inject({ method: 'GET', url, remoteAddress: address, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('answers 429 with an integer Retry-After once an address has failed too often, whatever it sends next', async () => {
    for (let failure = 0; failure < LIMIT; failure += 1) expectScimError(await attempt('/scim/v2/Users', 'scim_wrong-guess-00000000'), 401);
    const throttled = await attempt('/scim/v2/Users', 'scim_wrong-guess-00000000');
    expectScimError(throttled, 429);
    expect(retryAfter(throttled)).toBe(WINDOW_SECONDS);
    // A correct guess from the throttled address gains nothing: it is not even checked.
    expectScimError(await attempt(`${acme.base}/Users`, acme.token), 429);
    // Other addresses are not affected.
    expect((await attempt(`${acme.base}/Users`, acme.token, '198.51.100.1')).statusCode).toBe(200);

    clock.advance(20 * SECOND);
    expect(retryAfter(await attempt('/scim/v2/Users', undefined))).toBe(WINDOW_SECONDS - 20);
    clock.advance((WINDOW_SECONDS - 20) * SECOND);
    expect((await attempt(`${acme.base}/Users`, acme.token)).statusCode).toBe(200);
  });

  it('does not count requests that carry no credentials', async () => {
    for (let request = 0; request < LIMIT * 3; request += 1) expectScimError(await attempt('/scim/v2/Users', undefined), 401);
    expect((await attempt(`${acme.base}/Users`, acme.token)).statusCode).toBe(200);
  });

  it('counts a valid token used on another tenant’s URL as a failure', async () => {
    for (let failure = 0; failure < LIMIT; failure += 1) expectScimError(await attempt('/t/globex/scim/v2/Users', acme.token), 401);
    expectScimError(await attempt(`${acme.base}/Users`, acme.token), 429);
  });

  it('throttles failures on one tenant’s URL from many addresses, without locking out the tenant’s own token', async () => {
    for (let failure = 0; failure < LIMIT; failure += 1) {
      expectScimError(await attempt(`${acme.base}/Users`, 'scim_wrong-guess-00000000', `192.0.2.${failure + 1}`), 401);
    }
    const throttled = await attempt(`${acme.base}/Users`, 'scim_wrong-guess-00000000', '192.0.2.200');
    expectScimError(throttled, 429);
    expect(retryAfter(throttled)).toBeGreaterThan(0);
    expect((await attempt(`${acme.base}/Users`, acme.token, '192.0.2.201')).statusCode).toBe(200);
    // /scim/v2 has a counter of its own: acme's failures do not spend it.
    expectScimError(await attempt('/scim/v2/Users', 'scim_wrong-guess-00000000', '192.0.2.202'), 401);
  });

  it('throttles guessing on /scim/v2 from many addresses, where the token alone chooses the tenant', async () => {
    for (let failure = 0; failure < LIMIT; failure += 1) {
      expectScimError(await attempt('/scim/v2/Users', `weak-token-guess-${failure}-0000`, `192.0.2.${failure + 1}`), 401);
    }
    const throttled = await attempt('/scim/v2/Users', 'weak-token-guess-next-0000', '192.0.2.100');
    expectScimError(throttled, 429);
    expect(retryAfter(throttled)).toBe(WINDOW_SECONDS);
    // The fixed token and tenants' own tokens still pass there, and tenant URLs are not affected.
    expect((await attempt('/scim/v2/Users', TEST_TOKEN, '192.0.2.101')).statusCode).toBe(200);
    expect((await attempt('/scim/v2/Users', acme.token, '192.0.2.102')).statusCode).toBe(200);
    expectScimError(await attempt(`${acme.base}/Users`, 'weak-token-guess-next-0000', '192.0.2.103'), 401);
  });

  it('behaves identically for an existing and a non-existent tenant', async () => {
    const run = async (tenant: string, addressPrefix: string) => {
      const answers: string[] = [];
      for (let failure = 0; failure <= LIMIT; failure += 1) {
        const response = await attempt(`/t/${tenant}/scim/v2/Users`, 'scim_wrong-guess-00000000', `${addressPrefix}.${failure + 1}`);
        answers.push(`${response.statusCode} ${response.headers['retry-after'] ?? '-'} ${response.body}`);
      }
      return answers;
    };
    expect(await run('acme', '192.0.2')).toEqual(await run('no-such-tenant', '198.51.100'));
  });
});

describe('the client address behind trusted proxies', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** One bad guess per tenant URL, so only the address counter can ever answer 429. */
  const guess = (target: TestServer, attemptNumber: number, forwardedFor: string, proxyAddress: string) =>
    target.scimitar.app.inject({
      method: 'GET',
      url: `/t/guess-${attemptNumber}/scim/v2/Users`,
      remoteAddress: proxyAddress,
      headers: { authorization: 'Bearer scim_wrong-guess-00000000', 'x-forwarded-for': forwardedFor },
    });

  it.each([
    ['true (one hop)', 'true', '10.0.0.2', (spoofed: string) => `${spoofed}, 203.0.113.50`],
    ['a number of hops', '2', '10.0.0.2', (spoofed: string) => `${spoofed}, 203.0.113.50, 10.0.0.9`],
    ['trusted ranges', '10.0.0.0/8,127.0.0.1', '10.0.0.2', (spoofed: string) => `${spoofed}, 203.0.113.50, 10.0.0.9`],
  ])(
    'with SCIMITAR_TRUST_PROXY as %s, 300 bad tokens with a rotating X-Forwarded-For are counted against the address the proxy saw',
    async (_form, setting, proxyAddress, forwardedFor) => {
      server = await build({ SCIMITAR_TRUST_PROXY: setting, SCIMITAR_AUTH_FAILURE_LIMIT: '20' });
      const statuses: number[] = [];
      for (let attemptNumber = 0; attemptNumber < 300; attemptNumber += 1) {
        const spoofed = `198.18.${attemptNumber >> 8}.${attemptNumber & 0xff}`;
        statuses.push((await guess(server, attemptNumber, forwardedFor(spoofed), proxyAddress)).statusCode);
      }
      expect(statuses.filter((status) => status === 401)).toHaveLength(20);
      expect(statuses.filter((status) => status === 429)).toHaveLength(280);
      // The throttled client is refused even with the right token; another client behind the same proxy is not.
      const fromClient = (clientAddress: string) =>
        server!.scimitar.app.inject({
          method: 'GET',
          url: '/scim/v2/Users',
          remoteAddress: proxyAddress,
          headers: { authorization: `Bearer ${TEST_TOKEN}`, 'x-forwarded-for': forwardedFor(clientAddress).replace('203.0.113.50', clientAddress) },
        });
      expectScimError(await fromClient('203.0.113.50'), 429);
      expect((await fromClient('203.0.113.51')).statusCode).toBe(200);
    },
  );

  it('ignores X-Forwarded-For from a peer outside the trusted ranges', async () => {
    server = await build({ SCIMITAR_TRUST_PROXY: '10.0.0.0/8', SCIMITAR_AUTH_FAILURE_LIMIT: '20' });
    const statuses: number[] = [];
    for (let attemptNumber = 0; attemptNumber < 30; attemptNumber += 1) {
      statuses.push((await guess(server, attemptNumber, `198.18.0.${attemptNumber}`, '203.0.113.60')).statusCode);
    }
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });
});

describe('per-tenant rate limit', () => {
  let clock: TestClock;
  let server: TestServer;
  let acme: TenantClient;
  let globex: TenantClient;

  beforeEach(async () => {
    clock = new TestClock();
    server = await build({ SCIMITAR_RATE_LIMIT_PER_SECOND: '2', SCIMITAR_RATE_LIMIT_BURST: '4' }, { now: clock.now });
    acme = await createTenant(server, 'acme');
    globex = await createTenant(server, 'globex');
  });
  afterEach(async () => {
    await server.close();
  });

  it('allows the burst, then answers 429 with a SCIM error and Retry-After until the bucket refills', async () => {
    for (let request = 0; request < 4; request += 1) expect((await acme.request('GET', `${acme.base}/Users`)).statusCode).toBe(200);
    const limited = await acme.request('GET', `${acme.base}/Users`);
    const body = expectScimError(limited, 429);
    expect(body['detail']).toMatch(/rate limit/);
    expect(retryAfter(limited)).toBe(1);

    // Other tenants have their own bucket.
    expect((await globex.request('GET', `${globex.base}/Users`)).statusCode).toBe(200);

    clock.advance(SECOND / 2);
    expect((await acme.request('GET', `${acme.base}/Users`)).statusCode).toBe(200);
    expectScimError(await acme.request('GET', `${acme.base}/Users`), 429);
    clock.advance(10 * SECOND);
    for (let request = 0; request < 4; request += 1) expect((await acme.request('POST', `${acme.base}/.search`, {})).statusCode).toBeLessThan(429);
    expectScimError(await acme.request('GET', `${acme.base}/Users`), 429);
  });

  it('counts a tenant’s requests on both of its URLs together', async () => {
    for (let request = 0; request < 2; request += 1) expect((await acme.request('GET', '/scim/v2/Users')).statusCode).toBe(200);
    for (let request = 0; request < 2; request += 1) expect((await acme.request('GET', `${acme.base}/Users`)).statusCode).toBe(200);
    expectScimError(await acme.request('GET', '/scim/v2/Users'), 429);
  });

  it('does not spend a tenant’s budget on requests that fail authentication', async () => {
    for (let request = 0; request < 10; request += 1) expectScimError(await server.scimitar.app.inject({ method: 'GET', url: `${acme.base}/Users` }), 401);
    for (let request = 0; request < 4; request += 1) expect((await acme.request('GET', `${acme.base}/Users`)).statusCode).toBe(200);
  });
});
