/**
 * The request log over a real TCP socket: request ids travel in real
 * headers, the client address is the socket's, and what is still queued
 * when the server shuts down is written before the database closes.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { USER_SCHEMA, type Json } from '../http/support.js';

describe('request log on a TCP socket', () => {
  let server: TestServer;
  let origin: string;

  beforeEach(async () => {
    server = await build();
    await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(server.scimitar.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await server.close();
  });

  it('echoes X-Request-Id over the wire and writes the queue on shutdown', async () => {
    const created = await fetch(`${origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json', 'user-agent': 'OneLogin SCIM', 'x-request-id': 'socket-req-1' },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'over.the.wire', password: 'wire-Passw0rd-secret' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe('socket-req-1');
    const missing = await fetch(`${origin}/scim/v2/Users/nope`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(missing.status).toBe(404);
    const generated = missing.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    // Shutdown, before any flush interval has necessarily passed: close() writes what is queued.
    await server.scimitar.close();
    const rows = (await server.rawTables({ requestLog: true }))['request_log']!.map((row) => JSON.parse(row) as Json);
    const byId = Object.fromEntries(rows.map((row) => [row['request_id'], row]));
    expect(byId['socket-req-1']).toMatchObject({ method: 'POST', status: 201, idp: 'OneLogin', client_address: '127.0.0.1' });
    expect(byId[generated!]).toMatchObject({ method: 'GET', status: 404, scim_type: null });
    expect(JSON.stringify(rows)).not.toContain('wire-Passw0rd-secret');
  });
});
