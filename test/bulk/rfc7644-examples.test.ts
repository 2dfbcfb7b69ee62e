/**
 * The Bulk examples of RFC 7644 §3.7, run as vectors against a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { createUser, ENTERPRISE_SCHEMA, expectStatus, GROUP_SCHEMA, type Json, PATCH_OP_SCHEMA, PUBLIC_BASE, USER_SCHEMA } from '../http/support.js';
import { bulkRequest, bulkResults, expectOperationError, idOf, postBulk } from './support.js';

describe('RFC 7644 §3.7 Bulk examples', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  it('§3.7.2: creates a User and a Group whose member refers to it by bulkId', async () => {
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'POST', path: '/Users', bulkId: 'qwerty', data: { schemas: [USER_SCHEMA], userName: 'Alice' } },
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'ytrewq',
            data: { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: [{ type: 'User', value: 'bulkId:qwerty' }] },
          },
        ]),
      ),
    );
    expect(results).toHaveLength(2);
    const [alice, group] = results;
    expect(alice).toMatchObject({ method: 'POST', bulkId: 'qwerty', status: '201', version: 'W/"1"' });
    expect(group).toMatchObject({ method: 'POST', bulkId: 'ytrewq', status: '201', version: 'W/"1"' });
    expect(alice?.['location']).toBe(`${PUBLIC_BASE}/Users/${idOf(alice)}`);
    expect(group?.['location']).toBe(`${PUBLIC_BASE}/Groups/${idOf(group)}`);
    const tourGuides = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${idOf(group)}` }), 200);
    expect(tourGuides['displayName']).toBe('Tour Guides');
    expect(tourGuides['members']).toEqual([{ type: 'User', value: idOf(alice), $ref: `${PUBLIC_BASE}/Users/${idOf(alice)}`, display: 'Alice' }]);
  });

  it('§3.7.2: resolves a bulkId in the enterprise extension manager value', async () => {
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'ytrewq',
            data: { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: 'John Smith', [ENTERPRISE_SCHEMA]: { manager: { value: 'bulkId:qwerty' } } },
          },
          { method: 'POST', path: '/Users', bulkId: 'qwerty', data: { schemas: [USER_SCHEMA], userName: 'Barbara Jensen' } },
        ]),
      ),
    );
    expect(results.map((result) => result['status'])).toEqual(['201', '201']);
    const john = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${idOf(results[0])}` }), 200);
    expect(john[ENTERPRISE_SCHEMA]['manager']['value']).toBe(idOf(results[1]));
  });

  it('§3.7.1: circular references between two Groups are answered 409 for both, and neither is created', async () => {
    const before = await server.rawTables();
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'qwerty',
            data: { schemas: [GROUP_SCHEMA], displayName: 'Group A', members: [{ type: 'Group', value: 'bulkId:ytrewq' }] },
          },
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'ytrewq',
            data: { schemas: [GROUP_SCHEMA], displayName: 'Group B', members: [{ type: 'Group', value: 'bulkId:qwerty' }] },
          },
        ]),
      ),
    );
    expect(results).toHaveLength(2);
    for (const [index, bulkId] of ['qwerty', 'ytrewq'].entries()) {
      expect(results[index]).toMatchObject({ method: 'POST', bulkId });
      expect(results[index]?.['location']).toBeUndefined();
      expect(expectOperationError(results[index], 409)['detail']).toMatch(/Circular/);
    }
    expect(await server.rawTables()).toEqual(before);
  });

  describe('§3.7.3 response and error handling', () => {
    let bob: Json;
    let dave: Json;
    let eve: Json;
    beforeAll(async () => {
      bob = await createUser(server, 'Bobby');
      dave = await createUser(server, 'David', { nickName: 'Dave' });
      eve = await createUser(server, 'Eve');
    });

    // The §3.7.2 vector above already created "Alice"; this one's Alice is another user.
    const exampleRequest = (versions: { bob: string; dave: string; eve: string }, aliceName = 'alice@example.com'): Json =>
      bulkRequest(
        [
          { method: 'POST', path: '/Users', bulkId: 'qwerty', data: { schemas: [USER_SCHEMA], userName: aliceName } },
          { method: 'PUT', path: `/Users/${bob['id']}`, version: versions.bob, data: { schemas: [USER_SCHEMA], id: bob['id'], userName: 'Bob' } },
          {
            method: 'PATCH',
            path: `/Users/${dave['id']}`,
            version: versions.dave,
            data: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: 'nickName' }, { op: 'replace', path: 'userName', value: 'Dave' }] },
          },
          { method: 'DELETE', path: `/Users/${eve['id']}`, version: versions.eve },
        ],
        { failOnErrors: 1 },
      );

    it('adds, replaces, patches and deletes Users: 201, 200, 200, 204 with locations and versions', async () => {
      const results = bulkResults(await postBulk(server, exampleRequest({ bob: 'W/"1"', dave: 'W/"1"', eve: 'W/"1"' })));
      expect(results).toHaveLength(4);
      expect(results[0]).toMatchObject({ method: 'POST', bulkId: 'qwerty', version: 'W/"1"', status: '201' });
      expect(results[1]).toEqual({ method: 'PUT', location: `${PUBLIC_BASE}/Users/${bob['id']}`, version: 'W/"2"', status: '200' });
      expect(results[2]).toEqual({ method: 'PATCH', location: `${PUBLIC_BASE}/Users/${dave['id']}`, version: 'W/"2"', status: '200' });
      expect(results[3]).toEqual({ method: 'DELETE', location: `${PUBLIC_BASE}/Users/${eve['id']}`, status: '204' });
      const patched = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${dave['id']}` }), 200);
      expect(patched['userName']).toBe('Dave');
      expect(patched['nickName']).toBeUndefined();
      expect(expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${bob['id']}` }), 200)['userName']).toBe('Bob');
      expect((await server.request({ method: 'GET', url: `/scim/v2/Users/${eve['id']}` })).statusCode).toBe(404);
    });

    it('with failOnErrors 1, stops at the first error and returns only it', async () => {
      const before = await server.rawTables();
      // Alice exists since the previous example: the POST fails (409 uniqueness) and nothing after it runs.
      const results = bulkResults(await postBulk(server, exampleRequest({ bob: 'W/"2"', dave: 'W/"2"', eve: 'W/"1"' })));
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ method: 'POST', bulkId: 'qwerty' });
      expect(results[0]?.['location']).toBeUndefined();
      expectOperationError(results[0], 409, 'uniqueness');
      expect(await server.rawTables()).toEqual(before);
    });

    it('without failOnErrors, runs every operation and reports each failure: 400, 412, 412, 404', async () => {
      const before = await server.rawTables();
      const { failOnErrors: _ignored, ...body } = exampleRequest({ bob: 'W/"1"', dave: 'W/"1"', eve: 'W/"1"' }, '');
      const results = bulkResults(await postBulk(server, body));
      expect(results).toHaveLength(4);
      expectOperationError(results[0], 400);
      expect(results[0]?.['location']).toBeUndefined();
      expect(results[1]).toMatchObject({ method: 'PUT', location: `${PUBLIC_BASE}/Users/${bob['id']}` });
      expectOperationError(results[1], 412);
      expect(results[2]).toMatchObject({ method: 'PATCH', location: `${PUBLIC_BASE}/Users/${dave['id']}` });
      expectOperationError(results[2], 412);
      expect(results[3]).toMatchObject({ method: 'DELETE', location: `${PUBLIC_BASE}/Users/${eve['id']}` });
      expectOperationError(results[3], 404);
      expect(await server.rawTables()).toEqual(before);
    });
  });
});
