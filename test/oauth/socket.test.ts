/**
 * The OAuth flow over a real TCP socket, as an identity provider runs it:
 * the operator creates a client through the admin API, the provider posts
 * its credentials to the token endpoint (Basic, then in the body), uses the
 * access token on SCIM, and is refused once the client is revoked.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { adminClient, expectJson } from '../admin/support.js';
import { USER_SCHEMA } from '../http/support.js';
import { basicCredentials } from './support.js';

describe('OAuth client credentials on a TCP socket', () => {
  let server: TestServer;
  let origin: string;
  let adminKey: string;

  beforeAll(async () => {
    server = await build();
    await server.scimitar.tenants.create('acme', { name: 'Acme' });
    adminKey = (await adminClient(server)).key;
    await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(server.scimitar.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${origin}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it('creates a client, exchanges its credentials for tokens, provisions with them, and is refused after revocation', async () => {
    const created = await admin('POST', '/tenants/acme/oauth-clients', { name: 'sailpoint' });
    expect(created.status).toBe(201);
    const client = (await created.json()) as { clientId: string; clientSecret: string; tokenEndpoint: string };
    // The test server's configured public URL names where identity providers reach it.
    expect(client.tokenEndpoint).toBe('https://scim.example.com/t/acme/oauth/token');

    const basic = await fetch(`${origin}/t/acme/oauth/token`, {
      method: 'POST',
      headers: { authorization: basicCredentials(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=scim',
    });
    expect(basic.status).toBe(200);
    expect(basic.headers.get('cache-control')).toBe('no-store');
    const { access_token: viaBasic } = (await basic.json()) as { access_token: string };

    const form = await fetch(`${origin}/t/acme/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    });
    expect(form.status).toBe(200);
    const { access_token: viaForm } = (await form.json()) as { access_token: string };

    const createdUser = await fetch(`${origin}/t/acme/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viaBasic}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'oauth.user@example.com' }),
    });
    expect(createdUser.status).toBe(201);
    const listed = await fetch(`${origin}/t/acme/scim/v2/Users?filter=${encodeURIComponent('userName eq "oauth.user@example.com"')}`, {
      headers: { authorization: `Bearer ${viaForm}` },
    });
    expect(((await listed.json()) as { totalResults: number }).totalResults).toBe(1);

    expect((await admin('POST', `/tenants/acme/oauth-clients/${client.clientId}/revoke`)).status).toBe(200);
    for (const token of [viaBasic, viaForm]) {
      expect((await fetch(`${origin}/t/acme/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    }
    const refused = await fetch(`${origin}/t/acme/oauth/token`, {
      method: 'POST',
      headers: { authorization: basicCredentials(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('the admin API of OAuth clients', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
    await server.scimitar.tenants.create('acme', { name: 'Acme' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists clients without secrets, rotates with an overlap, and answers 404 for an unknown client or tenant', async () => {
    const admin = await adminClient(server);
    const created = expectJson(await admin.request('POST', '/tenants/acme/oauth-clients', {}), 201) as Record<string, unknown>;
    expect(created).toMatchObject({ name: 'oauth client', status: 'active', revokedAt: null, secrets: [{ status: 'active', expiresAt: null }] });
    const clientId = created['clientId'] as string;
    const secret = created['clientSecret'] as string;

    const rotated = expectJson(await admin.request('POST', `/tenants/acme/oauth-clients/${clientId}/rotate`, { overlapSeconds: 60 }), 201) as Record<string, unknown>;
    expect(rotated['clientSecret']).not.toBe(secret);
    expect((rotated['secrets'] as unknown[]).length).toBe(2);

    const listed = expectJson(await admin.request('GET', '/tenants/acme/oauth-clients'), 200);
    const text = JSON.stringify(listed);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(rotated['clientSecret'] as string);
    expect(text).not.toContain('hmac-sha256');
    expect(listed).toMatchObject({ clients: [{ clientId, secrets: [{ expiresAt: expect.any(String) }, { expiresAt: null }] }] });

    expect((await admin.request('POST', '/tenants/acme/oauth-clients/scimc_none/revoke')).statusCode).toBe(404);
    expect((await admin.request('GET', '/tenants/nowhere/oauth-clients')).statusCode).toBe(404);
    expect((await admin.request('POST', `/tenants/acme/oauth-clients/${clientId}/rotate`, { overlapSeconds: -1 })).statusCode).toBe(400);

    expectJson(await admin.request('POST', `/tenants/acme/oauth-clients/${clientId}/revoke`), 200);
    expect((await admin.request('POST', `/tenants/acme/oauth-clients/${clientId}/rotate`, {})).statusCode).toBe(400);
  });
});
