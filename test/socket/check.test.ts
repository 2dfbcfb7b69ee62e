/**
 * `scimitar check` against a real Scimitar on a real socket, reached through
 * a local proxy that misbehaves the way deployments do: it strips the path,
 * blocks requests without a User-Agent or with application/scim+json,
 * redirects, or is reached under an address the server's public URL does
 * not name. Each misbehaviour must get its own diagnosis, and no run may
 * leave a throwaway user behind.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCheck, type CheckReport } from '../../src/check/run-check.js';
import { cliSandbox, type CliSandbox } from '../cli/support.js';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { json } from '../http/support.js';

type Misbehaviour = 'none' | 'strip-path' | 'block-without-user-agent' | 'block-okta-user-agent' | 'block-scim-json' | 'redirect-to-https' | 'text-plain';

describe('scimitar check through a misbehaving proxy', () => {
  let server: TestServer;
  let upstream: string;
  let proxy: http.Server;
  /** A second listener of the same proxy: an address the server's public URL does not name. */
  let otherDoor: http.Server;
  let proxyOrigin: string;
  let otherOrigin: string;
  let misbehaviour: Misbehaviour = 'none';

  function proxyHandler(request: http.IncomingMessage, response: http.ServerResponse): void {
    const headers = request.headers;
    if (misbehaviour === 'redirect-to-https') {
      response.writeHead(301, { Location: `https://${headers.host}${request.url}` }).end();
      return;
    }
    if (misbehaviour === 'block-without-user-agent' && headers['user-agent'] === undefined) {
      response.writeHead(403, { 'Content-Type': 'text/html' }).end('<html><body>Request blocked by policy</body></html>');
      return;
    }
    if (misbehaviour === 'block-okta-user-agent' && /okta/i.test(headers['user-agent'] ?? '')) {
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end('Bot traffic is not allowed');
      return;
    }
    if (misbehaviour === 'block-scim-json' && /scim\+json/.test(`${headers.accept ?? ''} ${headers['content-type'] ?? ''}`)) {
      response.writeHead(403, { 'Content-Type': 'text/html' }).end('<html><body>Unsupported media type blocked</body></html>');
      return;
    }
    const path = misbehaviour === 'strip-path' ? request.url!.replace(/^\/scim\/v2/, '') : request.url!;
    const forwarded = http.request(`${upstream}${path}`, { method: request.method, headers: { ...headers, host: new URL(upstream).host } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, misbehaviour === 'text-plain' ? { ...answer.headers, 'content-type': 'text/plain' } : answer.headers);
      answer.pipe(response);
    });
    forwarded.on('error', () => response.writeHead(502).end());
    request.pipe(forwarded);
  }

  async function listen(target: http.Server): Promise<string> {
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    proxy = http.createServer(proxyHandler);
    otherDoor = http.createServer(proxyHandler);
    proxyOrigin = await listen(proxy);
    otherOrigin = await listen(otherDoor);
    // The public URL names the proxy, as in a deployment behind one.
    server = await build({ SCIMITAR_PUBLIC_URL: proxyOrigin });
    await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    upstream = `http://127.0.0.1:${(server.scimitar.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await new Promise((resolve) => otherDoor.close(resolve));
    await server.close();
  });

  beforeEach(() => {
    misbehaviour = 'none';
  });

  async function usersLeft(): Promise<number> {
    return json(await server.request({ method: 'GET', url: '/scim/v2/Users' }))['totalResults'] as number;
  }

  const check = (url = `${proxyOrigin}/scim/v2`, token = TEST_TOKEN): Promise<CheckReport> => runCheck({ url, token, idps: ['okta', 'entra'], timeoutMs: 10_000 });
  const codes = (report: CheckReport) => report.diagnoses.map((diagnosis) => diagnosis.code);

  it('passes every step of both identity providers on a healthy deployment and leaves no user behind', async () => {
    const report = await check();
    expect(report.diagnoses).toEqual([]);
    expect(report.steps.every((step) => step.outcome === 'pass')).toBe(true);
    expect(report.ok).toBe(true);
    // Both providers ran their connection test and the whole lifecycle.
    for (const idp of ['okta', 'entra'] as const) {
      expect(report.steps.filter((step) => step.idp === idp).map((step) => step.method)).toEqual(['GET', 'GET', 'POST', 'GET', 'PATCH', 'PATCH', 'DELETE', 'GET']);
    }
    expect(report.cleanup.userNames).toHaveLength(2);
    expect(report.cleanup.userNames.every((userName) => /^scimitar-check-[0-9a-f]{12}@example\.invalid$/.test(userName))).toBe(true);
    expect(report.cleanup.leftBehind).toEqual([]);
    expect(await usersLeft()).toBe(0);
  });

  it('diagnoses a proxy that strips the path as "not a SCIM base URL"', async () => {
    misbehaviour = 'strip-path';
    const report = await check();
    expect(report.ok).toBe(false);
    expect(codes(report)[0]).toBe('not-a-scim-base-url');
    expect(report.diagnoses[0]!.fix).toMatch(/rewrites or strips the path/);
    expect(await usersLeft()).toBe(0);
  });

  it('diagnoses a WAF that blocks requests without a User-Agent, by comparing the same request with and without one', async () => {
    misbehaviour = 'block-without-user-agent';
    const report = await check();
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['blocked-without-user-agent']);
    const blocked = report.steps.find((step) => step.diagnoses.some((diagnosis) => diagnosis.code === 'blocked-without-user-agent'))!;
    expect(blocked.status).toBe(403);
    expect(report.diagnoses[0]!.finding).toMatch(/Request blocked by policy/);
    expect(await usersLeft()).toBe(0);
  });

  it('diagnoses a WAF that blocks Okta\'s User-Agent while Entra\'s requests pass', async () => {
    misbehaviour = 'block-okta-user-agent';
    const report = await check();
    expect(codes(report)).toEqual(['blocked-user-agent']);
    expect(report.steps.filter((step) => step.idp === 'okta').every((step) => step.outcome === 'fail')).toBe(true);
    expect(report.steps.filter((step) => step.idp === 'entra').every((step) => step.outcome === 'pass')).toBe(true);
    expect(await usersLeft()).toBe(0);
  });

  it('diagnoses a proxy that replaces the SCIM content type', async () => {
    misbehaviour = 'text-plain';
    const report = await check();
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['wrong-content-type']);
    expect(report.diagnoses[0]!.finding).toBe('Content-Type is text/plain, not application/scim+json');
    expect(await usersLeft()).toBe(0);
  });

  it('diagnoses a WAF that blocks application/scim+json, and every Okta call fails with it', async () => {
    misbehaviour = 'block-scim-json';
    const report = await check();
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain('blocked-scim-json');
    expect(report.steps.filter((step) => step.idp === 'okta').every((step) => step.outcome === 'fail')).toBe(true);
    expect(await usersLeft()).toBe(0);
  });

  it('does not follow a redirect: it reports it with its Location', async () => {
    misbehaviour = 'redirect-to-https';
    const report = await check();
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['redirect']);
    expect(report.diagnoses[0]!.finding).toBe(`301 redirect to https://${new URL(proxyOrigin).host}/scim/v2/Users?startIndex=1&count=1`);
    expect(report.steps[0]!.status).toBe(301);
  });

  it('diagnoses a meta.location outside the URL the identity provider was given, and still cleans up', async () => {
    const report = await check(`${otherOrigin}/scim/v2`);
    expect(codes(report)).toEqual(['meta-location-mismatch']);
    expect(report.diagnoses[0]!.finding).toContain(`${proxyOrigin}/scim/v2/Users/`);
    expect(report.ok).toBe(false);
    expect(report.steps.filter((step) => step.outcome === 'fail').map((step) => step.name)).toEqual(['Create a throwaway user', 'Create a throwaway user']);
    expect(report.cleanup.leftBehind).toEqual([]);
    expect(await usersLeft()).toBe(0);
  });

  it('diagnoses a wrong token as 401', async () => {
    const report = await check(undefined, 'not-the-token');
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['unauthorized']);
  });

  it('cleans up the throwaway user when the run is interrupted after the create', async () => {
    const interruption = new AbortController();
    const report = await runCheck({
      url: `${proxyOrigin}/scim/v2`,
      token: TEST_TOKEN,
      idps: ['okta'],
      signal: interruption.signal,
      onStep: (step) => {
        if (step.name === 'Create a throwaway user') interruption.abort();
      },
    });
    expect(report.interrupted).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.steps.at(-1)!.name).toBe('Create a throwaway user');
    expect(report.cleanup.leftBehind).toEqual([]);
    expect(await usersLeft()).toBe(0);
  });

  describe('the command', () => {
    let sandbox: CliSandbox;
    beforeAll(() => {
      sandbox = cliSandbox();
    });
    afterAll(() => sandbox.remove());

    it('exits 0 with a JSON report on a healthy deployment, progress on stderr', async () => {
      const result = await sandbox.run(['check', `${proxyOrigin}/scim/v2`, '--token', TEST_TOKEN, '--idp', 'entra', '--json']);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as CheckReport;
      expect(report.ok).toBe(true);
      expect(report.idps).toEqual(['entra']);
      expect(result.stderr).toMatch(/\[ok {2}\] entra +Create a throwaway user/);
      expect(await usersLeft()).toBe(0);
    });

    it('exits 1 with a readable diagnosis behind a path-stripping proxy', async () => {
      misbehaviour = 'strip-path';
      const result = await sandbox.run(['check', `${proxyOrigin}/scim/v2`, '--token', TEST_TOKEN, '--idp', 'okta']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('Okta: would FAIL');
      expect(result.stdout).toContain('- not-a-scim-base-url: 404 on /Users?startIndex=1&count=1');
      expect(result.stdout).toContain('Result: FAIL');
    });

    it('exits 2 on bad usage: no token, an unknown --idp, a URL carrying credentials, a non-http URL', async () => {
      const [noToken, unknownIdp, credentials, ftp] = await Promise.all([
        sandbox.run(['check', `${proxyOrigin}/scim/v2`]),
        sandbox.run(['check', `${proxyOrigin}/scim/v2`, '--token', TEST_TOKEN, '--idp', 'onelogin']),
        sandbox.run(['check', `http://user:secret@127.0.0.1:1/scim/v2`, '--token', TEST_TOKEN]),
        sandbox.run(['check', 'ftp://127.0.0.1/scim/v2', '--token', TEST_TOKEN]),
      ]);
      for (const result of [noToken, unknownIdp, credentials, ftp]) expect(result.code, result.stderr).toBe(2);
      expect(noToken.stderr).toContain('--token');
      expect(credentials.stderr).toContain('without a user name or password');
      expect(credentials.stderr).not.toContain('secret');
    });
  });
});
