/**
 * A PostgreSQL restart under a write load: one real Scimitar process, eight
 * clients creating users, and the local PostgreSQL server restarted under
 * them (`pg_ctlcluster … restart`). The process must live through it:
 * requests in flight fail as SCIM 503s with Retry-After (nothing half
 * written), the pool reconnects, writes succeed again once the database is
 * back, no acknowledged user is lost, and the webhook dispatcher and the
 * event feed's long-polls carry on by themselves.
 *
 * It restarts the shared server, so it runs alone (vitest.db-restart.config.ts,
 * `npm run test:db-restart`), never inside `npm test`.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailableFor } from '../store-contract/postgres-support.js';
import { createDatabase, processEnv, runCliJson, scim, startInstance, stopInstance, TOKEN, type Instance, type TestDatabase } from '../webhooks/processes.js';
import { Receiver } from '../webhooks/support.js';

const run = promisify(execFile);
const available = await postgresAvailableFor('PostgreSQL restart under load');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const WRITERS = 8;

/** Restarts the local cluster and resolves once it accepts connections again. */
async function restartPostgres(): Promise<void> {
  const version = readdirSync('/etc/postgresql')[0];
  if (version === undefined) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
  for (;;) {
    try {
      await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']);
      return;
    } catch {
      await delay(100);
    }
  }
}

interface Outcome {
  readonly userName: string;
  readonly status: number | 'network error';
  readonly id?: string;
  readonly body?: Record<string, any>;
  readonly retryAfter?: string | null;
  readonly error?: string;
}

