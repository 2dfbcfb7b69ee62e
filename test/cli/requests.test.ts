/**
 * `scimitar requests` and `scimitar users history` as an operator uses them
 * while an identity provider is being set up: find the failed request and
 * the detail the IdP got, follow the log live, and ask why a user changed.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scimitar } from '../../src/app/scimitar.js';
import { cliSandbox, type CliSandbox, type Json } from './support.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const OKTA = 'Okta SCIM Client 1.0.0';

describe('scimitar requests', () => {
  let cli: CliSandbox;
  let server: Scimitar;
  let token: string;

  beforeAll(async () => {
    cli = cliSandbox();
    server = await cli.server();
    token = server.generatedToken!;
  });
  afterAll(async () => {
    await server.close();
    cli.remove();
  });

  function scim(method: 'GET' | 'POST' | 'PATCH', url: string, body: unknown, requestId: string) {
    return server.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'user-agent': OKTA, 'x-request-id': requestId },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  it('finds a failed request with --status 4xx and shows the detail the identity provider got', async () => {
    expect((await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'cli.jane' }, 'cli-ok')).statusCode).toBe(201);
    const failed = await scim('POST', '/Users', { schemas: [USER_SCHEMA] }, 'cli-bad');
    expect(failed.statusCode).toBe(400);
    const detail = (JSON.parse(failed.body) as Json)['detail'] as string;
    await server.requestLogRecorder.flush();

    const listed = await cli.run(['requests', '--status', '4xx']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z {2}400 {2}POST {4}\/scim\/v2\/Users {2}Okta {2}\d+ms {2}cli-bad {2}invalidValue: /);
    expect(lines[0]).toContain(detail);

    const json = await cli.json(['requests', '--status', '4xx']);
    expect(json['entries']).toEqual([expect.objectContaining({ requestId: 'cli-bad', status: 400, scimType: 'invalidValue', detail, idp: 'Okta' })]);

    const one = await cli.json(['requests', 'cli-ok']);
    expect(one).toMatchObject({ requestId: 'cli-ok', status: 201, events: [expect.objectContaining({ type: 'user.created' })] });
    expect(JSON.parse(one['requestBody'] as string)).toMatchObject({ userName: 'cli.jane' });

    const bad = await cli.run(['requests', '--status', 'oops']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/status must be a status code/);
    const unknownTenant = await cli.run(['requests', '--tenant', 'nobody']);
    expect(unknownTenant.code).toBe(1);
  });

  it('--follow prints requests as they arrive, and stops cleanly on SIGTERM', async () => {
    await scim('GET', '/Users', undefined, 'before-follow');
    await server.requestLogRecorder.flush();
    const child = spawn(process.execPath, [cli.cli, 'requests', '--follow', '--interval', '1s', '--path', '/scim/v2/Users', '-n', '1'], {
      env: { PATH: process.env['PATH'] ?? '', ...cli.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const waitFor = async (text: string) => {
      while (!stdout.includes(text)) {
        if (child.exitCode !== null) throw new Error(`follow exited early: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor('before-follow');
    await scim('PATCH', '/Users/nobody', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }, 'while-following');
    await scim('GET', '/Groups', undefined, 'not-matching-the-path');
    await server.requestLogRecorder.flush();
    await waitFor('while-following');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/ {2,}/)[6])).toEqual(['before-follow', 'while-following']);
    expect(lines[1]).toMatch(/ 404 {2}PATCH /);
  });

  it('users history tells which request and identity provider changed a user', async () => {
    const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'cli.history' }, 'history-create');
    const userId = (JSON.parse(created.body) as Json)['id'] as string;
    await scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }, 'history-deactivate');
    await server.requestLogRecorder.flush();
    const history = await cli.json(['users', 'history', userId]);
    expect(history['changes'].map((change: Json) => [change['type'], change['requestId'], change['request']['idp']])).toEqual([
      ['user.created', 'history-create', 'Okta'],
      ['user.deactivated', 'history-deactivate', 'Okta'],
    ]);
    const table = await cli.run(['users', 'history', userId]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/user\.deactivated .*Okta .*PATCH \/scim\/v2\/Users\//);
  });
});
