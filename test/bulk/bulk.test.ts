/**
 * POST /Bulk behaviour beyond the RFC's examples: references in paths,
 * unresolvable references, failOnErrors, If-Match by version, per-operation
 * atomicity, malformed requests and tenancy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, SCIM_JSON, type TestServer } from '../helpers/build.js';
import { createTenant } from '../tenancy/support.js';
import { createUser, expectScimError, expectStatus, groupBody, type Json, patchBody, PUBLIC_BASE, SERVICE_PROVIDER_CONFIG_SCHEMA, userBody } from '../http/support.js';
import { BULK_REQUEST_SCHEMA, bulkRequest, bulkResults, expectOperationError, idOf, postBulk } from './support.js';

describe('POST /Bulk', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  it('is advertised in ServiceProviderConfig with its limits', async () => {
    const config = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }), 200);
    expect(config['schemas']).toEqual([SERVICE_PROVIDER_CONFIG_SCHEMA]);
    expect(config['bulk']).toEqual({ supported: true, maxOperations: 10_000, maxPayloadSize: 8 * 1_048_576 });
  });

  it('runs PUT, PATCH and DELETE on a bulkId path after the POST that creates it, wherever it stands', async () => {
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'PUT', path: '/Users/bulkId:kim', data: userBody('kim', { displayName: 'Kim Replaced' }) },
          { method: 'PATCH', path: '/Users/bulkId:kim', data: patchBody({ op: 'replace', path: 'title', value: 'Engineer' }) },
          { method: 'POST', path: '/Users', bulkId: 'kim', data: userBody('kim') },
          { method: 'PATCH', path: '/Groups/bulkId:team', data: patchBody({ op: 'add', path: 'members', value: [{ value: 'bulkId:kim' }] }) },
          { method: 'POST', path: '/Groups', bulkId: 'team', data: groupBody('Team') },
        ]),
      ),
    );
    const id = idOf(results[2]);
    expect(results.map((result) => [result['method'], result['status'], result['version']])).toEqual([
      ['PUT', '200', 'W/"2"'],
      ['PATCH', '200', 'W/"3"'],
      ['POST', '201', 'W/"1"'],
      ['PATCH', '200', 'W/"2"'],
      ['POST', '201', 'W/"1"'],
    ]);
    expect(results[0]?.['location']).toBe(`${PUBLIC_BASE}/Users/${id}`);
    expect(results[1]?.['location']).toBe(`${PUBLIC_BASE}/Users/${id}`);
    const kim = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 200);
    expect(kim).toMatchObject({ displayName: 'Kim Replaced', title: 'Engineer' });
    const team = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${idOf(results[4])}` }), 200);
    expect(team['members'].map((member: Json) => member['value'])).toEqual([id]);

    const deleted = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'DELETE', path: '/Users/bulkId:temp' },
          { method: 'POST', path: '/Users', bulkId: 'temp', data: userBody('temp') },
        ]),
      ),
    );
    expect(deleted.map((result) => result['status'])).toEqual(['204', '201']);
    expect(deleted[0]?.['location']).toBe(deleted[1]?.['location']);
    expect((await server.request({ method: 'GET', url: `/scim/v2/Users/${idOf(deleted[1])}` })).statusCode).toBe(404);
  });

  it('answers an unknown bulkId 400 invalidValue and a reference to a failed POST 409, while the others proceed', async () => {
    await createUser(server, 'taken');
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'POST', path: '/Groups', bulkId: 'g1', data: groupBody('Ghosts', ['bulkId:nobody']) },
          { method: 'POST', path: '/Users', bulkId: 'dup', data: userBody('taken') },
          { method: 'POST', path: '/Groups', bulkId: 'g2', data: groupBody('Needs dup', ['bulkId:dup']) },
          { method: 'PATCH', path: '/Users/bulkId:dup', data: patchBody({ op: 'replace', path: 'title', value: 'x' }) },
          { method: 'POST', path: '/Users', bulkId: 'ok', data: userBody('fine') },
        ]),
      ),
    );
    expect(results).toHaveLength(5);
    expect(expectOperationError(results[0], 400, 'invalidValue')['detail']).toContain('bulkId:nobody');
    expectOperationError(results[1], 409, 'uniqueness');
    expect(expectOperationError(results[2], 409)['detail']).toContain('bulkId:dup');
    expectOperationError(results[3], 409);
    // No location: the path's bulkId never resolved to a resource.
    expect(results[3]?.['location']).toBeUndefined();
    expect(results[4]).toMatchObject({ bulkId: 'ok', status: '201' });
  });

  it('answers a self-reference and a cycle of three 409, and runs what does not depend on them', async () => {
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'POST', path: '/Groups', bulkId: 'self', data: groupBody('Self', ['bulkId:self']) },
          { method: 'POST', path: '/Groups', bulkId: 'a', data: groupBody('A', ['bulkId:c']) },
          { method: 'POST', path: '/Groups', bulkId: 'b', data: groupBody('B', ['bulkId:a']) },
          { method: 'POST', path: '/Groups', bulkId: 'c', data: groupBody('C', ['bulkId:b']) },
          { method: 'POST', path: '/Groups', bulkId: 'outside', data: groupBody('Outside', ['bulkId:a']) },
          { method: 'POST', path: '/Groups', bulkId: 'free', data: groupBody('Free') },
        ]),
      ),
    );
    for (const index of [0, 1, 2, 3, 4]) expectOperationError(results[index], 409);
    expect(results[5]).toMatchObject({ bulkId: 'free', status: '201' });
  });

  it('stops after failOnErrors errors and reports only what ran', async () => {
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest(
          [
            { method: 'DELETE', path: '/Users/missing-1' },
            { method: 'POST', path: '/Users', bulkId: 'before', data: userBody('runs-before-limit') },
            { method: 'DELETE', path: '/Users/missing-2' },
            { method: 'POST', path: '/Users', bulkId: 'after', data: userBody('never-runs') },
            { method: 'DELETE', path: '/Users/missing-3' },
          ],
          { failOnErrors: 2 },
        ),
      ),
    );
    expect(results.map((result) => result['status'])).toEqual(['404', '201', '404']);
    const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22never-runs%22' }), 200);
    expect(list['totalResults']).toBe(0);
  });

  it('uses an operation version as If-Match: a stale one is 412 for that operation only, and changes nothing', async () => {
    const user = await createUser(server, 'versioned');
    const before = await server.rawTables();
    const stale = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'PATCH', path: `/Users/${user['id']}`, version: 'W/"7"', data: patchBody({ op: 'replace', path: 'title', value: 'x' }) },
          { method: 'PUT', path: `/Users/${user['id']}`, version: 'W/"7"', data: userBody('versioned', { title: 'y' }) },
          { method: 'DELETE', path: `/Users/${user['id']}`, version: 'W/"7"' },
        ]),
      ),
    );
    for (const result of stale) expectOperationError(result, 412);
    expect(await server.rawTables()).toEqual(before);
    const current = bulkResults(
      await postBulk(server, bulkRequest([{ method: 'PATCH', path: `/Users/${user['id']}`, version: 'W/"1"', data: patchBody({ op: 'replace', path: 'title', value: 'x' }) }])),
    );
    expect(current[0]).toMatchObject({ status: '200', version: 'W/"2"' });
  });

  it('leaves nothing behind for a failing operation: no half-created Group, no half-applied PATCH or PUT', async () => {
    const member = await createUser(server, 'real-member');
    await createUser(server, 'occupied');
    const before = await server.rawTables();
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'POST', path: '/Groups', bulkId: 'half', data: groupBody('Half', [member['id'] as string, 'no-such-user']) },
          { method: 'PATCH', path: `/Users/${member['id']}`, data: patchBody({ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'userName', value: 'occupied' }) },
          { method: 'PUT', path: `/Users/${member['id']}`, data: userBody('occupied', { title: 'never stored' }) },
        ]),
      ),
    );
    expectOperationError(results[0], 400, 'invalidValue');
    // The PATCH's first operation alone would succeed: the second's conflict rolls both back.
    expectOperationError(results[1], 409, 'uniqueness');
    expectOperationError(results[2], 409, 'uniqueness');
    expect(await server.rawTables()).toEqual(before);
  });

  it('rolls back an operation whose rows were written before it failed, and keeps the operations that succeeded', async () => {
    const member = await createUser(server, 'bulk-rollback-member');
    const other = await createUser(server, 'bulk-rollback-other');
    const group = expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Groups', body: groupBody('Bulk Rollback', [member['id'] as string]) }), 201);
    const groupPath = `/Groups/${group['id'] as string}`;
    const before = await server.rawTables();
    const results = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          // Removes the member row and adds another, then fails on the unknown id.
          {
            method: 'PATCH',
            path: groupPath,
            data: patchBody(
              { op: 'remove', path: `members[value eq "${member['id'] as string}"]` },
              { op: 'add', path: 'members', value: [{ value: other['id'] }] },
              { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] },
            ),
          },
          { method: 'PATCH', path: groupPath, data: patchBody({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: group['id'] }] }) },
        ]),
      ),
    );
    expectOperationError(results[0], 400, 'invalidValue');
    expectOperationError(results[1], 400, 'invalidValue');
    expect(await server.rawTables()).toEqual(before);
    // The same failing operation next to one that succeeds: only the success remains.
    const mixed = bulkResults(
      await postBulk(
        server,
        bulkRequest([
          { method: 'PATCH', path: groupPath, data: patchBody({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }) },
          { method: 'PATCH', path: groupPath, data: patchBody({ op: 'replace', path: 'displayName', value: 'Bulk Rollback Renamed' }) },
        ]),
      ),
    );
    expectOperationError(mixed[0], 400, 'invalidValue');
    expect(mixed[1]).toMatchObject({ status: '200' });
    const after = expectStatus(await server.request({ method: 'GET', url: `/scim/v2${groupPath}` }), 200);
    expect(after['displayName']).toBe('Bulk Rollback Renamed');
    expect((after['members'] as Json[]).map((entry) => entry['value'])).toEqual([member['id']]);
  });

  describe('malformed requests are refused whole, before any operation runs', () => {
    const valid = { method: 'POST', path: '/Users', bulkId: 'would-be-created', data: userBody('would-be-created') };
    it.each([
      ['a body that is not JSON', '{"schemas": ['],
      ['a body that is not an object', JSON.stringify([valid])],
      ['a missing BulkRequest schema', JSON.stringify({ Operations: [valid] })],
      ['Operations that are not an array', JSON.stringify({ schemas: [BULK_REQUEST_SCHEMA], Operations: valid })],
      ['failOnErrors of 0', JSON.stringify(bulkRequest([valid], { failOnErrors: 0 }))],
      ['an invalid method', JSON.stringify(bulkRequest([valid, { method: 'GET', path: '/Users' }]))],
      ['a missing path', JSON.stringify(bulkRequest([valid, { method: 'DELETE' }]))],
      ['a path to an unknown endpoint', JSON.stringify(bulkRequest([valid, { method: 'DELETE', path: '/Widgets/1' }]))],
      ['data on a DELETE', JSON.stringify(bulkRequest([valid, { method: 'DELETE', path: '/Users/1', data: {} }]))],
      ['a POST without bulkId', JSON.stringify(bulkRequest([valid, { method: 'POST', path: '/Users', data: userBody('x') }]))],
      ['a PATCH without data', JSON.stringify(bulkRequest([valid, { method: 'PATCH', path: '/Users/1' }]))],
      ['duplicate bulkIds', JSON.stringify(bulkRequest([valid, { ...valid, data: userBody('other') }]))],
    ])('%s: 400 invalidSyntax', async (_name, payload) => {
      const before = await server.rawTables();
      const response = await server.request({ method: 'POST', url: '/scim/v2/Bulk', body: payload });
      expectScimError(response, 400, 'invalidSyntax');
      expect(await server.rawTables()).toEqual(before);
    });

    it('an empty body: 400 invalidSyntax', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Bulk', headers: { 'content-type': SCIM_JSON }, payload: '' }), 400, 'invalidSyntax');
    });

    it('other methods on /Bulk: 405 with Allow', async () => {
      const response = await server.request({ method: 'GET', url: '/scim/v2/Bulk' });
      expectScimError(response, 405);
      expect(response.headers['allow']).toBe('POST');
    });

    it('an empty Operations list: 200 with no results', async () => {
      expect(bulkResults(await postBulk(server, bulkRequest([])))).toEqual([]);
    });
  });

  it('runs in the tenant of the URL and token, and cannot reach another tenant’s resources', async () => {
    const acme = await createTenant(server, 'acme');
    const outsider = await createUser(server, 'default-tenant-user');
    const response = await acme.request(
      'POST',
      `${acme.base}/Bulk`,
      bulkRequest([
        { method: 'POST', path: '/Users', bulkId: 'u', data: userBody('acme-user') },
        { method: 'POST', path: '/Groups', bulkId: 'g', data: groupBody('Acme', ['bulkId:u']) },
        { method: 'DELETE', path: `/Users/${outsider['id']}` },
      ]),
    );
    const results = bulkResults(response);
    expect(results[0]?.['location']).toBe(`https://scim.example.com/t/acme/scim/v2/Users/${idOf(results[0])}`);
    expect(results[1]?.['status']).toBe('201');
    expectOperationError(results[2], 404);
    expect((await acme.request('GET', `${acme.base}/Users/${idOf(results[0])}`)).statusCode).toBe(200);
    expect((await server.request({ method: 'GET', url: `/scim/v2/Users/${idOf(results[0])}` })).statusCode).toBe(404);
    expect((await server.request({ method: 'GET', url: `/scim/v2/Users/${outsider['id']}` })).statusCode).toBe(200);
  });
});
