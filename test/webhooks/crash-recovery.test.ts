/**
 * Kill between commit and delivery: a real server commits SCIM changes while
 * the receiver is down, is SIGKILLed, and is started again with the receiver
 * up. Every event must then arrive exactly once, in order per resource: the
 * outbox and the delivery rows are in the database, nothing was only in the
 * dead process's memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScimitarEvent } from '../../src/events/event.js';
import { createDatabase, openDatabase, processEnv, runCliJson, scim, startInstance, stopInstance, type Instance, type TestDatabase } from './processes.js';
import { Receiver, storeKinds } from './support.js';

const kinds = await storeKinds();
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USERS = 10;

describe.each(kinds)('a server killed between commit and delivery, on %s', (kind) => {
  let database: TestDatabase | undefined;
  let receiver: Receiver | undefined;
  const instances: Instance[] = [];

  afterEach(async () => {
    for (const instance of instances.splice(0)) await stopInstance(instance, 'SIGKILL');
    await receiver?.close();
    await database?.drop();
  });

  it('delivers every committed event once, in order per resource, after a restart', { timeout: 180_000 }, async () => {
    database = await createDatabase(kind);
    // A port with nobody listening: the receiver is down.
    const probe = await new Receiver().listen();
    const port = probe.port;
    await probe.close();
    const env = processEnv(database.url);
    const webhook = await runCliJson(env, ['webhooks', 'create', '--url', `http://127.0.0.1:${port}/events`]);

    const first = await startInstance(env);
    instances.push(first);
    const userIds: string[] = [];
    for (let index = 0; index < USERS; index += 1) {
      const created = await scim(first, 'POST', '/Users', { schemas: [USER], userName: `crash-${index}@example.com` });
      expect(created.status).toBe(201);
      userIds.push(created.body?.['id'] as string);
    }
    for (const id of userIds) {
      const patched = await scim(first, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
      expect(patched.status).toBe(200);
    }
    // Attempts have been made and failed against the dead receiver: the deliveries exist and wait for a retry.
    const observer = await openDatabase(database.url);
    try {
      await expect
        .poll(async () => (await observer.webhooks.listDeliveries(webhook['id'] as string, { status: 'pending', limit: 1000, afterSequence: undefined })).filter((delivery) => delivery.attempts > 0).length, {
          timeout: 30_000,
        })
        .toBeGreaterThan(0);
    } finally {
      await observer.close();
    }
    await stopInstance(first, 'SIGKILL');

    receiver = await new Receiver().listen(port);
    const second = await startInstance(env);
    instances.push(second);
    await expect.poll(() => new Set(receiver!.received.map((request) => request.headers['webhook-id'])).size, { timeout: 90_000, interval: 200 }).toBe(USERS * 2);

    const check = await openDatabase(database.url);
    try {
      const deliveries = await check.webhooks.listDeliveries(webhook['id'] as string, { status: undefined, limit: 1000, afterSequence: undefined });
      expect(deliveries).toHaveLength(USERS * 2);
      expect(deliveries.every((delivery) => delivery.status === 'succeeded')).toBe(true);
    } finally {
      await check.close();
    }
    const events = receiver.events();
    // Once each: no event arrived twice.
    expect(events).toHaveLength(USERS * 2);
    expect(new Set(events.map((event) => event.id)).size).toBe(USERS * 2);
    for (const id of userIds) {
      const ofUser = events.filter((event: ScimitarEvent) => event.resourceId === id);
      expect(ofUser.map((event) => event.type)).toEqual(['user.created', 'user.deactivated']);
    }
  });
});
