/**
 * The `scimitar` management commands as an operator runs them: tenants,
 * tokens, users, groups and admin keys, human and --json output, exit codes
 * (0 done, 1 failed or not found, 2 bad usage).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, hasScript, PUBLIC_URL, runOnTerminal, type CliSandbox, type Json } from './support.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Each column of an aligned table starts at the same offset on every line. */
function expectAligned(table: string, headers: readonly string[]): string[] {
  const lines = table.trimEnd().split('\n');
  const offsets = headers.map((header) => lines[0]!.indexOf(header));
  expect(offsets.every((offset, index) => offset >= 0 && (index === 0 || offset > offsets[index - 1]!))).toBe(true);
  for (const line of lines.slice(1)) {
    for (const offset of offsets.slice(1)) expect(line[offset - 1], `column at ${offset} in "${line}"`).toBe(' ');
  }
  return lines.slice(1);
}

describe('scimitar CLI', () => {
  let cli: CliSandbox;
  let acme: Json;

  beforeAll(async () => {
    cli = cliSandbox();
  });
  afterAll(() => {
    cli.remove();
  });

  describe('usage', () => {
    it('lists every command in --help, and each command has its own --help', async () => {
      const [main, tenants, rotate, users] = await Promise.all([
        cli.run(['--help']),
        cli.run(['tenants', '--help']),
        cli.run(['tokens', 'rotate', '--help']),
        cli.run(['users', 'list', '--help']),
      ]);
      expect(main.code).toBe(0);
      for (const command of ['start', 'migrate', 'tenants', 'tokens', 'users', 'groups', 'admin-keys']) expect(main.stdout).toContain(command);
      expect(tenants.code).toBe(0);
      for (const command of ['create', 'list', 'show', 'delete']) expect(tenants.stdout).toContain(command);
      expect(rotate.stdout).toMatch(/--overlap <duration>[\s\S]*default: 24h/);
      expect(users.stdout).toContain('--filter <filter>');
    });

    it('exits 2 on bad usage: unknown command or option, bad argument, missing subcommand', async () => {
      const results = await Promise.all([
        cli.run(['tenants', 'frobnicate']),
        cli.run(['tokens', 'create', '--bogus']),
        cli.run(['tenants', 'create', 'Not_A_Slug']),
        cli.run(['tenants', 'create']),
        cli.run(['tokens', 'rotate', 'some-id', '--overlap', 'soon']),
        cli.run(['users', 'list', '--tenant', 'UPPER']),
        cli.run(['tenants']),
      ]);
      for (const result of results) expect(result.code, result.stderr).toBe(2);
      expect(results[2]!.stderr).toMatch(/not a valid tenant id/);
      expect(results[4]!.stderr).toMatch(/not a duration/);
    });
  });

  describe('tenants', () => {
    it('create prints the SCIM base URL and a first token, which the server accepts', async () => {
      const result = await cli.run(['tenants', 'create', 'acme', '--name', 'Acme Corp']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`${PUBLIC_URL}/t/acme/scim/v2`);
      const token = /scim_[A-Za-z0-9_-]{43}/.exec(result.stdout)?.[0];
      expect(token).toBeDefined();
      expect(result.stdout).toMatch(/shown only now/);

      const server = await cli.server();
      try {
        const response = await server.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users', headers: { authorization: `Bearer ${token}` } });
        expect(response.statusCode).toBe(200);
        acme = { token };
      } finally {
        await server.close();
      }
    });

    it('create --json gives tenant, scimBaseUrl and token', async () => {
      const created = await cli.json(['tenants', 'create', 'globex']);
      expect(created).toEqual({
        tenant: 'globex',
        name: 'globex',
        createdAt: expect.any(String),
        scimBaseUrl: `${PUBLIC_URL}/t/globex/scim/v2`,
        token: expect.stringMatching(/^scim_/),
        tokenId: expect.any(String),
      });
    });

    it('create exits 1 with the reason when the id is taken', async () => {
      const result = await cli.run(['tenants', 'create', 'acme']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('scimitar: A tenant "acme" already exists\n');
    });

    it('list shows an aligned table, and --json the same tenants', async () => {
      const [table, json] = await Promise.all([cli.run(['tenants', 'list']), cli.json(['tenants', 'list'])]);
      expect(table.code).toBe(0);
      const rows = expectAligned(table.stdout, ['TENANT', 'NAME', 'CREATED', 'SCIM BASE URL']);
      expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['acme', 'default', 'globex']);
      expect(table.stdout).toContain('Acme Corp');
      expect((json['tenants'] as Json[]).map((tenant) => tenant['id'])).toEqual(['acme', 'default', 'globex']);
      expect((json['tenants'] as Json[])[0]!['scimBaseUrl']).toBe(`${PUBLIC_URL}/t/acme/scim/v2`);
    });

    it('show gives the URL, counts and tokens; an unknown tenant exits 1', async () => {
      const [human, json, missing] = await Promise.all([cli.run(['tenants', 'show', 'acme']), cli.json(['tenants', 'show', 'acme']), cli.run(['tenants', 'show', 'nobody'])]);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/SCIM base URL\s+https:\/\/scim\.example\.com\/t\/acme\/scim\/v2/);
      expect(human.stdout).toMatch(/Users\s+0/);
      expect(human.stdout).toContain('initial token');
      expect(json).toMatchObject({ id: 'acme', name: 'Acme Corp', users: 0, groups: 0 });
      expect(JSON.stringify(json)).not.toMatch(/hmac-sha256|"hash"/);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('scimitar: No tenant "nobody"\n');
    });
  });

  describe('tokens', () => {
    let okta: Json;

    it('create --tenant, with an expiry, and list without secrets', async () => {
      okta = await cli.json(['tokens', 'create', '--tenant', 'acme', '--name', 'okta', '--expires-in', '30d']);
      expect(okta).toMatchObject({ tenant: 'acme', name: 'okta', status: 'active', token: expect.stringMatching(/^scim_/) });
      const expiresIn = Date.parse(okta['expiresAt'] as string) - Date.now();
      expect(expiresIn).toBeGreaterThan(29.9 * 86_400_000);
      expect(expiresIn).toBeLessThanOrEqual(30 * 86_400_000);

      const [table, json] = await Promise.all([cli.run(['tokens', 'list', '--tenant', 'acme']), cli.json(['tokens', 'list', '--tenant', 'acme'])]);
      const rows = expectAligned(table.stdout, ['ID', 'NAME', 'PREFIX', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED']);
      expect(rows).toHaveLength(2);
      expect((json['tokens'] as Json[]).map((token) => token['name'])).toEqual(['initial token', 'okta']);
      for (const output of [table.stdout, JSON.stringify(json)]) {
        expect(output).not.toContain(okta['token']);
        expect(output).not.toContain(acme['token']);
        expect(output).not.toMatch(/hmac-sha256|"hash"/);
      }
    });

    it('create defaults to the default tenant, and refuses an unknown one', async () => {
      const [created, missing] = await Promise.all([cli.json(['tokens', 'create']), cli.run(['tokens', 'create', '--tenant', 'nobody'])]);
      expect(created['tenant']).toBe('default');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No tenant "nobody"/);
    });

    it('rotate prints a successor; the old token keeps working for the overlap', async () => {
      const rotated = await cli.json(['tokens', 'rotate', okta['id'] as string, '--tenant', 'acme', '--overlap', '1h']);
      expect(rotated).toMatchObject({ name: 'okta', token: expect.stringMatching(/^scim_/), previous: { id: okta['id'], status: 'active' } });
      const overlap = Date.parse(rotated['previous']['expiresAt'] as string) - Date.now();
      expect(overlap).toBeGreaterThan(3_500_000);
      expect(overlap).toBeLessThanOrEqual(3_600_000);

      const server = await cli.server();
      try {
        for (const token of [okta['token'], rotated['token']]) {
          const response = await server.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users', headers: { authorization: `Bearer ${token}` } });
          expect(response.statusCode).toBe(200);
        }
      } finally {
        await server.close();
      }

      const human = await cli.run(['tokens', 'rotate', rotated['id'] as string, '--tenant', 'acme', '--overlap', '0']);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toMatch(/scim_[A-Za-z0-9_-]{43}/);
      expect(human.stdout).toMatch(/keeps working until .*overlap 0s/);
    });

    it('revoke refuses the token at once; unknown ids exit 1', async () => {
      const revoked = await cli.run(['tokens', 'revoke', okta['id'] as string, '--tenant', 'acme']);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toMatch(/^Revoked token /);
      const server = await cli.server();
      try {
        const response = await server.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users', headers: { authorization: `Bearer ${okta['token']}` } });
        expect(response.statusCode).toBe(401);
      } finally {
        await server.close();
      }
      const [missing, otherTenant] = await Promise.all([
        cli.run(['tokens', 'revoke', 'no-such-token', '--tenant', 'acme']),
        cli.run(['tokens', 'revoke', okta['id'] as string, '--tenant', 'globex']),
      ]);
      expect(missing.code).toBe(1);
      expect(otherTenant.code).toBe(1);
      expect(otherTenant.stderr).toMatch(/No token/);
    });
  });

  describe('users and groups', () => {
    let ids: Record<string, string>;

    beforeAll(async () => {
      // An identity provider provisions acme over SCIM; globex gets a user with the same userName.
      const server = await cli.server();
      try {
        const provision = async (token: string, tenant: string, endpoint: string, body: Json) => {
          const response = await server.app.inject({
            method: 'POST',
            url: `/t/${tenant}/scim/v2/${endpoint}`,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
            payload: JSON.stringify(body),
          });
          expect(response.statusCode, response.body).toBe(201);
          return (JSON.parse(response.body) as Json)['id'] as string;
        };
        const globex = await server.tenants.create('initech');
        ids = {};
        for (const [name, display] of [['alice', 'Alice Liddell'], ['bob', 'Bob Builder'], ['carol', 'Carol \u001b[31mRed']]) {
          ids[name!] = await provision(acme['token'] as string, 'acme', 'Users', {
            schemas: [USER_SCHEMA],
            userName: `${name}@acme.example`,
            displayName: display,
            emails: [{ value: `${name}@acme.example`, primary: true }],
          });
        }
        ids['engineering'] = await provision(acme['token'] as string, 'acme', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: ids['alice'] }, { value: ids['bob'] }] });
        await provision(globex.firstToken.token, 'initech', 'Users', { schemas: [USER_SCHEMA], userName: 'alice@acme.example' });
      } finally {
        await server.close();
      }
    });

    it('users list shows the tenant’s users; --filter takes SCIM syntax', async () => {
      const [all, filtered, json] = await Promise.all([
        cli.run(['users', 'list', '--tenant', 'acme']),
        cli.run(['users', 'list', '--tenant', 'acme', '--filter', 'userName sw "a" or displayName co "Builder"']),
        cli.json(['users', 'list', '--tenant', 'acme', '--filter', 'emails.value eq "CAROL@acme.example"']),
      ]);
      expect(all.code, all.stderr).toBe(0);
      const rows = expectAligned(all.stdout.split('\n\n')[0]!, ['ID', 'USERNAME', 'DISPLAY NAME', 'ACTIVE', 'EMAIL', 'EXTERNAL ID', 'LAST MODIFIED']);
      expect(rows).toHaveLength(3);
      expect(all.stdout).toContain('1–3 of 3 users in tenant "acme"');
      // A control character from an identity provider never reaches the terminal raw.
      expect(all.stdout).not.toContain('\u001b');
      expect(all.stdout).toContain('Carol \\u001b[31mRed');
      expect(filtered.stdout).toContain('alice@acme.example');
      expect(filtered.stdout).toContain('bob@acme.example');
      expect(filtered.stdout).not.toContain('carol@acme.example');
      expect(json).toMatchObject({ totalResults: 1, Resources: [{ id: ids['carol'], userName: 'carol@acme.example' }] });
      expect(json['Resources'][0]['meta']['location']).toBe(`${PUBLIC_URL}/t/acme/scim/v2/Users/${ids['carol']}`);
    });

    it('users list pages and sorts, and stays inside the tenant', async () => {
      const [page, initech] = await Promise.all([
        cli.json(['users', 'list', '--tenant', 'acme', '--sort-by', 'userName', '--sort-order', 'descending', '--start-index', '2', '--count', '1']),
        cli.json(['users', 'list', '--tenant', 'initech']),
      ]);
      expect(page).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ userName: 'bob@acme.example' }] });
      expect(initech['totalResults']).toBe(1);
    });

    it('users show prints every attribute; --json the SCIM resource', async () => {
      const [human, json] = await Promise.all([
        cli.run(['users', 'show', ids['alice']!, '--tenant', 'acme']),
        cli.json(['users', 'show', ids['alice']!, '--tenant', 'acme']),
      ]);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^userName\s+alice@acme\.example$/m);
      expect(human.stdout).toMatch(/^emails\[0\]\.value\s+alice@acme\.example$/m);
      expect(human.stdout).toMatch(/^groups\[0\]\.display\s+Engineering$/m);
      expect(json).toMatchObject({ id: ids['alice'], userName: 'alice@acme.example', displayName: 'Alice Liddell' });
    });

    it('groups list and show', async () => {
      const [table, shown] = await Promise.all([
        cli.run(['groups', 'list', '--tenant', 'acme', '--filter', 'displayName eq "engineering"']),
        cli.json(['groups', 'show', ids['engineering']!, '--tenant', 'acme']),
      ]);
      const rows = expectAligned(table.stdout.split('\n\n')[0]!, ['ID', 'DISPLAY NAME', 'MEMBERS', 'EXTERNAL ID', 'LAST MODIFIED']);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(/Engineering\s+2\s/);
      expect((shown['members'] as Json[]).map((member) => member['value']).sort()).toEqual([ids['alice'], ids['bob']].sort());
    });

    it('exits 1 with the SCIM detail for a bad filter, an unknown id or tenant', async () => {
      const [badFilter, unknownId, otherTenant, unknownTenant] = await Promise.all([
        cli.run(['users', 'list', '--tenant', 'acme', '--filter', 'userName eq']),
        cli.run(['users', 'show', 'no-such-id', '--tenant', 'acme']),
        cli.run(['groups', 'show', ids['engineering']!, '--tenant', 'initech']),
        cli.run(['groups', 'list', '--tenant', 'nobody']),
      ]);
      for (const result of [badFilter, unknownId, otherTenant, unknownTenant]) {
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/^scimitar: \S/);
        expect(result.stderr).not.toMatch(/\n\s+at\s/);
      }
      expect(badFilter.stderr).toMatch(/filter/i);
      expect(unknownId.stderr).toMatch(/no-such-id/);
      expect(unknownTenant.stderr).toBe('scimitar: No tenant "nobody"\n');
    });
  });

  describe('deleting a tenant', () => {
    it('refuses without --yes when not on a terminal (exit 2), leaving the tenant', async () => {
      const result = await cli.run(['tenants', 'delete', 'initech']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/add --yes/);
      expect((await cli.run(['tenants', 'show', 'initech'])).code).toBe(0);
    });

    it('deletes with --yes, with everything in it', async () => {
      const deleted = await cli.json(['tenants', 'delete', 'initech', '--yes']);
      expect(deleted).toEqual({ deleted: 'initech', users: 1, groups: 0, tokens: 1 });
      const [show, users] = await Promise.all([cli.run(['tenants', 'show', 'initech']), cli.run(['users', 'list', '--tenant', 'initech'])]);
      expect(show.code).toBe(1);
      expect(users.code).toBe(1);
      expect((await cli.run(['tenants', 'delete', 'initech', '--yes'])).code).toBe(1);
    });

    it('refuses the default tenant', async () => {
      const result = await cli.run(['tenants', 'delete', 'default', '--yes']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/default tenant/);
    });

    it.skipIf(!hasScript())('asks on a terminal, and deletes only when the id is typed back', async () => {
      const declined = await runOnTerminal(cli, ['tenants', 'delete', 'globex'], 'yes');
      expect(declined.code).toBe(1);
      expect(declined.stdout).toContain('Type "globex" to confirm');
      expect((await cli.run(['tenants', 'show', 'globex'])).code).toBe(0);
      const confirmed = await runOnTerminal(cli, ['tenants', 'delete', 'globex'], 'globex');
      expect(confirmed.code).toBe(0);
      expect(confirmed.stdout).toContain('Deleted tenant "globex"');
      expect((await cli.run(['tenants', 'show', 'globex'])).code).toBe(1);
    });
  });

  describe('admin keys', () => {
    it('create, list (no secret), revoke; unknown id exits 1', async () => {
      const created = await cli.json(['admin-keys', 'create', '--name', 'onboarding bot']);
      expect(created).toMatchObject({ name: 'onboarding bot', status: 'active', key: expect.stringMatching(/^scimadm_/) });

      const server = await cli.server();
      try {
        const response = await server.app.inject({ method: 'GET', url: '/admin/v1/tenants', headers: { authorization: `Bearer ${created['key']}` } });
        expect(response.statusCode).toBe(200);
      } finally {
        await server.close();
      }

      const [table, json] = await Promise.all([cli.run(['admin-keys', 'list']), cli.json(['admin-keys', 'list'])]);
      expectAligned(table.stdout, ['ID', 'NAME', 'PREFIX', 'STATUS', 'CREATED', 'LAST USED']);
      expect(JSON.stringify(json) + table.stdout).not.toContain(created['key']);
      expect(JSON.stringify(json)).not.toMatch(/hmac-sha256|"hash"/);

      const revoked = await cli.run(['admin-keys', 'revoke', created['id'] as string]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((await cli.json(['admin-keys', 'list']))['adminKeys']).toEqual([expect.objectContaining({ id: created['id'], status: 'revoked' })]);
      expect((await cli.run(['admin-keys', 'revoke', 'no-such-key'])).code).toBe(1);
    });
  });
});

