/**
 * A large Bulk does not hold the instance: while one tenant's Bulk of 2,000
 * operations (300 on PostgreSQL) runs, another tenant's GET sent over its own connection is answered
 * before the Bulk is. On SQLite no operation waits for I/O, so a Bulk that
 * never handed the event loop back would answer first, whatever the sizes.
 * Over a real socket: the GET must be read off the wire mid-Bulk.
 * (How long the GET waits is measured by the bench: get-during-bulk.)
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, testStoreKind, type TestServer } from '../helpers/build.js';
import { userBody, type Json } from '../http/support.js';
import { createTenant, type TenantClient } from '../tenancy/support.js';
import { bulkRequest } from './support.js';

/** PostgreSQL operations wait for the database anyway, and take ten times longer each: fewer keep the suite quick. */
const OPERATIONS = testStoreKind() === 'postgres' ? 300 : 2_000;

describe('a large Bulk and the other requests of the instance', () => {
  let server: TestServer;
  let origin: string;
  let globex: TenantClient;
  let globexUserId: string;
  /** Set while the Bulk runs: called once, at its first committed create. */
  let onFirstBulkCreate: (() => void) | undefined;

  beforeAll(async () => {
    server = await build(
      {},
      {
        hooks: {
          onUserCreated: (event) => {
            if (event.tenant !== 'default' || onFirstBulkCreate === undefined) return;
            const start = onFirstBulkCreate;
            onFirstBulkCreate = undefined;
            start();
          },
        },
      },
    );
    globex = await createTenant(server, 'globex');
    globexUserId = String((await globex.createUser('ana@globex.example'))['id']);
    await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(server.scimitar.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers another tenant’s GET /Users/{id}, sent once the Bulk has begun, before the Bulk', async () => {
    const finished: string[] = [];
    let get: Promise<number> | undefined;
    onFirstBulkCreate = () => {
      get = fetch(`${origin}/t/globex/scim/v2/Users/${globexUserId}`, { headers: { authorization: `Bearer ${globex.token}` } }).then(async (response) => {
        await response.arrayBuffer();
        finished.push('get');
        return response.status;
      });
    };
    const operations = Array.from({ length: OPERATIONS }, (_, index) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${index}`,
      data: userBody(`bulk-fairness-${index}@example.com`),
    }));
    const bulkResponse = await fetch(`${origin}/scim/v2/Bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(bulkRequest(operations)),
    });
    const bulk = (await bulkResponse.json()) as Json;
    finished.push('bulk');

    expect(bulkResponse.status).toBe(200);
    expect((bulk['Operations'] as Json[]).filter((result) => result['status'] === '201')).toHaveLength(OPERATIONS);
    expect(get).toBeDefined();
    expect(await get).toBe(200);
    expect(finished).toEqual(['get', 'bulk']);
  });
});
