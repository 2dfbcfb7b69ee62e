/**
 * `scimitar consumers …` as an operator runs it, beside an app whose consumer
 * parked an event: the real command as a child process on the app's SQLite
 * database lists the consumer and the parked event, replays it (the app's
 * handler then takes it), and deletes a consumer the app no longer runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scimitar } from '../../src/app/scimitar.js';
import type { ScimitarEvent } from '../../src/events/event.js';
import { cliSandbox, type CliSandbox } from '../cli/support.js';

const TOKEN = 'cli-consumer-token-0123456789abcdef';

describe('scimitar consumers', () => {
  let cli: CliSandbox;
  let app: Scimitar;

  beforeAll(async () => {
    cli = cliSandbox({ SCIMITAR_TOKEN: TOKEN, SCIMITAR_WEBHOOK_RETRY_BASE_MS: '10', SCIMITAR_WEBHOOK_RETRY_MAX_MS: '20', SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '50' });
    app = await cli.server({ deliverWebhooks: false });
  });
  afterAll(async () => {
    await app.close();
    cli.remove();
  });

  it('shows a parked event, replays it into the handler, and deletes a retired consumer', async () => {
    let broken = true;
    const handled: ScimitarEvent[] = [];
    const handle = app.events.consume({
      name: 'auth-sync',
      types: ['user.created'],
      maxAttempts: 2,
      handler: (event) => {
        if (broken) throw new Error('auth system unreachable');
        handled.push(event);
      },
    });
    const created = await app.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'parked@example.com' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    await expect.poll(async () => (await app.consumerDeliveries.listDeliveries('default', 'auth-sync', { status: 'failed' })).deliveries.length, { timeout: 20_000 }).toBe(1);

    const listed = await cli.json(['consumers', 'list']);
    expect(listed['consumers']).toEqual([expect.objectContaining({ name: 'auth-sync', tenant: 'default', eventTypes: ['user.created'] })]);
    const parked = await cli.json(['consumers', 'deliveries', 'auth-sync', '--status', 'failed']);
    expect(parked['deliveries']).toEqual([expect.objectContaining({ consumer: 'auth-sync', eventType: 'user.created', status: 'failed', attemptCount: 2, lastError: 'Error: auth system unreachable' })]);
    const table = await cli.run(['consumers', 'deliveries', 'auth-sync', '--status', 'failed']);
    expect(table.stdout).toMatch(/^ID\s+SEQ\s+EVENT/);
    expect(table.stdout).toContain('auth system unreachable');

    broken = false;
    expect(await cli.json(['consumers', 'replay', 'auth-sync', '--all-failed'])).toEqual({ replayed: 1 });
    await expect.poll(() => handled.map((event) => event.data.resource['userName']), { timeout: 20_000 }).toEqual(['parked@example.com']);
    const details = await cli.json(['consumers', 'delivery', 'auth-sync', parked['deliveries'][0].id]);
    expect(details).toMatchObject({ status: 'succeeded', attemptCount: 3, event: { id: handled[0]!.id } });

    await handle.stop();
    expect(await cli.json(['consumers', 'delete', 'auth-sync'])).toEqual({ deleted: 'auth-sync', tenants: 1 });
    expect((await cli.run(['consumers', 'delete', 'auth-sync'])).code).toBe(1);
    expect((await cli.run(['consumers', 'replay', 'auth-sync'])).code).toBe(2);
  });
});
