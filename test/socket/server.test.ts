/**
 * The real server on a real TCP socket, driven by a real HTTP client
 * (global fetch): an identity provider's provisioning sequence, keep-alive
 * connection reuse, and the body limit enforced over the wire.
 */
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { GROUP_SCHEMA, type Json, PATCH_OP_SCHEMA, PUBLIC_BASE, USER_SCHEMA } from '../http/support.js';

const BODY_LIMIT = 4096;

describe('Scimitar on a TCP socket', () => {
  let server: TestServer;
  let origin: string;
  let connections = 0;

  beforeAll(async () => {
    server = await build({ SCIMITAR_BODY_LIMIT: String(BODY_LIMIT) });
    server.scimitar.app.server.on('connection', (socket: Socket) => {
      connections += 1;
      socket.setNoDelay(true);
    });
    await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    const address = server.scimitar.app.server.address() as AddressInfo;
    origin = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  async function scim(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ response: Response; json: Json | undefined }> {
    const response = await fetch(`${origin}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        accept: 'application/scim+json',
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { response, json: text === '' ? undefined : (JSON.parse(text) as Json) };
  }

  function expectScimJson(response: Response): void {
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  }

  it('runs an identity provider’s provisioning sequence end to end', async () => {
    // 1. Discovery.
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.response.status).toBe(200);
    expectScimJson(config.response);
    expect(config.json?.['patch']).toEqual({ supported: true });
    expect(config.json?.['filter']['supported']).toBe(true);

    const resourceTypes = await scim('GET', '/ResourceTypes');
    expect(resourceTypes.response.status).toBe(200);
    expect((resourceTypes.json?.['Resources'] as Json[]).map((type) => type['endpoint']).sort()).toEqual(['/Groups', '/Users']);

    // 2. Does the user exist? Not yet.
    const lookup = (userName: string) =>
      scim('GET', `/Users?${new URLSearchParams({ filter: `userName eq "${userName}"`, startIndex: '1', count: '100' }).toString()}`);
    const missing = await lookup('idp.user@example.com');
    expect(missing.response.status).toBe(200);
    expectScimJson(missing.response);
    expect(missing.json).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0 });

    // 3. Create it.
    const created = await scim('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'idp.user@example.com',
      externalId: 'idp-0001',
      active: true,
      displayName: 'IdP User',
      name: { givenName: 'IdP', familyName: 'User' },
      emails: [{ value: 'idp.user@example.com', type: 'work', primary: true }],
    });
    expect(created.response.status).toBe(201);
    expectScimJson(created.response);
    const userId = created.json?.['id'] as string;
    expect(created.response.headers.get('location')).toBe(`${PUBLIC_BASE}/Users/${userId}`);
    expect(created.response.headers.get('etag')).toBe('W/"1"');
    expect(created.json?.['meta']).toMatchObject({ resourceType: 'User', location: `${PUBLIC_BASE}/Users/${userId}`, version: 'W/"1"' });

    // 4. Look it up again, with a different case (userName is caseExact false).
    const found = await lookup('IDP.User@Example.COM');
    expect(found.response.status).toBe(200);
    expect(found.json?.['totalResults']).toBe(1);
    expect((found.json?.['Resources'] as Json[])[0]?.['id']).toBe(userId);

    // 5. Deactivate with PATCH.
    const deactivated = await scim('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(deactivated.response.status).toBe(200);
    expectScimJson(deactivated.response);
    expect(deactivated.json?.['active']).toBe(false);
    expect(deactivated.response.headers.get('etag')).toBe('W/"2"');

    // 6. Create a group with the user as a member.
    const group = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'IdP Engineers', members: [{ value: userId }] });
    expect(group.response.status).toBe(201);
    expectScimJson(group.response);
    const groupId = group.json?.['id'] as string;
    expect(group.response.headers.get('location')).toBe(`${PUBLIC_BASE}/Groups/${groupId}`);
    expect(group.response.headers.get('etag')).toBe('W/"1"');
    expect(group.json?.['members']).toEqual([
      expect.objectContaining({ value: userId, $ref: `${PUBLIC_BASE}/Users/${userId}`, type: 'User' }),
    ]);

    // 7. The user shows the group.
    const withGroup = await scim('GET', `/Users/${userId}`);
    expect(withGroup.response.status).toBe(200);
    expect(withGroup.response.headers.get('etag')).toBe('W/"2"');
    expect(withGroup.json?.['groups']).toEqual([expect.objectContaining({ value: groupId, display: 'IdP Engineers', type: 'direct' })]);

    // 8. Conditional GET over the wire.
    const notModified = await scim('GET', `/Users/${userId}`, undefined, { 'if-none-match': 'W/"2"' });
    expect(notModified.response.status).toBe(304);
    expect(notModified.json).toBeUndefined();

    // 9. Delete the user.
    const deleted = await scim('DELETE', `/Users/${userId}`);
    expect(deleted.response.status).toBe(204);
    expect(deleted.json).toBeUndefined();

    // 10. The group no longer lists it; the user is gone.
    const afterDelete = await scim('GET', `/Groups/${groupId}`);
    expect(afterDelete.response.status).toBe(200);
    expect((afterDelete.json?.['members'] as Json[] | undefined) ?? []).toEqual([]);
    const gone = await scim('GET', `/Users/${userId}`);
    expect(gone.response.status).toBe(404);
    expectScimJson(gone.response);
    expect(gone.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
  });

  it('answers 401 with WWW-Authenticate over the wire', async () => {
    const response = await fetch(`${origin}/scim/v2/Users`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectScimJson(response);
    expect(await response.json()).toMatchObject({ status: '401' });
  });

  it('reuses one keep-alive connection for several requests', async () => {
    // Let earlier connections close or idle; count only what this burst opens.
    const before = connections;
    for (let index = 0; index < 6; index += 1) {
      const { response } = await scim('GET', index % 2 === 0 ? '/ServiceProviderConfig' : '/Users?count=1');
      expect(response.status).toBe(200);
      expect(response.headers.get('connection') ?? 'keep-alive').not.toMatch(/close/i);
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('answers a body over the limit with 413 over the socket and creates nothing', async () => {
    const body = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'too-big@example.com', displayName: 'x'.repeat(BODY_LIMIT * 2) });
    const { response, json } = await scim('POST', '/Users', body);
    expect(response.status).toBe(413);
    expectScimJson(response);
    expect(json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413' });
    const lookup = await scim('GET', `/Users?${new URLSearchParams({ filter: 'userName eq "too-big@example.com"' }).toString()}`);
    expect(lookup.response.status).toBe(200);
    expect(lookup.json?.['totalResults']).toBe(0);
  });

  it('answers a chunked body over the limit with 413', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= BODY_LIMIT * 4) {
          controller.enqueue(new TextEncoder().encode(JSON.stringify({ schemas: [USER_SCHEMA], userName: 'chunked@example.com' })));
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(response.status).toBe(413);
    expectScimJson(response);
    expect(await response.json()).toMatchObject({ status: '413' });
  });
});
