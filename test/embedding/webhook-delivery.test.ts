/**
 * `deliverWebhooks: false`: an app embedding Scimitar in several processes,
 * or using only hooks and the feed, leaves webhook delivery to others. The
 * events are still recorded, and a process that delivers sends them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { build, SCIM_JSON, type TestServer } from '../helpers/build.js';

const WEBHOOK_ENV = { SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true', SCIMITAR_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '50' };

/** A receiver on a local socket that records the event types it is sent. */
async function receiver(): Promise<{ readonly url: string; readonly received: string[]; readonly server: Server }> {
  const received: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push((JSON.parse(body) as { type: string }).type);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

async function createUserWithWebhook(server: TestServer, url: string): Promise<void> {
  await server.scimitar.webhooks.create('default', { url, eventTypes: ['user.created'] });
  const created = await server.request({ method: 'POST', url: '/scim/v2/Users', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' }, headers: { 'content-type': SCIM_JSON } });
  expect(created.statusCode).toBe(201);
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe('webhook delivery in an embedding process', () => {
  let server: TestServer | undefined;
  let target: Server | undefined;

  afterEach(async () => {
    await server?.close();
    await new Promise((resolve) => (target ? target.close(resolve) : resolve(undefined)));
    server = undefined;
    target = undefined;
  });

  it('delivers from the embedding process by default', async () => {
    const hooks = await receiver();
    target = hooks.server;
    server = await build(WEBHOOK_ENV);
    await createUserWithWebhook(server, hooks.url);
    expect(await eventually(() => hooks.received.length > 0, 10_000)).toBe(true);
    expect(hooks.received).toEqual(['user.created']);
  });

  it('with deliverWebhooks: false sends nothing; the event waits, and the next process that delivers sends it', async () => {
    const hooks = await receiver();
    target = hooks.server;
    const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-embedding-'));
    const env = { ...WEBHOOK_ENV, DATABASE_URL: `sqlite:${path.join(directory, 'shared.db')}` };
    try {
      server = await build(env, { deliverWebhooks: false });
      await createUserWithWebhook(server, hooks.url);
      // Forty poll intervals: a running dispatcher would have sent it by then.
      expect(await eventually(() => hooks.received.length > 0, 2_000)).toBe(false);
      expect((await server.scimitar.store.events.listEvents('default', 0, 10)).map((event) => event.type)).toEqual(['user.created']);
      await server.close();

      server = await build(env);
      expect(await eventually(() => hooks.received.length > 0, 10_000)).toBe(true);
      expect(hooks.received).toEqual(['user.created']);
    } finally {
      await server?.close();
      server = undefined;
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
