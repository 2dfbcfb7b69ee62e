/**
 * RFC 7644 §3.7.4 limits (maxOperations, maxPayloadSize → 413 naming the
 * limit), and a full-size Bulk: 1,000 User creates and a Group referring to
 * all of them by bulkId, placed before them in the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { expectScimError, expectStatus, type Json, userBody } from '../http/support.js';
import { bulkRequest, bulkResults, idOf, postBulk } from './support.js';

describe('Bulk limits (RFC 7644 §3.7.4)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build({ SCIMITAR_BULK_MAX_OPERATIONS: '3', SCIMITAR_BULK_MAX_PAYLOAD_SIZE: '4096', SCIMITAR_BODY_LIMIT: '2048' });
  });
  afterAll(async () => {
    await server.close();
  });

  const users = (count: number, prefix: string, padding = ''): Json[] =>
    Array.from({ length: count }, (_, index) => ({ method: 'POST', path: '/Users', bulkId: `${prefix}${index}`, data: userBody(`${prefix}${index}`, padding ? { title: padding } : {}) }));

  it('advertises the configured limits', async () => {
    const config = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }), 200);
    expect(config['bulk']).toEqual({ supported: true, maxOperations: 3, maxPayloadSize: 4096 });
  });

  it('refuses more operations than maxOperations with 413 naming the limit, and runs none', async () => {
    const before = await server.rawTables();
    const body = expectScimError(await postBulk(server, bulkRequest(users(4, 'over'))), 413);
    expect(body['detail']).toContain('maxOperations (3)');
    expect(await server.rawTables()).toEqual(before);
  });

  it('refuses a body over maxPayloadSize with 413 naming the limit, and runs none', async () => {
    const before = await server.rawTables();
    const body = expectScimError(await postBulk(server, bulkRequest(users(3, 'big', 'x'.repeat(1500)))), 413);
    expect(body['detail']).toContain('maxPayloadSize (4096 bytes)');
    expect(await server.rawTables()).toEqual(before);
  });

  it('accepts a Bulk body larger than the global body limit, up to maxPayloadSize', async () => {
    const payload = JSON.stringify(bulkRequest(users(3, 'roomy', 'x'.repeat(900))));
    expect(payload.length).toBeGreaterThan(2048);
    expect(payload.length).toBeLessThanOrEqual(4096);
    expect(bulkResults(await postBulk(server, payload)).map((result) => result['status'])).toEqual(['201', '201', '201']);
    // The other routes keep the global limit.
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('too-big', { title: 'x'.repeat(3000) }) }), 413);
  });
});

describe("a Bulk of 1,000 user creates and a group referencing them (1,001 operations) within the default limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates 1,000 Users and a Group listed before them whose members refer to all of them by bulkId', async () => {
    const count = 1000;
    const group = {
      method: 'POST',
      path: '/Groups',
      bulkId: 'everyone',
      data: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Everyone',
        members: Array.from({ length: count }, (_, index) => ({ value: `bulkId:user${index}`, type: 'User' })),
      },
    };
    const creates = Array.from({ length: count }, (_, index) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `user${index}`,
      data: userBody(`user${index}@example.com`, { name: { givenName: 'User', familyName: String(index) }, active: true }),
    }));
    const started = performance.now();
    const results = bulkResults(await postBulk(server, bulkRequest([group, ...creates])));
    const elapsed = performance.now() - started;
    process.stdout.write(`[bulk] 1,000 creates + 1 group of 1,000 bulkId members on ${server.storeKind}: ${Math.round(elapsed)} ms\n`);
    expect(results).toHaveLength(count + 1);
    expect(results.every((result) => result['status'] === '201')).toBe(true);
    expect(results.map((result) => result['bulkId'])).toEqual(['everyone', ...creates.map((create) => create.bulkId)]);
    const everyone = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Groups/${idOf(results[0])}` }), 200);
    const members = (everyone['members'] as Json[]).map((member) => member['value'] as string).sort();
    expect(members).toHaveLength(count);
    expect(members).toEqual(results.slice(1).map((result) => idOf(result)).sort());
  }, 120_000);
});
