/**
 * `scimitar webhooks …` as an operator runs it: the real command as a child
 * process on an SQLite database, human and --json output, exit codes (0 done,
 * 1 refused or not found, 2 bad usage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from '../cli/support.js';

describe('scimitar webhooks', () => {
  let cli: CliSandbox;

  beforeAll(() => {
    cli = cliSandbox();
  });
  afterAll(() => {
    cli.remove();
  });

  it('creates, lists, shows, updates, rotates and deletes a webhook', async () => {
    const human = await cli.run(['webhooks', 'create', '--url', 'https://hooks.example.com/first', '--description', 'CRM']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Webhook [0-9a-f-]{36} for tenant "default" → https:\/\/hooks\.example\.com\/first/);
    expect(human.stdout).toMatch(/\n {2}whsec_[A-Za-z0-9+/=]+\n/);

    await cli.run(['tenants', 'create', 'acme']);
    const created = await cli.json(['webhooks', 'create', '--tenant', 'acme', '--url', 'https://hooks.example.com/acme', '--events', 'user.deleted,user.created', '--disabled']);
    expect(created).toMatchObject({ tenant: 'acme', url: 'https://hooks.example.com/acme', eventTypes: ['user.created', 'user.deleted'], enabled: false, maxEventsPerRequest: 1 });
    expect(await cli.json(['webhooks', 'create', '--url', 'https://hooks.example.com/batched', '--max-events-per-request', '100'])).toMatchObject({ maxEventsPerRequest: 100 });
    expect(created['secret']).toMatch(/^whsec_/);
    const id = created['id'] as string;

    const listed = await cli.json(['webhooks', 'list', '--tenant', 'acme']);
    expect(listed['webhooks'].map((webhook: { id: string }) => webhook.id)).toEqual([id]);
    expect(listed['webhooks'][0]).not.toHaveProperty('secret');
    const table = await cli.run(['webhooks', 'list', '--tenant', 'acme']);
    expect(table.stdout).toMatch(/^ID\s+URL\s+EVENTS\s+ENABLED/);
    expect(table.stdout).toContain('user.created,user.deleted');

    // The id alone finds the tenant; --tenant must agree when given.
    expect(await cli.json(['webhooks', 'show', id])).toMatchObject({ id, tenant: 'acme' });
    expect((await cli.run(['webhooks', 'show', id, '--tenant', 'default'])).code).toBe(1);

    const enabled = await cli.json(['webhooks', 'update', id, '--enable', '--events', 'all', '--url', 'https://hooks.example.com/acme2']);
    expect(enabled).toMatchObject({ enabled: true, eventTypes: [], url: 'https://hooks.example.com/acme2' });

    const rotated = await cli.json(['webhooks', 'rotate-secret', id, '--overlap-seconds', '60']);
    expect(rotated['secret']).toMatch(/^whsec_/);
    expect(rotated['secret']).not.toBe(created['secret']);
    expect(Date.parse(rotated['previousSecretExpiresAt'] as string)).toBeGreaterThan(Date.now());

    expect(await cli.json(['webhooks', 'deliveries', id, '--status', 'failed'])).toEqual({ deliveries: [], next: null });
    expect(await cli.json(['webhooks', 'replay', id, '--all-failed'])).toEqual({ replayed: 0 });

    const batched = await cli.json(['webhooks', 'update', id, '--max-events-per-request', '40']);
    expect(batched).toMatchObject({ id, maxEventsPerRequest: 40, enabled: true });
    expect((await cli.run(['webhooks', 'show', id])).stdout).toMatch(/events per request\s+up to 40 \(a JSON array\)/);

    const deleted = await cli.run(['webhooks', 'delete', id]);
    expect(deleted.code).toBe(0);
    expect((await cli.run(['webhooks', 'show', id])).code).toBe(1);
  });

  it('exits 1 when the service refuses, 2 on bad usage', async () => {
    const unknownType = await cli.run(['webhooks', 'create', '--url', 'https://hooks.example.com/x', '--events', 'user.exploded']);
    expect(unknownType.code).toBe(1);
    expect(unknownType.stderr).toContain('"user.exploded"');
    const plainHttp = await cli.run(['webhooks', 'create', '--url', 'http://hooks.example.com/x']);
    expect(plainHttp.code).toBe(1);
    expect(plainHttp.stderr).toContain('SCIMITAR_WEBHOOK_ALLOW_HTTP');
    expect((await cli.run(['webhooks', 'create', '--url', 'https://10.1.2.3/x'])).code).toBe(1);
    expect((await cli.run(['webhooks', 'show', 'no-such-webhook'])).code).toBe(1);
    const tooMany = await cli.run(['webhooks', 'create', '--url', 'https://hooks.example.com/x', '--max-events-per-request', '101']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('maxEventsPerRequest must be a whole number from 1 to 100');

    const { id } = await cli.json(['webhooks', 'create', '--url', 'https://hooks.example.com/usage']);
    const usage = await Promise.all([
      cli.run(['webhooks', 'create']),
      cli.run(['webhooks', 'update', id as string]),
      cli.run(['webhooks', 'update', id as string, '--enable', '--disable']),
      cli.run(['webhooks', 'replay', id as string]),
      cli.run(['webhooks', 'replay', id as string, 'some-delivery', '--all-failed']),
      cli.run(['webhooks', 'deliveries', id as string, '--status', 'lost']),
      cli.run(['webhooks', 'rotate-secret', id as string, '--overlap-seconds', 'soon']),
      cli.run(['webhooks', 'create', '--url', 'https://hooks.example.com/x', '--max-events-per-request', '0']),
      cli.run(['webhooks', 'update', id as string, '--max-events-per-request', 'many']),
    ]);
    for (const result of usage) expect(result.code, result.stderr).toBe(2);
    expect((await cli.run(['webhooks', 'replay', id as string, 'no-such-delivery'])).code).toBe(1);
  });
});
