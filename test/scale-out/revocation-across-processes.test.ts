/**
 * Revocation holds at once on every instance: two real Scimitar processes
 * on one database (SQLite file, PostgreSQL or MariaDB database) serve a token under
 * a steady load while a third process (the CLI) or one of the instances
 * revokes it, rotates it with --overlap 0, or deletes its tenant. Counted
 * as an attacker would: requests sent more than 100 ms after the change was
 * committed must all be refused (401). And a deleted tenant's token never
 * gets a 500 or an empty directory, only 401s (whatever any cache holds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, processEnv, runCliJson, startInstance, stopInstance, type Instance, type TestDatabase } from '../webhooks/processes.js';
import { storeKinds } from '../webhooks/support.js';
import { around, listUsers, origin } from './load-around-change.js';

const kinds = await storeKinds();
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
describe.each(kinds)('revocation across two processes on %s', (kind) => {
  let database: TestDatabase;
  let instances: Instance[] = [];
  let env: Record<string, string>;
  let adminKey: string;

  beforeAll(async () => {
    database = await createDatabase(kind);
    // Every refused request counts as a failed authentication: the throttle would turn the 401s into 429s.
    env = processEnv(database.url, { SCIMITAR_AUTH_FAILURE_LIMIT: '1000000', SCIMITAR_RATE_LIMIT_PER_SECOND: '1000000', SCIMITAR_RATE_LIMIT_BURST: '10000000' });
    await runCliJson(env, ['tenants', 'create', 'acme', '--name', 'Acme']);
    adminKey = (await runCliJson(env, ['admin-keys', 'create', '--name', 'revocation test']))['key'] as string;
    instances = await Promise.all([startInstance(env), startInstance(env)]);
  }, 120_000);

  afterAll(async () => {
    for (const instance of instances) await stopInstance(instance, 'SIGTERM');
    await database?.drop();
  }, 60_000);

  it('a token revoked with the CLI is refused by both instances within 100 ms', { timeout: 60_000 }, async () => {
    const created = await runCliJson(env, ['tokens', 'create', '--tenant', 'acme', '--name', 'to revoke']);
    const token = created['token'] as string;
    const outcome = await around(instances, listUsers(token, 'acme'), async () => {
      await runCliJson(env, ['tokens', 'revoke', created['id'] as string, '--tenant', 'acme']);
    });
    expect(outcome.acceptedBefore.length).toBeGreaterThan(0);
    expect(outcome.acceptedLate).toEqual([]);
    expect(outcome.sent.filter((request) => request.status !== 200 && request.status !== 401)).toEqual([]);
  });

  it('a token rotated with --overlap 0 by the CLI is refused by both instances within 100 ms, and its successor works', { timeout: 60_000 }, async () => {
    const created = await runCliJson(env, ['tokens', 'create', '--tenant', 'acme', '--name', 'to rotate']);
    let successor = '';
    const outcome = await around(instances, listUsers(created['token'] as string, 'acme'), async () => {
      successor = (await runCliJson(env, ['tokens', 'rotate', created['id'] as string, '--tenant', 'acme', '--overlap', '0']))['token'] as string;
    });
    expect(outcome.acceptedBefore.length).toBeGreaterThan(0);
    expect(outcome.acceptedLate).toEqual([]);
    for (const instance of instances) expect((await listUsers(successor, 'acme')(instance)).status).toBe(200);
  });

  it("a tenant deleted through one instance's admin API: its token gets only 401s from both within 100 ms, never a 500 or an empty directory", { timeout: 60_000 }, async () => {
    const doomed = await runCliJson(env, ['tenants', 'create', 'doomed', '--name', 'To delete']);
    const token = doomed['token'] as string;
    const seeded = await fetch(`${origin(instances[0]!)}/t/doomed/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: 'resident@example.com' }),
    });
    expect(seeded.status).toBe(201);
    // Writes and reads, alternately, as an identity provider's sync would send them.
    const request = (instance: Instance, index: number) =>
      index % 2 === 0
        ? fetch(`${origin(instance)}/t/doomed/scim/v2/Users`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
            body: JSON.stringify({ schemas: [USER], userName: `u-${instance.baseUrl.length}-${Math.random()}@example.com` }),
          })
        : listUsers(token, 'doomed')(instance);
    const outcome = await around(instances, request, async () => {
      const deleted = await fetch(`${origin(instances[0]!)}/admin/v1/tenants/doomed`, { method: 'DELETE', headers: { authorization: `Bearer ${adminKey}` } });
      expect(deleted.status).toBe(204);
    });
    expect(outcome.acceptedBefore.length).toBeGreaterThan(0);
    expect(outcome.acceptedLate).toEqual([]);
    // Before the deletion: 201 and a directory holding its resident; after: 401. Never anything else.
    expect(outcome.sent.filter((sent) => sent.status !== 200 && sent.status !== 201 && sent.status !== 401)).toEqual([]);
    for (const sent of outcome.sent.filter((candidate) => candidate.status === 200)) {
      expect((JSON.parse(sent.body) as { totalResults: number }).totalResults).toBeGreaterThan(0);
    }
  });
});
