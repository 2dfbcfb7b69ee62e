/**
 * OAuth access tokens stop at once on every instance: two real Scimitar
 * processes on one database serve an access token from the token endpoint
 * under a steady load while the CLI (a third process) revokes its client or
 * rotates the client's secret with --overlap 0, or one instance's admin API
 * deletes the tenant. Requests sent more than 100 ms after the change
 * committed must all be refused (401), on both instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, processEnv, runCliJson, startInstance, stopInstance, type Instance, type TestDatabase } from '../webhooks/processes.js';
import { storeKinds } from '../webhooks/support.js';
import { around, listUsers, origin } from './load-around-change.js';

const kinds = await storeKinds();

async function accessToken(instance: Instance, tenant: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${origin(instance)}/t/${tenant}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Lists Users with `token` under load around `change`; besides the refusals, only 200s and 401s may come back. */
async function aroundWithToken(instances: readonly Instance[], token: string, tenant: string, change: () => Promise<void>) {
  const outcome = await around(instances, listUsers(token, tenant), change);
  return { ...outcome, unexpected: outcome.sent.filter((request) => request.status !== 200 && request.status !== 401) };
}

describe.each(kinds)('OAuth access token revocation across two processes on %s', (kind) => {
  let database: TestDatabase;
  let instances: Instance[] = [];
  let env: Record<string, string>;
  let adminKey: string;

  beforeAll(async () => {
    database = await createDatabase(kind);
    // Every refused request counts as a failed authentication: the throttle would turn the 401s into 429s.
    // The three tests load one tenant in tight loops, well past the default request rate (200/s, burst 2000).
    env = processEnv(database.url, { SCIMITAR_AUTH_FAILURE_LIMIT: '1000000', SCIMITAR_RATE_LIMIT_PER_SECOND: '1000000', SCIMITAR_RATE_LIMIT_BURST: '10000000' });
    await runCliJson(env, ['tenants', 'create', 'acme', '--name', 'Acme']);
    adminKey = (await runCliJson(env, ['admin-keys', 'create', '--name', 'oauth revocation test']))['key'] as string;
    instances = await Promise.all([startInstance(env), startInstance(env)]);
  }, 120_000);

  afterAll(async () => {
    for (const instance of instances) await stopInstance(instance, 'SIGTERM');
    await database?.drop();
  }, 60_000);

  it('revoking the client with the CLI stops its access token on both instances within 100 ms', { timeout: 60_000 }, async () => {
    const created = await runCliJson(env, ['oauth-clients', 'create', '--tenant', 'acme', '--name', 'to revoke']);
    const clientId = created['clientId'] as string;
    const token = await accessToken(instances[0]!, 'acme', clientId, created['clientSecret'] as string);
    const outcome = await aroundWithToken(instances, token, 'acme', async () => {
      await runCliJson(env, ['oauth-clients', 'revoke', clientId, '--tenant', 'acme']);
    });
    expect(outcome.acceptedBefore.length).toBeGreaterThan(0);
    expect(outcome.acceptedLate).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
  });

  it('rotating with --overlap 0 stops the old access token on both instances within 100 ms, and the new secret works on both', { timeout: 60_000 }, async () => {
    const created = await runCliJson(env, ['oauth-clients', 'create', '--tenant', 'acme', '--name', 'to rotate']);
    const clientId = created['clientId'] as string;
    const token = await accessToken(instances[1]!, 'acme', clientId, created['clientSecret'] as string);
    let newSecret = '';
    const outcome = await aroundWithToken(instances, token, 'acme', async () => {
      newSecret = (await runCliJson(env, ['oauth-clients', 'rotate', clientId, '--tenant', 'acme', '--overlap', '0']))['clientSecret'] as string;
    });
    expect(outcome.acceptedBefore.length).toBeGreaterThan(0);
    expect(outcome.acceptedLate).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
    for (const instance of instances) {
      const fresh = await accessToken(instance, 'acme', clientId, newSecret);
      const listed = await fetch(`${origin(instance)}/t/acme/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${fresh}` } });
      expect(listed.status).toBe(200);
    }
  });

  it("deleting the tenant through one instance's admin API stops its access token on both within 100 ms", { timeout: 60_000 }, async () => {
    await runCliJson(env, ['tenants', 'create', 'doomed', '--name', 'To delete']);
    const created = await runCliJson(env, ['oauth-clients', 'create', '--tenant', 'doomed']);
    const token = await accessToken(instances[0]!, 'doomed', created['clientId'] as string, created['clientSecret'] as string);
    const outcome = await aroundWithToken(instances, token, 'doomed', async () => {
      const deleted = await fetch(`${origin(instances[1]!)}/admin/v1/tenants/doomed`, { method: 'DELETE', headers: { authorization: `Bearer ${adminKey}` } });
      expect(deleted.status).toBe(204);
    });
    expect(outcome.acceptedBefore.length).toBeGreaterThan(0);
    expect(outcome.acceptedLate).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
  });
});
