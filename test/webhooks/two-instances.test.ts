/**
 * Two real Scimitar processes on one fresh PostgreSQL (then MariaDB) database, both
 * dispatching: 1,000 events committed through both instances' SCIM APIs
 * reach a counting receiver exactly once each, in order per resource. Only
 * the database's row locks, SKIP LOCKED claims and leases coordinate them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScimitarEvent } from '../../src/events/event.js';
import { mariadbAvailableFor } from '../store-contract/mariadb-support.js';
import { postgresAvailableFor } from '../store-contract/postgres-support.js';
import { createDatabase, openDatabase, processEnv, runCliJson, scim, startInstance, stopInstance, type Instance, type TestDatabase } from './processes.js';
import { Receiver } from './support.js';

/** The shared databases this suite runs on, each when it answers (required in CI). */
const SERVERS = [
  { kind: 'postgres', name: 'PostgreSQL', available: await postgresAvailableFor('webhook delivery by two instances') },
  { kind: 'mariadb', name: 'MariaDB', available: await mariadbAvailableFor('webhook delivery by two instances') },
] as const;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USERS = 500;
const PER_BULK = 100;

for (const server of SERVERS) describe.skipIf(!server.available)(`two instances on one ${server.name} database deliver webhooks`, () => {
  let database: TestDatabase;
  let receiver: Receiver;
  let instances: Instance[] = [];
  let webhookId: string;

  beforeAll(async () => {
    database = await createDatabase(server.kind);
    receiver = await new Receiver().listen();
    // A receiver that takes a few milliseconds, so both instances have deliveries in flight at once.
    receiver.respond = (_request, index) => ({ status: 204, delayMs: index % 7 });
    const env = processEnv(database.url, { SCIMITAR_WEBHOOK_CONCURRENCY: '8' });
    webhookId = (await runCliJson(env, ['webhooks', 'create', '--url', receiver.url('/count')]))['id'] as string;
    instances = await Promise.all([startInstance(env), startInstance(env)]);
  }, 120_000);

  afterAll(async () => {
    for (const instance of instances) await stopInstance(instance, 'SIGTERM');
    await receiver?.close();
    await database?.drop();
  }, 120_000);

  it('1,000 events, each delivered exactly once, in order per resource', { timeout: 240_000 }, async () => {
    const bulk = (index: number, operations: unknown[]) => scim(instances[index % 2]!, 'POST', '/Bulk', { schemas: [BULK], Operations: operations });
    const creations = await Promise.all(
      Array.from({ length: USERS / PER_BULK }, (_, batch) =>
        bulk(
          batch,
          Array.from({ length: PER_BULK }, (_, offset) => ({
            method: 'POST',
            path: '/Users',
            bulkId: `u${batch * PER_BULK + offset}`,
            data: { schemas: [USER], userName: `fanout-${batch * PER_BULK + offset}@example.com` },
          })),
        ),
      ),
    );
    const userIds = creations.flatMap((response) => {
      expect(response.status).toBe(200);
      return (response.body?.['Operations'] as { status: string; location: string }[]).map((result) => {
        expect(result.status).toBe('201');
        return result.location.slice(result.location.lastIndexOf('/') + 1);
      });
    });
    expect(userIds).toHaveLength(USERS);
    const deactivations = await Promise.all(
      Array.from({ length: USERS / PER_BULK }, (_, batch) =>
        bulk(
          batch + 1,
          userIds.slice(batch * PER_BULK, (batch + 1) * PER_BULK).map((id) => ({
            method: 'PATCH',
            path: `/Users/${id}`,
            data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
          })),
        ),
      ),
    );
    for (const response of deactivations) expect(response.status).toBe(200);

    const observer = await openDatabase(database.url);
    try {
      await expect
        .poll(async () => (await observer.webhooks.listDeliveries(webhookId, { status: 'succeeded', limit: 2 * USERS + 1, afterSequence: undefined })).length, {
          timeout: 180_000,
          interval: 500,
        })
        .toBe(2 * USERS);
      expect(await observer.webhooks.listDeliveries(webhookId, { status: 'pending', limit: 10, afterSequence: undefined })).toEqual([]);
    } finally {
      await observer.close();
    }
    const events = receiver.events();
    expect(events).toHaveLength(2 * USERS);
    expect(new Set(events.map((event) => event.id)).size).toBe(2 * USERS);
    expect(events.map((event) => event.sequence).sort((left, right) => left - right)).toEqual(Array.from({ length: 2 * USERS }, (_, index) => index + 1));
    const byUser = new Map<string, ScimitarEvent[]>();
    for (const event of events) byUser.set(event.resourceId, [...(byUser.get(event.resourceId) ?? []), event]);
    for (const id of userIds) expect(byUser.get(id)?.map((event) => event.type)).toEqual(['user.created', 'user.deactivated']);
  });
});
