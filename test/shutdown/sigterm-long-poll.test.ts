/**
 * SIGTERM while an event-feed long-poll waits: a real `scimitar start`
 * process answers the long-poll at once (an empty page with the reader's
 * cursor) and exits, instead of holding its drain for the up to 60 s the
 * long-poll asked to wait — longer than orchestrators' usual 30 s grace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, processEnv, runCliJson, startInstance, stopInstance, type Instance, type TestDatabase } from '../webhooks/processes.js';

describe('SIGTERM during an event-feed long-poll', () => {
  let database: TestDatabase | undefined;
  let instance: Instance | undefined;

  afterEach(async () => {
    if (instance) await stopInstance(instance, 'SIGKILL');
    await database?.drop();
  });

  it('answers the long-poll with an empty page and its cursor, then exits 0', { timeout: 60_000 }, async () => {
    database = await createDatabase('sqlite');
    const env = processEnv(database.url);
    const adminKey = (await runCliJson(env, ['admin-keys', 'create', '--name', 'shutdown test']))['key'] as string;
    const running = await startInstance(env);
    instance = running;
    const feedUrl = `${running.baseUrl.replace(/\/scim\/v2$/, '')}/admin/v1/tenants/default/events`;
    const headers = { authorization: `Bearer ${adminKey}` };
    const latest = (await (await fetch(`${feedUrl}?after=latest`, { headers })).json()) as { nextCursor: string };
    const waiting = fetch(`${feedUrl}?after=${latest.nextCursor}&wait=60`, { headers });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) => running.process.once('exit', (code) => resolve(code)));
    running.process.kill('SIGTERM');
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ events: [], nextCursor: latest.nextCursor });
    expect(await exited).toBe(0);
  });
});
