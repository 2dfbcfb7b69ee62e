/**
 * GET of a Group with more members than a page (1,000): the representation is
 * streamed, members read a page at a time, and is the same JSON the
 * in-memory path would build. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noProjection } from '../../src/core/projection/index.js';
import type { MemberRef } from '../../src/store/store.js';
import { build, type TestServer } from '../helpers/build.js';
import { expectStatus, type Json, PUBLIC_BASE } from './support.js';

const MEMBERS = 2500;
const NOW = '2026-01-01T00:00:00.000Z';

describe('GET /Groups/{id} of a large group', () => {
  let server: TestServer;
  const groupId = 'big-group';

  beforeAll(async () => {
    server = await build();
    // Seeded through the store: the subject here is the read.
    await server.scimitar.store.transaction(async (writer) => {
      const members: MemberRef[] = [];
      for (let index = 0; index < MEMBERS; index += 1) {
        const id = `u-${String(index).padStart(5, '0')}`;
        await writer.insertResource({ tenantId: 'default', resourceType: 'User', id, attributes: { userName: `member-${index}` }, passwordHash: undefined, now: NOW });
        members.push({ value: id, type: 'User' });
      }
      await writer.insertResource({ tenantId: 'default', resourceType: 'Group', id: groupId, attributes: { displayName: 'Everyone' }, passwordHash: undefined, now: NOW });
      await writer.addMembers('default', groupId, members);
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('streams the whole membership in member id order, identical to the representation built in memory', async () => {
    const response = await server.request({ method: 'GET', url: `/scim/v2/Groups/${groupId}` });
    const streamed = expectStatus(response, 200);
    // Sent as it is read: no length known in advance.
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['etag']).toBe('W/"1"');
    expect(streamed['members']).toHaveLength(MEMBERS);
    expect(streamed['members'][0]).toEqual({ value: 'u-00000', $ref: `${PUBLIC_BASE}/Users/u-00000`, display: 'member-0', type: 'User' });
    const inMemory = await server.scimitar.resources.get({ tenantId: 'default', baseUrl: PUBLIC_BASE }, 'Group', groupId, noProjection);
    expect(inMemory.streamedJson).toBeUndefined();
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(inMemory.resource));
  });

  it('applies attributes= to every streamed member, and excludedAttributes=members streams nothing', async () => {
    const projected = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${groupId}?attributes=members.value` }), 200);
    expect(Object.keys(projected).sort()).toEqual(['id', 'members', 'schemas']);
    expect((projected['members'] as Json[]).every((member) => Object.keys(member).join() === 'value')).toBe(true);
    expect((projected['members'] as Json[]).map((member) => member['value'])).toEqual(Array.from({ length: MEMBERS }, (_, index) => `u-${String(index).padStart(5, '0')}`));
    const without = await server.request({ method: 'GET', url: `/scim/v2/Groups/${groupId}?excludedAttributes=members` });
    expect(expectStatus(without, 200)).not.toHaveProperty('members');
    expect(without.headers['content-length']).toBeDefined();
  });

  it('answers If-None-Match naming the version with 304 and no body', async () => {
    const response = await server.request({ method: 'GET', url: `/scim/v2/Groups/${groupId}`, headers: { 'if-none-match': 'W/"1"' } });
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
  });
});
