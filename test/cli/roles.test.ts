/** `scimitar roles …` as an operator runs it: rules, default role and a user's effective roles, with exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noProjection } from '../../src/core/projection/index.js';
import { cliSandbox, PUBLIC_URL, type CliSandbox } from './support.js';

describe('scimitar roles', () => {
  let cli: CliSandbox;
  let userId: string;

  beforeAll(async () => {
    cli = cliSandbox();
    await cli.json(['tenants', 'create', 'acme']);
    const server = await cli.server();
    try {
      const context = { tenantId: 'acme', baseUrl: `${PUBLIC_URL}/t/acme/scim/v2` };
      const user = await server.resources.create(context, 'User', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada' }, noProjection);
      userId = String(user.resource['id']);
      await server.resources.create(context, 'Group', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: userId }] }, noProjection);
    } finally {
      await server.close();
    }
  });
  afterAll(() => {
    cli.remove();
  });

  it('maps a group to a role, shows the user’s roles, lists the rules and removes one', async () => {
    const added = await cli.json(['roles', 'map', 'acme', '--display-name', 'engineering', '--role', 'editor', '--precedence', '5']);
    expect(added).toMatchObject({ mapping: { matchBy: 'displayName', matchValue: 'engineering', role: 'editor', precedence: 5 }, usersChanged: 1 });
    expect(await cli.json(['roles', 'show', 'acme', userId])).toEqual({ userId, roles: ['editor'] });
    const listed = await cli.run(['roles', 'list', 'acme']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Default role: (none)');
    expect(listed.stdout).toMatch(/displayName = engineering\s+editor/);
    const defaulted = await cli.run(['roles', 'default', 'acme', 'member']);
    expect(defaulted.stdout).toContain('Default role: member; 0 users changed roles.');
    const removed = await cli.run(['roles', 'unmap', 'acme', String(added['mapping']['id'])]);
    expect(removed.stdout).toContain('1 user changed roles.');
    expect((await cli.run(['roles', 'show', 'acme', userId])).stdout.trim()).toBe('member');
  });

  it('answers bad usage with exit code 2 and refusals with 1', async () => {
    const both = await cli.run(['roles', 'map', 'acme', '--display-name', 'a', '--group-id', 'b', '--role', 'x']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('exactly one of')]);
    expect((await cli.run(['roles', 'default', 'acme'])).code).toBe(2);
    const badRole = await cli.run(['roles', 'map', 'acme', '--external-id', 'a', '--role', ' ']);
    expect([badRole.code, badRole.stderr]).toEqual([1, expect.stringContaining('role must be printable text')]);
    expect((await cli.run(['roles', 'show', 'acme', 'no-such-user'])).code).toBe(1);
    expect((await cli.run(['roles', 'unmap', 'acme', 'no-such-rule'])).code).toBe(1);
  });
});
