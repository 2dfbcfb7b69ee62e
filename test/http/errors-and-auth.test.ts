/**
 * Authentication, routing, media types, body limits and the error envelope
 * (RFC 7644 §3.1, §3.12, §7; RFC 6750 §3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { expectNoInternals, expectScimError, expectStatus, json, userBody, USER_SCHEMA } from './support.js';

describe('authentication (RFC 7644 §2, RFC 6750)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 with WWW-Authenticate: Bearer when the Authorization header is missing', async () => {
    const response = await server.scimitar.app.inject({ method: 'GET', url: '/scim/v2/Users' });
    expectScimError(response, 401);
    expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
  });

  it('answers 401 to a wrong bearer token', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: 'Bearer not-the-token-0000000000' } });
    expectScimError(response, 401);
  });

  it('answers 401 to Basic credentials, even carrying the token', async () => {
    const basic = Buffer.from(`user:${TEST_TOKEN}`).toString('base64');
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Basic ${basic}` } });
    expectScimError(response, 401);
  });

  it('answers 401 to the token sent without the Bearer scheme', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: TEST_TOKEN } });
    expectScimError(response, 401);
  });

  it('answers 401 to a token that only starts with the right one', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${TEST_TOKEN}x` } });
    expectScimError(response, 401);
  });

  it('answers 401 to a 64 KiB token', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${'a'.repeat(65_536)}` } });
    expectScimError(response, 401);
  });

  it('accepts the Bearer scheme name in any case (RFC 6750 §2.1, RFC 9110 §11.1)', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `bearer ${TEST_TOKEN}` } });
    expectStatus(response, 200);
  });

  it('answers 401 before anything else on a write without a token, and creates nothing', async () => {
    const response = await server.scimitar.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { 'content-type': 'application/scim+json' },
      payload: JSON.stringify(userBody('unauthenticated')),
    });
    expectScimError(response, 401);
    const list = json(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22unauthenticated%22' }));
    expect(list['totalResults']).toBe(0);
  });

  it('answers 401 on unknown SCIM routes too, without revealing which routes exist', async () => {
    const response = await server.scimitar.app.inject({ method: 'GET', url: '/scim/v2/Widgets' });
    expectScimError(response, 401);
  });

  it('serves /health/live and /health/ready without authentication', async () => {
    const live = await server.scimitar.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(json(live)['status']).toBe('ok');
    const ready = await server.scimitar.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(json(ready)['status']).toBe('ok');
  });
});

describe('routing: 404, 405 and 501 as SCIM errors', () => {
  let server: TestServer;
  let userId: string;
  beforeAll(async () => {
    server = await build();
    userId = expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('routing') }), 201)['id'] as string;
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['an unknown resource type', 'GET', '/scim/v2/Widgets'],
    ['a path below a resource', 'GET', '/scim/v2/Users/some-id/extra'],
    ['an unknown endpoint with a body method', 'POST', '/scim/v2/Accounts'],
    ['a lower-case endpoint name that is not registered', 'GET', '/scim/v2/users/some-id/x/y'],
  ])('answers 404 for %s', async (_name, method, url) => {
    const response = await server.request({ method: method as 'GET' | 'POST', url, ...(method === 'POST' ? { body: {} } : {}) });
    expectScimError(response, 404);
  });

  it('answers 404 for an unknown User id', async () => {
    expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users/00000000-0000-0000-0000-000000000000' }), 404);
  });

  it('answers 404 for a Group id used as a User id', async () => {
    const group = expectStatus(
      await server.request({ method: 'POST', url: '/scim/v2/Groups', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Routing' } }),
      201,
    );
    expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users/${group['id'] as string}` }), 404);
    expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Groups/${userId}` }), 404);
  });

  it.each([
    ['DELETE', '/scim/v2/Users', ['GET', 'POST']],
    ['PUT', '/scim/v2/Users', ['GET', 'POST']],
    ['PATCH', '/scim/v2/Groups', ['GET', 'POST']],
    ['GET', '/scim/v2/Users/.search', ['POST']],
    ['DELETE', '/scim/v2/Groups/.search', ['POST']],
    ['GET', '/scim/v2/.search', ['POST']],
    ['POST', '/scim/v2/ServiceProviderConfig', ['GET']],
    ['DELETE', '/scim/v2/Schemas', ['GET']],
    ['PUT', '/scim/v2/ResourceTypes/User', ['GET']],
  ] as const)('answers %s %s with 405 and an Allow header', async (method, url, allowed) => {
    const response = await server.request({ method, url, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
    expectScimError(response, 405);
    const allow = String(response.headers['allow']).split(/\s*,\s*/);
    for (const name of allowed) expect(allow).toContain(name);
    expect(allow).not.toContain(method);
  });

  it('answers POST /Users/{id} with 405 and Allow listing GET, PUT, PATCH and DELETE', async () => {
    const response = await server.request({ method: 'POST', url: `/scim/v2/Users/${userId}`, body: userBody('routing') });
    expectScimError(response, 405);
    const allow = String(response.headers['allow']).split(/\s*,\s*/);
    expect(allow).toEqual(expect.arrayContaining(['GET', 'PUT', 'PATCH', 'DELETE']));
    expect(allow).not.toContain('POST');
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const)('answers %s /Me with 501 (RFC 7644 §3.11: optional)', async (method) => {
    const response = await server.request({ method, url: '/scim/v2/Me', ...(method === 'GET' || method === 'DELETE' ? {} : { body: userBody('me') }) });
    expectScimError(response, 501);
  });

  it('answers POST /Bulk (RFC 7644 §3.7) with a BulkResponse and applies the operation', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/scim/v2/Bulk',
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'q1', data: userBody('bulky') }],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(json(response)['schemas']).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    expect(json(response)['Operations'][0]).toMatchObject({ method: 'POST', bulkId: 'q1', status: '201' });
    const list = json(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22bulky%22' }));
    expect(list['totalResults']).toBe(1);
  });
});

