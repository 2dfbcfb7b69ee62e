/**
 * Requests from identity providers' documentation or official test suites
 * that step outside the RFC grammar or the exact endpoint spelling (a value
 * path followed by a sub-attribute condition, a trailing or doubled slash,
 * a lower-case endpoint): each pins the answer the identity provider needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, SCIM, type TestServer } from '../helpers/build.js';

let server: TestServer;
let userId: string;

beforeAll(async () => {
  server = await build();
  const created = await server.request({
    method: 'POST',
    url: `${SCIM}/Users`,
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'user@contoso.com',
      displayName: 'BobIsAmazing',
      emails: [{ type: 'work', value: 'user@contoso.com', primary: true }],
    },
  });
  userId = (JSON.parse(created.body) as { id: string }).id;
});
afterAll(async () => {
  await server.close();
});

describe('requests from identity-provider documentation outside the RFC grammar or routing', () => {
  // Microsoft Learn, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", section
  // "/Users": "if user uniqueness is evaluated for both userName and emails[type eq "work"], a GET to /Users with a
  // filter must allow for both userName eq "user@contoso.com" and emails[type eq "work"].value eq "user@contoso.com"
  // queries." https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
  it('Entra: filter=emails[type eq "work"].value eq "…" finds the user (a value path followed by a sub-attribute condition)', async () => {
    const filter = encodeURIComponent('emails[type eq "work"].value eq "user@contoso.com"');
    const response = await server.request({ method: 'GET', url: `${SCIM}/Users?filter=${filter}` });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });
  });

  // https://github.com/AzureAD/SCIMReferenceCode/blob/master/PostmanCollection.json, "User tests" → "Get User Filters":
  // {{Api}}/Users/?filter=DisplayName+eq+%22BobIsAmazing%22
  it('Microsoft reference tests: GET /Users/?filter=… (trailing slash) is the list, not "User \\"\\" not found" (src/http routing)', async () => {
    const response = await server.request({ method: 'GET', url: `${SCIM}/Users/?filter=DisplayName+eq+%22BobIsAmazing%22` });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });
  });

  // Same collection, "Endpoint tests" → "Get empty Users": {{Api}}/users
  it('Microsoft reference tests: GET /users (lower case) answers as /Users (src/http routing)', async () => {
    const response = await server.request({ method: 'GET', url: `${SCIM}/users` });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ totalResults: 1 });
  });
});

describe('a base URL pasted with a trailing slash', () => {
  it('answers //Users as /Users', async () => {
    const response = await server.request({ method: 'GET', url: `${SCIM}//Users?count=0` });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ totalResults: 1 });
  });

  it('keeps the case of ids in paths', async () => {
    const response = await server.request({ method: 'GET', url: `${SCIM}/users/${userId.toUpperCase()}` });
    expect(response.statusCode).toBe(404);
    expect((await server.request({ method: 'GET', url: `${SCIM}/USERS/${userId}` })).statusCode).toBe(200);
  });
});