describe('scimitar CLI without SCIMITAR_PUBLIC_URL', () => {
  const guess = /\(a guess from HOST and PORT: set SCIMITAR_PUBLIC_URL to the address identity providers reach\)/;
  let cli: CliSandbox;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    cli = cliSandbox({ SCIMITAR_PUBLIC_URL: undefined, HOST: '127.0.0.1', PORT: String(port) });
  });
  afterAll(() => {
    cli.remove();
  });

  it('tenants create, show and list say their URL is a guess from HOST and PORT, and a server started with those answers at it', async () => {
    const url = `http://127.0.0.1:${port}/t/acme/scim/v2`;
    const created = await cli.run(['tenants', 'create', 'acme']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`SCIM base URL\\s+${url.replace(/[./]/g, '\\$&')} ${guess.source}`));
    const token = /scim_[A-Za-z0-9_-]{43}/.exec(created.stdout)![0];

    const [show, list, json] = await Promise.all([cli.run(['tenants', 'show', 'acme']), cli.run(['tenants', 'list']), cli.run(['tenants', 'list', '--json'])]);
    expect(show.stdout).toMatch(new RegExp(`SCIM base URL\\s+${url.replace(/[./]/g, '\\$&')} ${guess.source}`));
    expect(list.stdout).toContain(url);
    expect(list.stdout).toMatch(/The SCIM base URLs are a guess from HOST and PORT/);
    // --json keeps stdout parseable; the caveat goes to stderr.
    expect((JSON.parse(json.stdout) as Json)['tenants'][0]['scimBaseUrl']).toBe(url);
    expect(json.stderr).toMatch(/^scimitar: note: scimBaseUrl is a guess from HOST and PORT/);

    const server = await cli.server();
    try {
      await server.app.listen({ host: '127.0.0.1', port });
      const response = await fetch(`${url}/Users`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('admin-keys create says the address in its curl example is a guess, on a line of its own', async () => {
    const created = await cli.run(['admin-keys', 'create', '--name', 'ops']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`curl -H "Authorization: Bearer scimadm_[A-Za-z0-9_-]+" http://127\\.0\\.0\\.1:${port}/admin/v1/tenants\\n`));
    expect(created.stdout).toMatch(/\(the address is a guess from HOST and PORT: set SCIMITAR_PUBLIC_URL/);
  });

  it('with SCIMITAR_PUBLIC_URL the URL is stated plainly, with no caveat', async () => {
    const configured = cliSandbox({ HOST: '127.0.0.1', PORT: String(port) });
    try {
      const [show, json] = await Promise.all([configured.run(['tenants', 'show', 'default']), configured.run(['tenants', 'show', 'default', '--json'])]);
      expect(show.stdout).toMatch(new RegExp(`SCIM base URL\\s+${PUBLIC_URL.replace(/[./]/g, '\\$&')}/t/default/scim/v2\\n`));
      expect(show.stdout + json.stderr).not.toMatch(/guess/);
    } finally {
      configured.remove();
    }
  });
});

/** A port nothing listens on right now, for a server the test starts later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
