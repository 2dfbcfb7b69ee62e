/**
 * Versioning with entity tags (RFC 7644 §3.14; RFC 9110 §13.1.1, §13.1.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { createGroup, createUser, expectScimError, expectStatus, type Json, patchBody, userBody } from './support.js';

describe('ETags and conditional requests', () => {
  let server: TestServer;
  let clock = new Date('2024-01-01T00:00:00.000Z');
  function tick(): void {
    clock = new Date(clock.getTime() + 60_000);
  }
  beforeAll(async () => {
    server = await build({}, { now: () => clock });
  });
  afterAll(async () => {
    await server.close();
  });

  async function get(path: string, headers: Record<string, string> = {}) {
    return server.request({ method: 'GET', url: `/scim/v2${path}`, headers });
  }

  describe('GET with If-None-Match', () => {
    let user: Json;
    let path: string;
    beforeAll(async () => {
      user = await createUser(server, 'conditional-get');
      path = `/Users/${user['id'] as string}`;
    });

    it('answers 304 without a body when the tag matches', async () => {
      const response = await get(path, { 'if-none-match': 'W/"1"' });
      expectStatus(response, 304);
      expect(response.headers['etag']).toBe('W/"1"');
    });

    it('compares weakly: a strong "1" matches W/"1"', async () => {
      expectStatus(await get(path, { 'if-none-match': '"1"' }), 304);
    });

    it('answers 304 for * and for a list containing the tag', async () => {
      expectStatus(await get(path, { 'if-none-match': '*' }), 304);
      expectStatus(await get(path, { 'if-none-match': 'W/"5", W/"1"' }), 304);
    });

    it('answers 200 with the resource when the tag does not match', async () => {
      const response = await get(path, { 'if-none-match': 'W/"2"' });
      const body = expectStatus(response, 200);
      expect(body['id']).toBe(user['id']);
      expect(response.headers['etag']).toBe('W/"1"');
    });

    it('answers 404, not 304, for an unknown id', async () => {
      expectScimError(await get('/Users/unknown-id', { 'if-none-match': '*' }), 404);
    });

    it('answers a malformed If-None-Match with 400', async () => {
      expectScimError(await get(path, { 'if-none-match': 'garbage' }), 400);
    });
  });

  describe('writes with If-Match', () => {
    it('PUT: a stale tag is 412 and changes nothing; the current tag succeeds with a new version', async () => {
      const user = await createUser(server, 'conditional-put');
      const path = `/Users/${user['id'] as string}`;
      tick();
      const first = await server.request({ method: 'PUT', url: `/scim/v2${path}`, body: userBody('conditional-put', { title: 'First' }), headers: { 'if-match': 'W/"1"' } });
      const replaced = expectStatus(first, 200);
      expect(first.headers['etag']).toBe('W/"2"');
      expect(replaced['meta']['version']).toBe('W/"2"');
      expect(replaced['meta']['lastModified']).toBe(clock.toISOString());
      expect(replaced['meta']['created']).toBe(user['meta']['created']);

      // A second writer still holding W/"1" loses (RFC 7644 §3.14: no lost updates).
      const second = await server.request({ method: 'PUT', url: `/scim/v2${path}`, body: userBody('conditional-put', { title: 'Second' }), headers: { 'if-match': 'W/"1"' } });
      expectScimError(second, 412);
      const fetched = expectStatus(await get(path), 200);
      expect(fetched['title']).toBe('First');
      expect(fetched['meta']['version']).toBe('W/"2"');
    });

    it('PUT: If-Match * matches any current version', async () => {
      const user = await createUser(server, 'conditional-put-any');
      const response = await server.request({
        method: 'PUT',
        url: `/scim/v2/Users/${user['id'] as string}`,
        body: userBody('conditional-put-any', { title: 'Any' }),
        headers: { 'if-match': '*' },
      });
      expect(expectStatus(response, 200)['meta']['version']).toBe('W/"2"');
    });

    it('PATCH: a stale tag is 412; the current tag succeeds', async () => {
      const user = await createUser(server, 'conditional-patch');
      const url = `/scim/v2/Users/${user['id'] as string}`;
      expectScimError(
        await server.request({ method: 'PATCH', url, body: patchBody({ op: 'replace', path: 'title', value: 'x' }), headers: { 'if-match': 'W/"0"' } }),
        412,
      );
      const response = await server.request({ method: 'PATCH', url, body: patchBody({ op: 'replace', path: 'title', value: 'y' }), headers: { 'if-match': 'W/"1"' } });
      const patched = expectStatus(response, 200);
      expect(patched['title']).toBe('y');
      expect(response.headers['etag']).toBe('W/"2"');
    });

    it('DELETE: a stale tag is 412 and the resource stays; the current tag deletes it', async () => {
      const user = await createUser(server, 'conditional-delete');
      const url = `/scim/v2/Users/${user['id'] as string}`;
      expectScimError(await server.request({ method: 'DELETE', url, headers: { 'if-match': 'W/"9"' } }), 412);
      expectStatus(await get(`/Users/${user['id'] as string}`), 200);
      expectStatus(await server.request({ method: 'DELETE', url, headers: { 'if-match': 'W/"1"' } }), 204);
      expectScimError(await get(`/Users/${user['id'] as string}`), 404);
    });

    it.each(['garbage', 'W/1', '"unterminated', 'W/"1" garbage'])('answers If-Match %j with 400 and changes nothing', async (ifMatch) => {
      const user = await createUser(server, `bad-if-match-${ifMatch.replace(/\W+/g, '')}`);
      const url = `/scim/v2/Users/${user['id'] as string}`;
      expectScimError(await server.request({ method: 'PUT', url, body: userBody(user['userName'] as string, { title: 'x' }), headers: { 'if-match': ifMatch } }), 400);
      expect(expectStatus(await get(`/Users/${user['id'] as string}`), 200)).toEqual(user);
    });

    it('a stale If-Match on an unknown id is 404', async () => {
      expectScimError(await server.request({ method: 'DELETE', url: '/scim/v2/Users/unknown-id', headers: { 'if-match': 'W/"1"' } }), 404);
    });
  });

  describe('concurrent writers', () => {
    it('twenty simultaneous creates of one userName: one 201, the rest 409 uniqueness', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody(index % 2 === 0 ? 'race-name' : 'RACE-NAME') }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      for (const response of responses.filter((candidate) => candidate.statusCode !== 201)) expectScimError(response, 409, 'uniqueness');
      const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22race-name%22' }), 200);
      expect(list['totalResults']).toBe(1);
    });

    it('ten simultaneous PATCHes under one If-Match: exactly one wins, the rest are 412', async () => {
      const user = await createUser(server, 'race-if-match');
      const url = `/scim/v2/Users/${user['id'] as string}`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          server.request({ method: 'PATCH', url, body: patchBody({ op: 'replace', path: 'title', value: `t${index}` }), headers: { 'if-match': 'W/"1"' } }),
        ),
      );
      expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(1);
      for (const response of responses.filter((candidate) => candidate.statusCode !== 200)) expectScimError(response, 412);
      expect(expectStatus(await get(`/Users/${user['id'] as string}`), 200)['meta']['version']).toBe('W/"2"');
    });

    it('ten simultaneous unconditional PATCHes all apply, one version each', async () => {
      const user = await createUser(server, 'race-unconditional');
      const url = `/scim/v2/Users/${user['id'] as string}`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => server.request({ method: 'PATCH', url, body: patchBody({ op: 'add', path: 'emails', value: [{ value: `e${index}@example.com` }] }) })),
      );
      for (const response of responses) expectStatus(response, 200);
      const fetched = expectStatus(await get(`/Users/${user['id'] as string}`), 200);
      expect(fetched['meta']['version']).toBe('W/"11"');
      expect((fetched['emails'] as Json[]).map((email) => email['value']).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `e${index}@example.com`).sort());
    });

    it('simultaneous member adds to one group all land', async () => {
      const group = await createGroup(server, 'Race Group');
      const users = await Promise.all(Array.from({ length: 8 }, (_, index) => createUser(server, `race-member-${index}`)));
      const responses = await Promise.all(
        users.map((member) =>
          server.request({
            method: 'PATCH',
            url: `/scim/v2/Groups/${group['id'] as string}`,
            body: patchBody({ op: 'add', path: 'members', value: [{ value: member['id'] }] }),
          }),
        ),
      );
      for (const response of responses) expectStatus(response, 204);
      const fetched = expectStatus(await get(`/Groups/${group['id'] as string}`), 200);
      expect(((fetched['members'] as Json[]) ?? []).map((member) => member['value']).sort()).toEqual(users.map((member) => member['id'] as string).sort());
      expect(fetched['meta']['version']).toBe('W/"9"');
    });
  });

  describe('versions move with every change', () => {
    it('each PATCH and PUT gives a new version and lastModified; created stays', async () => {
      const user = await createUser(server, 'versioned');
      const url = `/scim/v2/Users/${user['id'] as string}`;
      const versions: string[] = [user['meta']['version'] as string];
      for (const title of ['a', 'b', 'c']) {
        tick();
        const response = await server.request({ method: 'PATCH', url, body: patchBody({ op: 'replace', path: 'title', value: title }) });
        const patched = expectStatus(response, 200);
        versions.push(patched['meta']['version'] as string);
        expect(response.headers['etag']).toBe(patched['meta']['version']);
        expect(patched['meta']['lastModified']).toBe(clock.toISOString());
        expect(patched['meta']['created']).toBe(user['meta']['created']);
      }
      expect(versions).toEqual(['W/"1"', 'W/"2"', 'W/"3"', 'W/"4"']);
    });

    it('a membership change gives the group a new version', async () => {
      const member = await createUser(server, 'version-member');
      const group = await createGroup(server, 'Versioned Group');
      tick();
      const response = await server.request({
        method: 'PATCH',
        url: `/scim/v2/Groups/${group['id'] as string}`,
        body: patchBody({ op: 'add', path: 'members', value: [{ value: member['id'] }] }),
      });
      expectStatus(response, 204);
      expect(response.headers['etag']).toBe('W/"2"');
      const fetched = expectStatus(await get(`/Groups/${group['id'] as string}`), 200);
      expect(fetched['meta']['version']).toBe('W/"2"');
      expect(fetched['meta']['lastModified']).toBe(clock.toISOString());
      // The old tag no longer guards a write.
      expectScimError(
        await server.request({
          method: 'PATCH',
          url: `/scim/v2/Groups/${group['id'] as string}`,
          body: patchBody({ op: 'replace', path: 'displayName', value: 'Stale' }),
          headers: { 'if-match': 'W/"1"' },
        }),
        412,
      );
    });

    it('If-None-Match with the old tag answers 200 after a change', async () => {
      const user = await createUser(server, 'changed-since');
      const url = `/scim/v2/Users/${user['id'] as string}`;
      expectStatus(await server.request({ method: 'PATCH', url, body: patchBody({ op: 'replace', path: 'title', value: 'New' }) }), 200);
      const response = await get(`/Users/${user['id'] as string}`, { 'if-none-match': 'W/"1"' });
      expect(expectStatus(response, 200)['title']).toBe('New');
      expect(response.headers['etag']).toBe('W/"2"');
    });
  });
});
