/**
 * Horizontal scale-out: two real Scimitar processes on one PostgreSQL
 * (then one MariaDB) database, driven over real sockets. Everything that must hold across
 * instances is enforced by the database (constraints, row versions, row
 * locks), so no interleaving of requests may break it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestStoreKind } from '../helpers/build.js';
import { startInstance as startProcess, type Instance } from '../helpers/instances.js';

/** The shared databases this suite runs on, each when vitest.config.ts found it reachable. */
const SERVERS: readonly { readonly kind: TestStoreKind; readonly name: string; readonly available: boolean }[] = [
  { kind: 'postgres', name: 'PostgreSQL', available: process.env['SCIMITAR_TEST_POSTGRES'] === '1' },
  { kind: 'mariadb', name: 'MariaDB', available: process.env['SCIMITAR_TEST_MARIADB'] === '1' },
];
const TOKEN = 'scale-out-token-0123456789';
const SECRET = 'scale-out-secret-0123456789abcdef0123456789';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Starts `scimitar start` from the sources on this database. */
function startInstance(databaseUrl: string): Promise<Instance> {
  return startProcess({ DATABASE_URL: databaseUrl, SCIMITAR_TOKEN: TOKEN, SCIMITAR_SECRET: SECRET, SCIMITAR_LOG_LEVEL: 'warn' });
}

async function call(instance: Instance, method: string, resourcePath: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${instance.baseUrl}${resourcePath}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

for (const server of SERVERS) describe.skipIf(!server.available)(`two Scimitar instances on one ${server.name} database`, () => {
  let database: Awaited<ReturnType<typeof testDatabase>> | undefined;
  let first: Instance;
  let second: Instance;

  beforeAll(async () => {
    database = await testDatabase(server.kind);
    const url = database.env['DATABASE_URL'] ?? '';
    // Started together: the migration lock (advisory lock, GET_LOCK) lets exactly one of them migrate.
    [first, second] = await Promise.all([startInstance(url), startInstance(url)]);
  }, 60_000);

  afterAll(async () => {
    for (const instance of [first, second]) {
      if (!instance) continue;
      const exited = new Promise((resolve) => instance.process.once('exit', resolve));
      instance.process.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
  }, 60_000);

  it('50 concurrent creates of one userName across both instances: exactly one 201, the rest 409 uniqueness', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        call(index % 2 === 0 ? first : second, 'POST', '/Users', { schemas: [USER], userName: index % 3 === 0 ? 'Race@Example.com' : 'race@example.com' }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    for (const response of responses.filter((candidate) => candidate.status === 409)) {
      expect(response.body?.['scimType']).toBe('uniqueness');
    }
    const lookup = await call(second, 'GET', `/Users?filter=${encodeURIComponent('userName eq "RACE@example.com"')}`);
    expect(lookup.body?.['totalResults']).toBe(1);
  });

  it('concurrent membership PATCHes from both instances are all applied', async () => {
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, index) => call(index % 2 === 0 ? first : second, 'POST', '/Users', { schemas: [USER], userName: `member-${index}` })),
    );
    const userIds = users.map((response) => response.body?.['id'] as string);
    const seeded = userIds.slice(0, 10);
    const group = await call(first, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Contended', members: seeded.map((value) => ({ value })) });
    expect(group.status).toBe(201);
    const groupId = group.body?.['id'] as string;
    // Ten adds of new members and ten removes of seeded ones, interleaved across the instances.
    const adds = userIds.slice(10).map((value, index) =>
      call(index % 2 === 0 ? first : second, 'PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] }),
    );
    const removes = seeded.map((value, index) =>
      call(index % 2 === 0 ? second : first, 'PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${value}"]` }] }),
    );
    const results = await Promise.all([...adds, ...removes]);
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(204));
    const final = await call(second, 'GET', `/Groups/${groupId}`);
    const memberIds = (final.body?.['members'] as { value: string }[]).map((member) => member.value).sort();
    expect(memberIds).toEqual([...userIds.slice(10)].sort());
    // Every applied PATCH made a new version: created at 1, plus 20 changes.
    expect(final.body?.['meta']['version']).toBe('W/"21"');
  });

  it('an If-Match race across the instances: one 200 and one 412', async () => {
    const created = await call(first, 'POST', '/Users', { schemas: [USER], userName: 'if-match-race' });
    const id = created.body?.['id'] as string;
    const etag = created.headers.get('etag') ?? '';
    const patchBody = (title: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] });
    const [one, two] = await Promise.all([
      call(first, 'PATCH', `/Users/${id}`, patchBody('first'), { 'if-match': etag }),
      call(second, 'PATCH', `/Users/${id}`, patchBody('second'), { 'if-match': etag }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 412]);
    const winner = one.status === 200 ? 'first' : 'second';
    const current = await call(second, 'GET', `/Users/${id}`);
    expect(current.body?.['title']).toBe(winner);
    expect(current.body?.['meta']['version']).toBe('W/"2"');
  });

  it('an identity-provider sequence sent alternately to both instances sees one consistent directory', async () => {
    const lookup = (instance: Instance) => call(instance, 'GET', `/Users?filter=${encodeURIComponent('userName eq "joiner@example.com"')}&startIndex=1&count=100`);
    expect((await lookup(first)).body?.['totalResults']).toBe(0);
    const created = await call(second, 'POST', '/Users', { schemas: [USER], userName: 'Joiner@example.com', active: true });
    expect(created.status).toBe(201);
    const id = created.body?.['id'] as string;
    expect((await lookup(first)).body?.['Resources'][0]['id']).toBe(id);
    const deactivated = await call(first, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(deactivated.body?.['active']).toBe(false);
    expect((await call(second, 'GET', `/Users/${id}`)).body?.['active']).toBe(false);
    const group = await call(second, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Joiners', members: [{ value: id }] });
    const groups = await call(first, 'GET', `/Users/${id}?attributes=groups`);
    expect(groups.body?.['groups']).toEqual([expect.objectContaining({ value: group.body?.['id'], type: 'direct' })]);
    expect((await call(first, 'DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await call(second, 'GET', `/Users/${id}`)).status).toBe(404);
    expect((await call(second, 'GET', `/Groups/${group.body?.['id'] as string}`)).body?.['members']).toBeUndefined();
  });
});
