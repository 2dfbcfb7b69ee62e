/**
 * The OAuth 2.0 token endpoint, client credentials grant (RFC 6749 §4.4):
 * client authentication by Basic (§2.3.1) or in the body, each error of
 * §5.2, and what the access tokens it issues can do on the SCIM API —
 * until they expire, the client is revoked or its secret rotated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { createTenant, HOUR, SECOND, TestClock } from '../tenancy/support.js';
import { basicCredentials, requestToken, scimWith, tokenPath } from './support.js';

const GRANT = { grant_type: 'client_credentials' };

describe('POST /t/{tenant}/oauth/token', () => {
  let clock: TestClock;
  let server: TestServer;
  let clientId: string;
  let clientSecret: string;

  beforeEach(async () => {
    clock = new TestClock();
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '1000' }, { now: clock.now });
    await createTenant(server, 'acme');
    await createTenant(server, 'globex');
    const issued = await server.scimitar.oauthClients.create('acme', { name: 'entra' });
    clientId = issued.client.clientId;
    clientSecret = issued.clientSecret;
  });
  afterEach(async () => {
    await server.close();
  });

  const expectOAuthError = (response: Awaited<ReturnType<typeof requestToken>>, status: number, error: string) => {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['pragma']).toBe('no-cache');
    const body = response.json() as Record<string, unknown>;
    expect(body['error']).toBe(error);
    expect(typeof body['error_description']).toBe('string');
    return body;
  };

  const accessTokenOf = (response: Awaited<ReturnType<typeof requestToken>>): string => {
    expect(response.statusCode).toBe(200);
    return (response.json() as { access_token: string }).access_token;
  };

  describe('issuing a token', () => {
    it('issues a Bearer token for Basic credentials, uncached, that works on the tenant SCIM URLs', async () => {
      const response = await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['pragma']).toBe('no-cache');
      const body = response.json() as Record<string, unknown>;
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
      const token = body['access_token'] as string;
      expect((await scimWith(server, token, '/t/acme/scim/v2/Users')).statusCode).toBe(200);
      expect((await scimWith(server, token, '/scim/v2/Users')).statusCode).toBe(200);
      expect((await scimWith(server, token, '/t/globex/scim/v2/Users')).statusCode).toBe(401);
    });

    it('accepts client_id and client_secret in the body', async () => {
      const token = accessTokenOf(await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_id: clientId, client_secret: clientSecret } }));
      expect((await scimWith(server, token, '/t/acme/scim/v2/Users')).statusCode).toBe(200);
    });

    it('form-url-decodes Basic credentials (RFC 6749 §2.3.1), so an encoded id and secret authenticate', async () => {
      // Encoding every character, as a client that escapes all may: %73 is "s", %5F is "_".
      const encodeAll = (text: string) => [...Buffer.from(text)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
      const authorization = `Basic ${Buffer.from(`${encodeAll(clientId)}:${encodeAll(clientSecret)}`).toString('base64')}`;
      accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization }));
      accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
    });

    it('accepts a client_id in the body beside Basic when it names the same client', async () => {
      accessTokenOf(await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_id: clientId }, authorization: basicCredentials(clientId, clientSecret) }));
    });

    it('echoes scope=scim, and grants without a scope when none is asked for', async () => {
      const scoped = await requestToken(server, { tenant: 'acme', form: { ...GRANT, scope: 'scim' }, authorization: basicCredentials(clientId, clientSecret) });
      expect(scoped.json()).toMatchObject({ scope: 'scim', token_type: 'Bearer' });
      const unscoped = await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) });
      expect(unscoped.json()).not.toHaveProperty('scope');
    });

    it('on /oauth/token, issues a token of the client\'s own tenant', async () => {
      const token = accessTokenOf(await requestToken(server, { form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      expect((await scimWith(server, token, '/t/acme/scim/v2/Users')).statusCode).toBe(200);
      expect((await scimWith(server, token, '/t/default/scim/v2/Users')).statusCode).toBe(401);
    });

    it('reads the media type case-insensitively and ignores its parameters', async () => {
      accessTokenOf(
        await requestToken(server, { tenant: 'acme', form: GRANT, contentType: 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', authorization: basicCredentials(clientId, clientSecret) }),
      );
    });
  });

  describe('RFC 6749 §5.2 errors', () => {
    it('invalid_request: both Basic and client_secret in the body', async () => {
      const body = expectOAuthError(
        await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_id: clientId, client_secret: clientSecret }, authorization: basicCredentials(clientId, clientSecret) }),
        400,
        'invalid_request',
      );
      expect(body['error_description']).toMatch(/one method/);
    });

    it('invalid_request: a client_id in the body naming another client than Basic', async () => {
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_id: 'scimc_other' }, authorization: basicCredentials(clientId, clientSecret) }), 400, 'invalid_request');
    });

    it('invalid_request: grant_type missing', async () => {
      const body = expectOAuthError(await requestToken(server, { tenant: 'acme', form: {}, authorization: basicCredentials(clientId, clientSecret) }), 400, 'invalid_request');
      expect(body['error_description']).toMatch(/grant_type/);
    });

    it('invalid_request: client_secret or client_id missing from the body', async () => {
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_id: clientId } }), 400, 'invalid_request');
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_secret: clientSecret } }), 400, 'invalid_request');
    });

    it('invalid_request: a parameter sent twice', async () => {
      const body = `grant_type=client_credentials&grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`;
      expectOAuthError(await requestToken(server, { tenant: 'acme', body }), 400, 'invalid_request');
    });

    it('invalid_request: a JSON body, or no Content-Type', async () => {
      const json = JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
      const asJson = expectOAuthError(await requestToken(server, { tenant: 'acme', body: json, contentType: 'application/json' }), 400, 'invalid_request');
      expect(asJson['error_description']).toMatch(/x-www-form-urlencoded/);
      expectOAuthError(await requestToken(server, { tenant: 'acme', body: '{"grant_type": ', contentType: 'application/json' }), 400, 'invalid_request');
      const bare = await server.scimitar.app.inject({ method: 'POST', url: tokenPath('acme'), headers: { authorization: basicCredentials(clientId, clientSecret) } });
      expectOAuthError(bare, 400, 'invalid_request');
    });

    it('unsupported_grant_type: another grant type', async () => {
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { grant_type: 'password' }, authorization: basicCredentials(clientId, clientSecret) }), 400, 'unsupported_grant_type');
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { grant_type: 'authorization_code', code: 'x' } }), 400, 'unsupported_grant_type');
    });

    it('invalid_scope: a scope other than scim, once the client has authenticated', async () => {
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { ...GRANT, scope: 'scim admin' }, authorization: basicCredentials(clientId, clientSecret) }), 400, 'invalid_scope');
      // Unauthenticated, the same request learns only that its credentials fail.
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: { ...GRANT, scope: 'admin' }, authorization: basicCredentials(clientId, 'wrong') }), 401, 'invalid_client');
    });

    it('invalid_client with 401 and a Basic challenge: unknown client, wrong secret, no credentials, malformed Basic', async () => {
      const cases = [
        { authorization: basicCredentials('scimc_unknown', clientSecret) },
        { authorization: basicCredentials(clientId, `${clientSecret}x`) },
        { form: { ...GRANT, client_id: clientId, client_secret: 'wrong' } },
        {},
        { authorization: 'Basic not*base64' },
        { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
        { authorization: 'Bearer something' },
      ];
      for (const credentials of cases) {
        const response = await requestToken(server, { tenant: 'acme', form: GRANT, ...credentials });
        expectOAuthError(response, 401, 'invalid_client');
        expect(response.headers['www-authenticate']).toMatch(/^Basic /);
      }
    });

    it('invalid_client: a client of another tenant, answered like a wrong secret', async () => {
      const wrongTenant = await requestToken(server, { tenant: 'globex', form: GRANT, authorization: basicCredentials(clientId, clientSecret) });
      const wrongSecret = await requestToken(server, { tenant: 'globex', form: GRANT, authorization: basicCredentials(clientId, 'wrong') });
      expectOAuthError(wrongTenant, 401, 'invalid_client');
      expect(wrongTenant.json()).toEqual(wrongSecret.json());
    });

    it('405 with Allow: POST for another method', async () => {
      const response = await requestToken(server, { tenant: 'acme', method: 'GET' });
      expect(response.statusCode).toBe(405);
      expect(response.headers['allow']).toBe('POST');
      expect(response.json()).toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('the life of a client and its tokens', () => {
    it('a revoked client gets invalid_client, and its access tokens are refused at once', async () => {
      const token = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      await server.scimitar.oauthClients.revoke('acme', clientId);
      expect((await scimWith(server, token, '/t/acme/scim/v2/Users')).statusCode).toBe(401);
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }), 401, 'invalid_client');
      const [listed] = await server.scimitar.oauthClients.list('acme');
      expect(listed).toMatchObject({ clientId, status: 'revoked', revokedAt: clock.now().toISOString() });
    });

    it('during a rotation overlap both secrets issue tokens; after it only the new one, and the old tokens stop', async () => {
      const oldToken = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      const rotated = await server.scimitar.oauthClients.rotate('acme', clientId, { overlapMs: 10 * 60 * SECOND });
      expect(rotated.client.clientId).toBe(clientId);
      expect(rotated.clientSecret).not.toBe(clientSecret);

      const duringOverlap = await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) });
      // A token never outlives the secret that issued it.
      expect(duringOverlap.json()).toMatchObject({ expires_in: 600 });
      const newToken = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, rotated.clientSecret) }));
      expect((await scimWith(server, oldToken, '/t/acme/scim/v2/Users')).statusCode).toBe(200);

      clock.advance(10 * 60 * SECOND);
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }), 401, 'invalid_client');
      expect((await scimWith(server, oldToken, '/t/acme/scim/v2/Users')).statusCode).toBe(401);
      expect((await scimWith(server, newToken, '/t/acme/scim/v2/Users')).statusCode).toBe(200);
      accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, rotated.clientSecret) }));
    });

    it('rotating with no overlap stops the old secret and its tokens at once', async () => {
      const oldToken = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      await server.scimitar.oauthClients.rotate('acme', clientId, { overlapMs: 0 });
      expect((await scimWith(server, oldToken, '/t/acme/scim/v2/Users')).statusCode).toBe(401);
      expectOAuthError(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }), 401, 'invalid_client');
    });

    it('an expired access token gets the SCIM 401', async () => {
      const token = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      clock.advance(HOUR - SECOND);
      expect((await scimWith(server, token, '/t/acme/scim/v2/Users')).statusCode).toBe(200);
      clock.advance(SECOND);
      const expired = await scimWith(server, token, '/t/acme/scim/v2/Users');
      expect(expired.statusCode).toBe(401);
      expect(expired.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    });

    it('the purge removes expired access tokens and keeps live ones; they are never listed as bearer tokens', async () => {
      for (let index = 0; index < 3; index += 1) await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) });
      const tokenRows = async () => (await server.rawTables())['tokens']!.filter((row) => row.includes('"oauth_secret_id":"')).length;
      expect(await tokenRows()).toBe(3);
      expect((await server.scimitar.tokens.list('acme')).map((token) => token.name)).toEqual(['initial token']);
      clock.advance(HOUR);
      const live = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      expect(await server.scimitar.oauthClients.purgeExpiredAccessTokens()).toBe(3);
      expect(await tokenRows()).toBe(1);
      expect((await scimWith(server, live, '/t/acme/scim/v2/Users')).statusCode).toBe(200);
      expect((await server.scimitar.tokens.list('acme')).map((token) => token.name)).toEqual(['initial token']);
    });

    it('deleting the tenant removes its clients and stops their tokens', async () => {
      const token = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      await server.scimitar.tenants.delete('acme');
      expect((await scimWith(server, token, '/scim/v2/Users')).statusCode).toBe(401);
      expectOAuthError(await requestToken(server, { form: GRANT, authorization: basicCredentials(clientId, clientSecret) }), 401, 'invalid_client');
    });

    it('stores only keyed hashes of the secret and the access tokens', async () => {
      const token = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      const everything = JSON.stringify(await server.rawTables({ requestLog: true }));
      expect(everything).not.toContain(clientSecret);
      expect(everything).not.toContain(token);
      expect(everything).toContain(clientId);
    });
  });

  describe('failures in the request log and the throttle', () => {
    it('records each failure with its reason and error, never the secret or the token', async () => {
      const token = accessTokenOf(await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) }));
      await requestToken(server, { tenant: 'acme', form: { ...GRANT, client_id: clientId, client_secret: 'wrong-secret-value' } });
      await server.scimitar.oauthClients.revoke('acme', clientId);
      await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(clientId, clientSecret) });
      await scimWith(server, token, '/t/acme/scim/v2/Users');
      await server.scimitar.requestLogRecorder.flush();
      const page = await server.scimitar.requestLog.list('acme', { path: '/t/acme/oauth/token', order: 'oldest' });
      expect(page.entries.map((entry) => [entry.status, entry.authFailure, entry.scimType])).toEqual([
        [200, null, null],
        [401, 'unknown', 'invalid_client'],
        [401, 'revoked', 'invalid_client'],
      ]);
      // The revoked client's access token is refused, and logged, as revoked.
      const scim = await server.scimitar.requestLog.list('acme', { path: '/t/acme/scim/v2/Users', order: 'oldest' });
      expect(scim.entries.map((entry) => [entry.status, entry.authFailure])).toEqual([[401, 'revoked']]);
      const logged = JSON.stringify(await server.rawTables({ requestLog: true }));
      expect(logged).not.toContain(clientSecret);
      expect(logged).not.toContain('wrong-secret-value');
      expect(logged).not.toContain(token);
    });
  });
});

describe('throttling of failed client authentication', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.close();
  });

  it('answers 429 with Retry-After once an address has failed the limit, even with the right secret, and counts bearer failures with it', async () => {
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '3', SCIMITAR_AUTH_FAILURE_WINDOW: '60' });
    await createTenant(server, 'acme');
    const { client, clientSecret } = await server.scimitar.oauthClients.create('acme', { name: 'ping' });
    await scimWith(server, 'scim_wrong-token', '/t/acme/scim/v2/Users');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(client.clientId, 'wrong') })).statusCode).toBe(401);
    }
    const throttled = await requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(client.clientId, clientSecret) });
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.headers['cache-control']).toBe('no-store');
    expect(throttled.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it("draws token requests from the tenant's request rate, so a client asking in a loop cannot fill the tokens table", async () => {
    const clock = new TestClock();
    server = await build({ SCIMITAR_RATE_LIMIT_PER_SECOND: '1', SCIMITAR_RATE_LIMIT_BURST: '2' }, { now: clock.now });
    await createTenant(server, 'acme');
    const { client, clientSecret } = await server.scimitar.oauthClients.create('acme', { name: 'looping' });
    const ask = () => requestToken(server, { tenant: 'acme', form: GRANT, authorization: basicCredentials(client.clientId, clientSecret) });
    expect((await ask()).statusCode).toBe(200);
    expect((await ask()).statusCode).toBe(200);
    const limited = await ask();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const accessTokenRows = (await server.rawTables())['tokens']!.filter((row) => row.includes('"oauth_secret_id":"'));
    expect(accessTokenRows).toHaveLength(2);
  });
});
