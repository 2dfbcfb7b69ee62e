/**
 * Kill between commit and handler: an app with a durable consumer commits
 * SCIM changes, and is SIGKILLed while its handler is being called for
 * committed events that it has not finished. Started again, it hands every
 * event over (the unfinished ones once the dead process's lease ran out),
 * in order per resource: nothing was only in the dead process's memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, processEnv, scim, stopInstance, type Instance, type TestDatabase } from '../webhooks/processes.js';
import { storeKinds } from '../webhooks/support.js';
import { handledLines, logDirectory, startConsumerApp } from './support.js';

const kinds = await storeKinds();
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USERS = 5;

describe.each(kinds)('an app killed between commit and its consumer, on %s', (kind) => {
  let database: TestDatabase | undefined;
  const logs = logDirectory();
  const instances: Instance[] = [];

  afterEach(async () => {
    for (const instance of instances.splice(0)) await stopInstance(instance, 'SIGKILL');
    await database?.drop();
    logs.remove();
  });

  it('hands every committed event over after a restart, in order per resource', { timeout: 180_000 }, async () => {
    database = await createDatabase(kind);
    const log = logs.file(`${kind}.log`);
    // A short timeout makes a short lease: the restarted app takes the dead one's calls over after ~15 s.
    const env = processEnv(database.url, { CONSUMER_LOG: log, SCIMITAR_WEBHOOK_TIMEOUT_MS: '100' });

    const first = await startConsumerApp({ ...env, CONSUMER_HANG_ON_TYPE: 'user.deactivated' });
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
    // The handler has begun on a committed deactivation and will never finish it.
    await expect.poll(() => handledLines(log).some((line) => line.started === true), { timeout: 30_000 }).toBe(true);
    await stopInstance(first, 'SIGKILL');
    const handledBeforeKill = handledLines(log).filter((line) => line.started !== true);
    expect(handledBeforeKill.filter((line) => line.type === 'user.deactivated')).toEqual([]);

    const second = await startConsumerApp(env);
    instances.push(second);
    const finished = () => handledLines(log).filter((line) => line.started !== true);
    await expect.poll(() => new Set(finished().map((line) => line.id)).size, { timeout: 90_000, interval: 250 }).toBe(USERS * 2);

    // Every deactivation was handled by the restarted app, none twice; each user's events in order.
    const lines = finished();
    const deactivations = lines.filter((line) => line.type === 'user.deactivated');
    expect(deactivations).toHaveLength(USERS);
    expect(deactivations.every((line) => line.pid === second.process.pid)).toBe(true);
    for (const id of userIds) {
      const ofUser = lines.filter((line) => line.resourceId === id);
      // At least once: a creation the killed app handled but had not yet recorded as done is handed
      // over again by the restarted one, and only then. Each process still saw the user's events in order.
      const redelivered = ofUser.filter((line, index) => ofUser.findIndex((other) => other.id === line.id) !== index);
      expect(redelivered.every((line) => line.type === 'user.created' && line.pid === second.process.pid)).toBe(true);
      expect(ofUser.filter((line) => !redelivered.includes(line)).map((line) => line.type)).toEqual(['user.created', 'user.deactivated']);
      for (const pid of [first.process.pid, second.process.pid]) {
        const sequences = ofUser.filter((line) => line.pid === pid).map((line) => line.sequence);
        expect(sequences).toEqual([...new Set(sequences)].sort((a, b) => a - b));
      }
    }
  });
});