async function createUser(instance: Instance, userName: string): Promise<Outcome> {
  try {
    const response = await fetch(`${instance.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName }),
      // A request that hangs this long has hung: it is counted as such, not awaited forever.
      signal: AbortSignal.timeout(45_000),
    });
    const body = (await response.json()) as Record<string, any>;
    return { userName, status: response.status, body, retryAfter: response.headers.get('retry-after'), ...(response.status === 201 ? { id: body['id'] as string } : {}) };
  } catch (error) {
    return { userName, status: 'network error', error: String(error) };
  }
}

describe.skipIf(!available)('a PostgreSQL restart under a write load', () => {
  let database: TestDatabase;
  let receiver: Receiver;
  let instance: Instance;
  let adminKey: string;
  let env: Record<string, string>;
  /** A tenant nobody writes to until the database is back, for the long-polls. */
  let quietToken: string;

  beforeAll(async () => {
    database = await createDatabase('postgres');
    receiver = await new Receiver().listen();
    receiver.respond = () => ({ status: 204 });
    // The writers retry every 503 at once: while PostgreSQL is down they pass the tenant's request rate
    // (200/s, burst 2000) within seconds, and this test is about the 503s, not the rate limit's 429s.
    env = processEnv(database.url, { SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '200', SCIMITAR_RATE_LIMIT_PER_SECOND: '1000000', SCIMITAR_RATE_LIMIT_BURST: '10000000' });
    await runCliJson(env, ['webhooks', 'create', '--url', receiver.url('/events')]);
    quietToken = (await runCliJson(env, ['tenants', 'create', 'quiet', '--name', 'No writes until the database is back']))['token'] as string;
    adminKey = (await runCliJson(env, ['admin-keys', 'create', '--name', 'restart test']))['key'] as string;
    instance = await startInstance(env);
  }, 120_000);

  afterAll(async () => {
    if (instance) await stopInstance(instance, 'SIGTERM');
    await receiver?.close();
    // The restart may still be settling when a failure ends the test early.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      try {
        await database?.drop();
        break;
      } catch {
        await delay(1000);
      }
    }
  }, 120_000);

  async function feed(query: string, timeoutMs: number): Promise<{ status: number | 'network error'; body?: Record<string, any>; retryAfter?: string | null }> {
    try {
      const response = await fetch(`${instance.baseUrl.replace(/\/scim\/v2$/, '')}/admin/v1/tenants/quiet/events?${query}`, {
        headers: { authorization: `Bearer ${adminKey}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any>, retryAfter: response.headers.get('retry-after') };
    } catch {
      return { status: 'network error' };
    }
  }

  it('keeps the process alive, answers 201 or SCIM 503, loses no acknowledged user and recovers on its own', { timeout: 240_000 }, async () => {
    const outcomes: Outcome[] = [];
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let index = 0; writing; index += 1) outcomes.push(await createUser(instance, `writer${writer}-${index}@example.com`));
    });
    const start = await feed('after=latest', 10_000);
    expect(start.status).toBe(200);
    const cursor = start.body?.['nextCursor'] as string;
    // A long-poll waiting on a tenant nobody writes to while the database goes away.
    const longPollDuringRestart = feed(`after=${cursor}&wait=20`, 60_000);

    await delay(1500);
    const createdBeforeRestart = outcomes.filter((outcome) => outcome.status === 201).length;
    const restartStarted = Date.now();
    await restartPostgres();
    const databaseBack = Date.now();

    // Writes succeed again: the first 201 of a request sent after the database is back.
    let recovered: number | undefined;
    for (let probe = 0; recovered === undefined; probe += 1) {
      if (instance.process.exitCode !== null || instance.process.signalCode !== null) throw new Error('The Scimitar process ended during the database restart');
      const outcome = await createUser(instance, `probe-${probe}@example.com`);
      outcomes.push(outcome);
      if (outcome.status === 201) recovered = Date.now();
      else await delay(50);
    }
    await delay(1500);
    writing = false;
    await Promise.all(writers);
    const duringRestart = await longPollDuringRestart;
    process.stdout.write(
      `[db-restart] restart took ${databaseBack - restartStarted} ms (pg_ctlcluster + pg_isready); writes succeeded again ${recovered - databaseBack} ms after the database accepted connections; ` +
        `${outcomes.filter((outcome) => outcome.status === 201).length} × 201, ${outcomes.filter((outcome) => outcome.status === 503).length} × 503\n`,
    );

    // The process lived through it.
    expect(instance.process.exitCode).toBeNull();
    expect(instance.process.signalCode).toBeNull();
    expect(createdBeforeRestart).toBeGreaterThan(0);
    // Every request got a 201 or a SCIM 503 with Retry-After: no 500, no reset, no hang.
    const unexpected = outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503);
    expect(unexpected).toEqual([]);
    const unavailable = outcomes.filter((outcome) => outcome.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const outcome of unavailable) {
      expect(outcome.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
      expect(outcome.retryAfter).toMatch(/^\d+$/);
    }
    // The long-poll in flight ended with an answer: its (empty) page, or a 503 in the admin API's format.
    if (duringRestart.status === 200) expect(duringRestart.body).toEqual({ events: [], nextCursor: cursor });
    else {
      expect(duringRestart.status).toBe(503);
      expect(duringRestart.body).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(duringRestart.retryAfter).toMatch(/^\d+$/);
    }

    // No acknowledged write was lost.
    const acknowledged = outcomes.filter((outcome) => outcome.status === 201);
    for (const outcome of acknowledged) {
      const read = await scim(instance, 'GET', `/Users/${outcome.id}`);
      expect(read.status, outcome.userName).toBe(200);
      expect(read.body?.['userName']).toBe(outcome.userName);
    }
    // Nothing half-written: the users that exist are exactly the acknowledged ones, give or take a request whose COMMIT the restart cut off.
    const listed = await scim(instance, 'GET', '/Users?count=1');
    const total = listed.body?.['totalResults'] as number;
    expect(total).toBeGreaterThanOrEqual(acknowledged.length);
    expect(total - acknowledged.length).toBeLessThanOrEqual(WRITERS);

    // A long-poll started now is woken by a write made now.
    const longPollAfter = feed(`after=${cursor}&wait=30`, 60_000);
    await delay(200);
    const created = await fetch(`${instance.baseUrl.replace(/\/scim\/v2$/, '')}/t/quiet/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${quietToken}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: 'after-restart@example.com' }),
    });
    expect(created.status).toBe(201);
    const woken = await longPollAfter;
    expect(woken.status).toBe(200);
    expect((woken.body?.['events'] as { type: string }[]).map((event) => event.type)).toEqual(['user.created']);

    // The webhook dispatcher delivers the events of writes made after the restart without being restarted itself.
    const lastAcknowledged = acknowledged.at(-1)!;
    for (;;) {
      const delivered = receiver.received.some((request) => request.body.includes(lastAcknowledged.id!));
      if (delivered) break;
      await delay(100);
    }
  });
});
