/** `scimitar setup-links …` as an operator runs it: create (the URL once), list, revoke, with exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, PUBLIC_URL, type CliSandbox } from './support.js';

describe('scimitar setup-links', () => {
  let cli: CliSandbox;

  beforeAll(async () => {
    cli = cliSandbox();
    await cli.json(['tenants', 'create', 'acme']);
  });
  afterAll(() => {
    cli.remove();
  });

  it('creates a link and prints its URL once; the list shows it without its secret; revoke ends it', async () => {
    const created = await cli.run(['setup-links', 'create', '--tenant', 'acme', '--expires-in', '2d', '--note', 'for the Okta admin']);
    expect(created.code).toBe(0);
    const url = /^\s+(https:\/\/\S+)$/m.exec(created.stdout)?.[1];
    expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/setup/scimsetup_[A-Za-z0-9_-]{43}$`));
    const linkId = /Link id (\S+);/.exec(created.stdout)?.[1];
    expect(linkId).toEqual(expect.any(String));

    const listed = await cli.run(['setup-links', 'list', '--tenant', 'acme']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${linkId}\\s+active\\s+.*for the Okta admin`));
    expect(listed.stdout).not.toContain(url!.split('/').pop()!);

    const server = await cli.server();
    try {
      const secret = url!.split('/').pop()!;
      expect(await server.setupLinks.resolve(secret)).toMatchObject({ valid: true, grant: { tenantId: 'acme', linkId } });
      const revoked = await cli.run(['setup-links', 'revoke', linkId!, '--tenant', 'acme']);
      expect([revoked.code, revoked.stdout]).toEqual([0, expect.stringContaining(`Revoked setup link ${linkId} of tenant "acme"`)]);
      expect(await server.setupLinks.resolve(secret)).toEqual({ valid: false, reason: 'revoked' });
    } finally {
      await server.close();
    }
    const json = await cli.json(['setup-links', 'list', '--tenant', 'acme']);
    expect(json['setupLinks']).toEqual([expect.objectContaining({ id: linkId, status: 'revoked', note: 'for the Okta admin' })]);
  });

  it('prints JSON with the URL for scripts', async () => {
    const created = await cli.json(['setup-links', 'create', '--tenant', 'acme']);
    expect(created).toMatchObject({ tenant: 'acme', status: 'active', url: expect.stringMatching(new RegExp(`^${PUBLIC_URL}/setup/scimsetup_`)) });
    expect(Date.parse(created['expiresAt']) - Date.parse(created['createdAt'])).toBe(7 * 86_400_000);
  });

  it('answers bad usage with exit code 2 and refusals with 1', async () => {
    const both = await cli.run(['setup-links', 'create', '--tenant', 'acme', '--expires-in', '1d', '--expires-at', '2099-01-01']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('not both')]);
    expect((await cli.run(['setup-links', 'create', '--tenant', 'acme', '--expires-in', 'soon'])).code).toBe(2);
    const tooLong = await cli.run(['setup-links', 'create', '--tenant', 'acme', '--expires-in', '31d']);
    expect([tooLong.code, tooLong.stderr]).toEqual([1, expect.stringContaining('at most 30 days')]);
    expect((await cli.run(['setup-links', 'create', '--tenant', 'nobody'])).code).toBe(1);
    expect((await cli.run(['setup-links', 'revoke', 'no-such-link', '--tenant', 'acme'])).code).toBe(1);
  });

  it('says when the URL is a guess (no SCIMITAR_PUBLIC_URL)', async () => {
    const guessing = cliSandbox({ SCIMITAR_PUBLIC_URL: undefined });
    try {
      const created = await guessing.run(['setup-links', 'create']);
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/http:\/\/localhost:\d+\/setup\/scimsetup_/);
      expect(created.stdout).toContain('SCIMITAR_PUBLIC_URL');
    } finally {
      guessing.remove();
    }
  });
});