describe('request bodies: syntax, media types and size', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build({ SCIMITAR_BODY_LIMIT: '2048' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers malformed JSON with 400 invalidSyntax', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ' });
    expectScimError(response, 400, 'invalidSyntax');
  });

  it('answers a JSON array body with 400 invalidSyntax', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: '[]' });
    expectScimError(response, 400, 'invalidSyntax');
  });

  it('answers an empty POST body with 400 invalidSyntax', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: '', headers: { 'content-type': 'application/scim+json' } });
    expectScimError(response, 400, 'invalidSyntax');
  });

  it('answers a __proto__ key with 400 invalidSyntax', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/scim/v2/Users',
      body: `{"schemas":["${USER_SCHEMA}"],"userName":"proto","__proto__":{"admin":true}}`,
    });
    expectScimError(response, 400, 'invalidSyntax');
  });

  it('answers a body over SCIMITAR_BODY_LIMIT with 413', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('big', { displayName: 'x'.repeat(4096) }) });
    expectScimError(response, 413);
  });

  it('accepts a body just under the limit', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('almost-big', { displayName: 'x'.repeat(1500) }) });
    expectStatus(response, 201);
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers Content-Type %s with 415',
    async (contentType) => {
      const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('wrong-type'), headers: { 'content-type': contentType } });
      expectScimError(response, 415);
    },
  );

  it('answers a body without a Content-Type with 415', async () => {
    const response = await server.scimitar.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: Buffer.from(JSON.stringify(userBody('no-type'))),
    });
    expectScimError(response, 415);
  });

  it('accepts application/json as well as application/scim+json (RFC 7644 §3.1)', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('plain-json'), headers: { 'content-type': 'application/json' } });
    expectStatus(response, 201);
  });

  it('accepts application/scim+json with a charset parameter', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/scim/v2/Users',
      body: userBody('charset-json'),
      headers: { 'content-type': 'application/scim+json; charset=utf-8' },
    });
    expectStatus(response, 201);
  });

  it('accepts a DELETE that carries a Content-Type and no body', async () => {
    const created = expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('delete-with-type') }), 201);
    const response = await server.request({
      method: 'DELETE',
      url: `/scim/v2/Users/${created['id'] as string}`,
      headers: { 'content-type': 'application/scim+json' },
    });
    expectStatus(response, 204);
  });

  it('answers a malformed percent-encoding in the URL with a 4xx SCIM error, not 500', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users/%E0%A4%A' });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expectScimError(response, response.statusCode);
  });

  it('answers an over-long id with a 4xx SCIM error (router limits included)', async () => {
    const response = await server.request({ method: 'GET', url: `/scim/v2/Users/${'a'.repeat(200)}` });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expectScimError(response, response.statusCode);
  });

  it('never answers an error without the SCIM media type and envelope (500 path excluded)', async () => {
    const response = await server.request({ method: 'GET', url: '/scim/v2/Users?count=abc' });
    expectScimError(response, 400);
    expectNoInternals(response.body);
  });
});
