/**
 * The setup portal over HTTP: a link's secret is exchanged once for a
 * tenant-scoped session cookie and leaves the URL; an unknown, revoked or
 * expired link is a clear page with 404, 403 or 410; revoking the link ends
 * a session under way; a portal session sees its own tenant and nothing
 * else; generating a token needs the CSRF token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { HOUR, TestClock } from '../tenancy/support.js';
import { PageSession, setCookiesOf, visibleText } from './support.js';

const DAY = 24 * HOUR;

describe('setup portal over HTTP', () => {
  let clock: TestClock;
  let server: TestServer;
  let acmeToken: string;
  let globexToken: string;

  beforeAll(async () => {
    clock = new TestClock();
    server = await build({}, { now: clock.now });
    acmeToken = (await server.scimitar.tenants.create('acme', { name: 'Acme Corp' })).firstToken.token;
    globexToken = (await server.scimitar.tenants.create('globex', { name: 'Globex' })).firstToken.token;
  });
  afterAll(async () => {
    await server.close();
  });

  let nextAddress = 1;
  const browser = () => new PageSession(server.scimitar.app, `10.2.0.${nextAddress++}`);
  const newLink = async (tenantId: string, options: { readonly expiresInMs?: number } = {}) => server.scimitar.setupLinks.create(tenantId, options);
  const scim = (tenantId: string, token: string, url: string) =>
    server.scimitar.app.inject({ method: 'GET', url: `/t/${tenantId}/scim/v2${url}`, headers: { authorization: `Bearer ${token}`, 'user-agent': 'Okta SCIM Client 1.0.0' } });

  it('exchanges the secret for a tenant-scoped session cookie and redirects to a URL without it', async () => {
    const { secret } = await newLink('acme');
    const session = browser();
    const first = await session.get(`/setup/${secret}`);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/setup/');
    expect(String(first.headers.location)).not.toContain(secret);
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    const cookie = setCookiesOf(first).find((candidate) => candidate.name === 'scimitar_setup');
    expect(cookie?.attributes.slice(0, 3)).toEqual(['Path=/setup', 'HttpOnly', 'SameSite=Lax']);
    expect(cookie?.value).not.toContain(secret);
    const page = await session.get('/setup/');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Connect your identity provider to Acme Corp');
    expect(text).toContain('https://scim.example.com/t/acme/scim/v2');
    expect(page.body).not.toContain(secret);
  });

  it('answers an unknown link with a 404 page, never a stack trace', async () => {
    for (const secret of ['scimsetup_' + 'x'.repeat(43), 'not-even-a-link']) {
      const page = await browser().get(`/setup/${secret}`);
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(visibleText(page.body)).toContain('This setup link is not valid');
      expect(page.body).not.toMatch(/\.(?:ts|js):\d+|node_modules|\n\s+at\s/);
      expect(page.body).not.toContain('Operator console');
    }
  });

  it('answers a revoked link with 403 and ends a session under way at its next request', async () => {
    const { secret, summary } = await newLink('acme');
    const session = browser();
    await session.get(`/setup/${secret}`);
    expect((await session.get('/setup/')).statusCode).toBe(200);
    await server.scimitar.setupLinks.revoke('acme', summary.id);
    const after = await session.get('/setup/live.json');
    expect(after.statusCode).toBe(403);
    expect(visibleText(after.body)).toContain('revoked');
    expect(session.cookies.has('scimitar_setup')).toBe(false);
    expect((await browser().get(`/setup/${secret}`)).statusCode).toBe(403);
  });

  it('answers an expired link with 410, and the session ends with it', async () => {
    const { secret } = await newLink('acme', { expiresInMs: 2 * HOUR });
    const session = browser();
    await session.get(`/setup/${secret}`);
    // The session never outlives its link: the cookie's lifetime is the link's remaining time.
    expect(setCookiesOf(await browser().get(`/setup/${secret}`)).find((cookie) => cookie.name === 'scimitar_setup')?.attributes).toContain('Max-Age=7200');
    clock.advance(2 * HOUR + 1000);
    const expired = await browser().get(`/setup/${secret}`);
    expect(expired.statusCode).toBe(410);
    expect(visibleText(expired.body)).toContain('expired');
    expect((await session.get('/setup/')).statusCode).not.toBe(200);
  });

  it('asks a visitor without a session to open their link again', async () => {
    const page = await browser().get('/setup/live');
    expect(page.statusCode).toBe(401);
    expect(visibleText(page.body)).toContain('Open the setup link');
  });

  it('generates a token shown once that works on the tenant, and refuses to without the CSRF token', async () => {
    const { secret } = await newLink('acme', { expiresInMs: DAY });
    const session = browser();
    await session.get(`/setup/${secret}`);
    await session.get('/setup/');
    const before = (await server.scimitar.tokens.list('acme')).length;
    const refused = await session.post('/setup/tokens', { name: 'Okta provisioning' }, { csrf: null });
    expect(refused.statusCode).toBe(403);
    expect((await server.scimitar.tokens.list('acme')).length).toBe(before);
    const generated = await session.post('/setup/tokens', { name: 'Okta provisioning' });
    expect(generated.statusCode).toBe(200);
    const token = /<code id="secret-value">([^<]+)<\/code>/.exec(generated.body)?.[1] ?? '';
    expect(token).toMatch(/^scim_/);
    expect((await scim('acme', token, '/Users')).statusCode).toBe(200);
    expect((await scim('globex', token, '/Users')).statusCode).toBe(401);
    expect((await session.get('/setup/')).body).not.toContain(token);
  });

  it('shows a portal session its own tenant only: its requests, never another tenant\'s', async () => {
    expect((await scim('acme', acmeToken, '/Users?filter=userName%20eq%20%22acme.person%22')).statusCode).toBe(200);
    const globexRequest = await scim('globex', globexToken, '/Users?filter=userName%20eq%20%22globex.person%22');
    expect(globexRequest.statusCode).toBe(200);
    await server.scimitar.requestLogRecorder.flush();
    const { secret } = await newLink('acme', { expiresInMs: DAY });
    const session = browser();
    await session.get(`/setup/${secret}`);
    const live = await session.get('/setup/live.json');
    expect(live.statusCode).toBe(200);
    const entries = (JSON.parse(live.body) as { entries: { requestId: string; summary: string; outcome: string }[] }).entries;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.map((entry) => entry.requestId)).not.toContain(globexRequest.headers['x-request-id']);
    expect(live.body).not.toContain('globex');
    const other = await session.get(`/setup/requests/${String(globexRequest.headers['x-request-id'])}`);
    expect(other.statusCode).toBe(404);
    // Nor does the portal cookie open the console.
    const consolePage = await session.get('/console/tenants/acme');
    expect(consolePage.statusCode).toBe(303);
  });

  it('does not take an operator session for a portal session, nor the reverse', async () => {
    const { key } = await server.scimitar.adminKeys.create('portal test');
    const operator = browser();
    await operator.signIn(key);
    const sealed = operator.cookies.get('scimitar_console')!;
    const impostor = browser();
    impostor.cookies.set('scimitar_setup', sealed);
    expect((await impostor.get('/setup/')).statusCode).toBe(401);
    const { secret } = await newLink('acme', { expiresInMs: DAY });
    const portal = browser();
    await portal.get(`/setup/${secret}`);
    const reverse = browser();
    reverse.cookies.set('scimitar_console', portal.cookies.get('scimitar_setup')!);
    expect((await reverse.get('/console/tenants/acme')).statusCode).toBe(303);
  });
});
