/**
 * Two app processes with the same durable consumer on one PostgreSQL (then
 * MariaDB) database: the events of 300 users created and deactivated through
 * both instances are each handled by one instance, once, in order per
 * resource. Only the database's row locks, SKIP LOCKED claims and leases
 * coordinate them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mariadbAvailableFor } from '../store-contract/mariadb-support.js';
import { postgresAvailableFor } from '../store-contract/postgres-support.js';
import { createDatabase, processEnv, scim, stopInstance, type Instance, type TestDatabase } from '../webhooks/processes.js';
import { handledLines, logDirectory, startConsumerApp } from './support.js';

const SERVERS = [
  { kind: 'postgres', name: 'PostgreSQL', available: await postgresAvailableFor('consumers in two instances') },
  { kind: 'mariadb', name: 'MariaDB', available: await mariadbAvailableFor('consumers in two instances') },
] as const;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USERS = 300;
const PER_BULK = 100;

for (const server of SERVERS) describe.skipIf(!server.available)(`one consumer in two instances on one ${server.name} database`, () => {
  let database: TestDatabase;
  const logs = logDirectory();
  let instances: Instance[] = [];

  beforeAll(async () => {
    database = await createDatabase(server.kind);
    const env = processEnv(database.url, { SCIMITAR_WEBHOOK_CONCURRENCY: '8' });
    instances = await Promise.all([startConsumerApp({ ...env, CONSUMER_LOG: logs.file('a.log') }), startConsumerApp({ ...env, CONSUMER_LOG: logs.file('b.log') })]);
  }, 120_000);

  afterAll(async () => {
    for (const instance of instances) await stopInstance(instance, 'SIGTERM');
    await database?.drop();
    logs.remove();
  }, 120_000);

  it('hands each event to one instance, once, in order per resource', { timeout: 240_000 }, async () => {
    const bulk = (index: number, operations: unknown[]) => scim(instances[index % 2]!, 'POST', '/Bulk', { schemas: [BULK], Operations: operations });
    const creations = await Promise.all(
      Array.from({ length: USERS / PER_BULK }, (_, batch) =>
        bulk(
          batch,
          Array.from({ length: PER_BULK }, (_, offset) => ({
            method: 'POST',
            path: '/Users',
            bulkId: `u${batch * PER_BULK + offset}`,
            data: { schemas: [USER], userName: `both-${batch * PER_BULK + offset}@example.com` },
          })),
        ),
      ),
    );
    const userIds = creations.flatMap((response) => {
      expect(response.status).toBe(200);
      return (response.body?.['Operations'] as { location: string }[]).map((operation) => operation.location.split('/').at(-1)!);
    });
    expect(userIds).toHaveLength(USERS);
    await Promise.all(
      userIds.map((id, index) => scim(instances[index % 2]!, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })),
    );

    const files = [logs.file('a.log'), logs.file('b.log')];
    await expect.poll(() => handledLines(...files).length, { timeout: 180_000, interval: 500 }).toBeGreaterThanOrEqual(USERS * 2);
    const lines = handledLines(...files);
    expect(lines).toHaveLength(USERS * 2);
    expect(new Set(lines.map((line) => line.id)).size).toBe(USERS * 2);
    // Both instances took part.
    expect(new Set(lines.map((line) => line.pid)).size).toBe(2);
    for (const id of userIds) {
      const ofUser = lines.filter((line) => line.resourceId === id).sort((left, right) => left.sequence - right.sequence);
      expect(ofUser.map((line) => line.type)).toEqual(['user.created', 'user.deactivated']);
      // The deactivation was handled after the creation's call returned, whichever instance took each.
      expect(ofUser[1]!.at).toBeGreaterThanOrEqual(ofUser[0]!.at);
    }
  });
});
