/**
 * In-process hooks (after commit, and inside the transaction to veto) and the
 * event feed with its cursor and long-polling. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimErrors } from '../../src/core/errors/scim-error.js';
import type { ScimitarEvent } from '../../src/events/event.js';
import { build, type TestServer } from '../helpers/build.js';
import { createUser, expectScimError, expectStatus, type Json, patchBody, userBody } from '../http/support.js';
import { ADMIN, adminClient } from '../admin/support.js';

describe('in-process hooks', () => {
  let server: TestServer;
  const calls: string[] = [];
  const everything: ScimitarEvent[] = [];
  let vetoUserName: string | undefined;

  beforeAll(async () => {
    server = await build(
      {},
      {
        hooks: {
          onUserCreated: (event) => void calls.push(`created ${String(event.data.resource['userName'])}`),
          onUserDeactivated: (event) => void calls.push(`deactivated ${String(event.data.resource['userName'])}`),
          onUserDeleted: () => {
            throw new Error('a failing after-commit hook changes nothing');
          },
          onEvent: (event) => void everything.push(event),
          inTransaction: (events) => {
            for (const event of events) {
              if (event.data.resource['userName'] === vetoUserName) throw scimErrors.forbidden(`The app does not allow "${vetoUserName}"`);
            }
          },
        },
      },
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs the typed hook, then onEvent, after commit, in commit order', async () => {
    const user = await createUser(server, 'hook-1', { active: true });
    expectStatus(await server.request({ method: 'PATCH', url: `/scim/v2/Users/${user['id']}`, body: patchBody({ op: 'replace', path: 'active', value: false }) }), 200);
    expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${user['id']}` }), 204);
    await server.scimitar.hooksIdle();
    expect(calls).toEqual(['created hook-1', 'deactivated hook-1']);
    expect(everything.map((event) => event.type)).toEqual(['user.created', 'user.deactivated', 'user.deleted']);
    // The hook saw exactly what the outbox holds.
    const stored = await server.scimitar.store.events.listEvents('default', everything[0]!.sequence - 1, 3);
    expect(stored).toEqual(everything);
  });

  it('an inTransaction hook that throws vetoes the change: the client gets its SCIM error, nothing is written, no event', async () => {
    vetoUserName = 'vetoed';
    const before = await server.rawTables();
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('vetoed') }), 403);
    expect(await server.rawTables()).toEqual(before);
    vetoUserName = undefined;
  });
});

describe('the event feed (GET /admin/v1/tenants/{tenant}/events)', () => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof adminClient>>;

  beforeAll(async () => {
    server = await build();
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  async function feed(query: string): Promise<{ status: number; body: Json }> {
    const response = await admin.request('GET', `/tenants/default/events${query}`);
    return { status: response.statusCode, body: JSON.parse(response.body) as Json };
  }

  it('pages through the events in order with nextCursor, and returns the same cursor when there is nothing new', async () => {
    for (const name of ['feed-a', 'feed-b', 'feed-c']) await createUser(server, name);
    const first = await feed('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body['events'].map((event: Json) => event['data']['resource']['userName'])).toEqual(['feed-a', 'feed-b']);
    const second = await feed(`?after=${first.body['nextCursor']}&limit=2`);
    expect(second.body['events'].map((event: Json) => event['data']['resource']['userName'])).toEqual(['feed-c']);
    const empty = await feed(`?after=${second.body['nextCursor']}`);
    expect(empty.body).toEqual({ events: [], nextCursor: second.body['nextCursor'] });
    // The whole event, as webhooks deliver it.
    expect(Object.keys(first.body['events'][0])).toEqual(['id', 'type', 'timestamp', 'tenant', 'sequence', 'resourceType', 'resourceId', 'externalId', 'data', 'requestId']);
  });

  it('long-polls: a read with wait= answers as soon as a change commits', async () => {
    const { body } = await feed('?after=latest');
    const waiting = feed(`?after=${body['nextCursor']}&wait=20`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await createUser(server, 'feed-late');
    const answered = await waiting;
    expect(answered.body['events'].map((event: Json) => event['data']['resource']['userName'])).toEqual(['feed-late']);
  });

  it('answers 410 for a cursor older than retention, 400 for a bad cursor, 404 for an unknown tenant', async () => {
    await createUser(server, 'feed-old');
    const removed = await server.scimitar.store.events.prune(new Date(Date.now() + 60_000).toISOString());
    expect(removed).toBeGreaterThan(0);
    const gone = await feed('?after=0');
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ status: 410, code: 'gone' });
    expect(gone.body['message']).toMatch(/after=latest/);
    expect((await feed('?after=latest')).status).toBe(200);
    expect((await feed('?after=not-a-cursor')).status).toBe(400);
    const unknown = await admin.request('GET', '/tenants/no-such-tenant/events');
    expect(unknown.statusCode).toBe(404);
    expect(ADMIN).toBe('/admin/v1');
  });
});

describe('the event feed at shutdown', () => {
  it('answers a long-poll under way at once when the server closes (an empty page with its cursor), so a drain never waits for it', async () => {
    const server = await build();
    const admin = await adminClient(server);
    const latest = JSON.parse((await admin.request('GET', '/tenants/default/events?after=latest')).body) as Json;
    // wait=60 is longer than the test's own timeout: only the shutdown can end this read in time.
    const waiting = admin.request('GET', `/tenants/default/events?after=${latest['nextCursor']}&wait=60`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closed = server.close();
    const answered = await waiting;
    expect(answered.statusCode).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ events: [], nextCursor: latest['nextCursor'] });
    await closed;
  });
});
