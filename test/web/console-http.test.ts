/**
 * The operator console over HTTP: its security headers stay on its pages,
 * sign-in is throttled, the session cookie is HttpOnly, SameSite=Strict,
 * Secure over HTTPS and expires, revoking the admin key ends it at once,
 * and every state-changing form needs its CSRF token.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, SCIM, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { TestClock, HOUR } from '../tenancy/support.js';
import { CONTENT_SECURITY_POLICY } from '../../src/web/security-headers.js';
import { PageSession, setCookiesOf, visibleText } from './support.js';

describe('operator console over HTTP', () => {
  let clock: TestClock;
  let server: TestServer;
  let adminKey: string;

  beforeAll(async () => {
    clock = new TestClock();
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '3', SCIMITAR_AUTH_FAILURE_WINDOW: '60', SCIMITAR_TRUST_PROXY: '1' }, { now: clock.now });
    adminKey = (await server.scimitar.adminKeys.create('console test')).key;
  });
  afterAll(async () => {
    await server.close();
  });

  let nextAddress = 1;
  const browser = () => new PageSession(server.scimitar.app, `10.1.0.${nextAddress++}`);

  it('answers the console with a strict Content-Security-Policy and the usual security headers', async () => {
    const page = await browser().get('/console');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<label for="admin-key">Admin key</label>');
  });

  it('leaves the SCIM and admin APIs their own headers', async () => {
    const scim = await server.request({ method: 'GET', url: `${SCIM}/Users` });
    expect(scim.statusCode).toBe(200);
    expect(scim.headers['content-security-policy']).toBeUndefined();
    const admin = await server.scimitar.app.inject({ method: 'GET', url: '/admin/v1/tenants', headers: { authorization: `Bearer ${adminKey}` } });
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['content-security-policy']).toBeUndefined();
  });

  it('sends a person who opens the server root to the console', async () => {
    const root = await server.scimitar.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/console');
  });

  it('signs in with an admin key into an HttpOnly, SameSite=Strict session cookie that expires, scoped to the console', async () => {
    const session = browser();
    const signedIn = await session.signIn(adminKey);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console');
    const cookie = setCookiesOf(signedIn).find((candidate) => candidate.name === 'scimitar_console');
    expect(cookie?.attributes).toEqual(['Path=/console', 'HttpOnly', 'SameSite=Strict', 'Max-Age=28800']);
    // The key itself never appears in the cookie: it is sealed.
    expect(cookie?.value).not.toContain(adminKey);
    expect(cookie?.value).not.toContain('scimadm_');
    const tenants = await session.get('/console');
    expect(visibleText(tenants.body)).toContain('Create a tenant');
  });

  it('marks the cookies Secure when the console is served over HTTPS', async () => {
    const session = new PageSession(server.scimitar.app, '10.1.9.1', { 'x-forwarded-proto': 'https' });
    const page = await session.get('/console');
    expect(setCookiesOf(page).find((cookie) => cookie.name === 'scimitar_csrf')?.attributes).toContain('Secure');
    const signedIn = await session.post('/console/sign-in', { adminKey });
    expect(setCookiesOf(signedIn).find((cookie) => cookie.name === 'scimitar_console')?.attributes).toContain('Secure');
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('refuses a sign-in without its CSRF token, and sets no session', async () => {
    const session = browser();
    await session.get('/console');
    const refused = await session.post('/console/sign-in', { adminKey }, { csrf: null });
    expect(refused.statusCode).toBe(403);
    expect(visibleText(refused.body)).toContain('did not come from this page');
    expect(setCookiesOf(refused).some((cookie) => cookie.name === 'scimitar_console')).toBe(false);
  });

  it('refuses a state-changing form whose token belongs to another browser, and changes nothing', async () => {
    const victim = browser();
    await victim.signIn(adminKey);
    const attacker = browser();
    await attacker.get('/console');
    const forged = /name="_csrf" value="([^"]+)"/.exec((await attacker.get('/console')).body)?.[1];
    const refused = await victim.post('/console/tenants', { id: 'forged', name: 'Forged' }, { csrf: forged ?? '' });
    expect(refused.statusCode).toBe(403);
    expect((await server.scimitar.tenants.list()).map((tenant) => tenant.id)).not.toContain('forged');
  });

  it('creates a tenant and shows its first token once, in the page rather than in a URL', async () => {
    const session = browser();
    await session.signIn(adminKey);
    const created = await session.post('/console/tenants', { id: 'globex', name: 'Globex' });
    expect(created.statusCode).toBe(200);
    const text = visibleText(created.body);
    expect(text).toContain('Tenant Globex created');
    const token = /<code id="secret-value">([^<]+)<\/code>/.exec(created.body)?.[1];
    expect(token).toMatch(/^scim_/);
    const scim = await server.scimitar.app.inject({ method: 'GET', url: '/t/globex/scim/v2/Users', headers: { authorization: `Bearer ${token}` } });
    expect(scim.statusCode).toBe(200);
    expect(visibleText((await session.get('/console')).body)).not.toContain(token!);
  });

  it("saves a tenant's delete policy and safeguard from its deletions page, and refuses a value out of range with the range, changing nothing", async () => {
    await server.scimitar.tenants.create('policy', { name: 'Policy' });
    const settings = async () => {
      const view = JSON.parse((await server.scimitar.app.inject({ method: 'GET', url: '/admin/v1/tenants/policy/deletion', headers: { authorization: `Bearer ${adminKey}` } })).body);
      const { enabled, percent, minimum, windowMinutes } = view['safeguard'];
      return { deletePolicy: view['deletePolicy'], softDeleteDays: view['softDeleteDays'], safeguard: { enabled, percent, minimum, windowMinutes } };
    };
    const session = browser();
    await session.signIn(adminKey);
    const page = await session.get('/console/tenants/policy/deletions');
    expect(page.statusCode).toBe(200);
    // The form starts from the tenant's settings: the defaults, hard delete and the safeguard on.
    expect(page.body).toMatch(/<option value="hard" selected>/);
    expect(page.body).toMatch(/name="safeguardEnabled" value="on" checked/);

    const saved = await session.post('/console/tenants/policy/deletions/policy', { deletePolicy: 'soft', softDeleteDays: '30', percent: '20', minimum: '5', windowMinutes: '120' });
    expect(saved.statusCode).toBe(200);
    expect(visibleText(saved.body)).toContain('The delete policy was saved.');
    expect(visibleText(saved.body)).toContain('soft (kept 30 days)');
    // An unticked box is absent from the form: the safeguard goes off.
    expect(await settings()).toEqual({ deletePolicy: 'soft', softDeleteDays: 30, safeguard: { enabled: false, percent: 20, minimum: 5, windowMinutes: 120 } });

    const refused = await session.post('/console/tenants/policy/deletions/policy', { deletePolicy: 'hard', softDeleteDays: '0', safeguardEnabled: 'on', percent: '20', minimum: '5', windowMinutes: '120' });
    expect(refused.statusCode).toBe(400);
    expect(visibleText(refused.body)).toContain('softDeleteDays must be a whole number from 1 to 3650');
    expect((await settings())['deletePolicy']).toBe('soft');

    const withoutToken = await session.post('/console/tenants/policy/deletions/policy', { deletePolicy: 'hard', softDeleteDays: '30', percent: '20', minimum: '5', windowMinutes: '120' }, { csrf: null });
    expect(withoutToken.statusCode).toBe(403);
    expect((await settings())['deletePolicy']).toBe('soft');
  });

  it('adds a webhook with how many events one request may carry, and refuses a value out of range with the range, adding nothing', async () => {
    await server.scimitar.tenants.create('hooks', { name: 'Hooks' });
    const listed = async () => (await server.scimitar.webhooks.list('hooks')).map((webhook) => [webhook.url, webhook.maxEventsPerRequest]);
    const session = browser();
    await session.signIn(adminKey);
    const page = await session.get('/console/tenants/hooks/webhooks');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<input type="number" id="webhook-batch" name="maxEventsPerRequest" value="1" min="1" max="100"/);

    const added = await session.post('/console/tenants/hooks/webhooks', { url: 'https://hooks.example.com/batched', eventTypes: '', description: 'bulk', maxEventsPerRequest: '20' });
    expect(added.statusCode).toBe(200);
    expect(visibleText(added.body)).toContain('Signing secret:');
    const refused = await session.post('/console/tenants/hooks/webhooks', { url: 'https://hooks.example.com/refused', eventTypes: '', description: '', maxEventsPerRequest: '500' });
    expect(refused.statusCode).toBe(400);
    expect(visibleText(refused.body)).toContain('maxEventsPerRequest must be a whole number from 1 to 100');
    expect(await listed()).toEqual([['https://hooks.example.com/batched', 20]]);
  });

  it('escapes what it shows: a tenant name with markup is text', async () => {
    await server.scimitar.tenants.create('markup', { name: '<img src=x onerror=alert(1)>' });
    const session = browser();
    await session.signIn(adminKey);
    const page = await session.get('/console');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('ends the session on the next request once its admin key is revoked', async () => {
    const { key, summary } = await server.scimitar.adminKeys.create('soon revoked');
    const session = browser();
    await session.signIn(key);
    expect((await session.get('/console/tenants/default')).statusCode).toBe(200);
    await server.scimitar.adminKeys.revoke(summary.id);
    const after = await session.get('/console/tenants/default');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/console');
    expect(session.cookies.has('scimitar_console')).toBe(false);
    const posted = await session.post('/console/tenants', { id: 'after-revoke' });
    expect(posted.statusCode).toBe(401);
  });

  it('ends the session after eight hours', async () => {
    const session = browser();
    await session.signIn(adminKey);
    clock.advance(8 * HOUR - 1000);
    expect((await session.get('/console/tenants/default')).statusCode).toBe(200);
    clock.advance(2000);
    expect((await session.get('/console/tenants/default')).statusCode).toBe(303);
  });

  it('ignores a session cookie that was altered', async () => {
    const session = browser();
    await session.signIn(adminKey);
    const sealed = session.cookies.get('scimitar_console')!;
    // The first character is the IV's and carries six significant bits; the last ones of a base64url
    // tag may carry padding bits, so changing them can decode to the very same bytes.
    session.cookies.set('scimitar_console', `${sealed.startsWith('A') ? 'B' : 'A'}${sealed.slice(1)}`);
    expect((await session.get('/console/tenants/default')).statusCode).toBe(303);
  });

  it('throttles failed sign-ins from an address: 429 with Retry-After, even for the right key', async () => {
    const session = browser();
    await session.get('/console');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const wrong = await session.post('/console/sign-in', { adminKey: `scimadm_wrong${attempt}` });
      expect(wrong.statusCode).toBe(401);
      expect(visibleText(wrong.body)).toContain('That admin key is not valid');
    }
    const throttled = await session.post('/console/sign-in', { adminKey });
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(setCookiesOf(throttled).some((cookie) => cookie.name === 'scimitar_console')).toBe(false);
  });

  it('answers an unknown tenant with a 404 page, never a stack trace', async () => {
    const session = browser();
    await session.signIn(adminKey);
    const missing = await session.get('/console/tenants/no-such-tenant/requests');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(visibleText(missing.body)).toContain('No tenant "no-such-tenant"');
    expect(missing.body).not.toMatch(/\.(?:ts|js):\d+|node_modules|\n\s+at\s/);
  });

  it('serves its script and stylesheet from its own origin', async () => {
    const script = await server.scimitar.app.inject({ method: 'GET', url: '/console/assets/pages.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const style = await server.scimitar.app.inject({ method: 'GET', url: '/console/assets/pages.css' });
    expect(style.statusCode).toBe(200);
    expect(style.body).not.toMatch(/https?:\/\//);
  });

  it('mounts under a prefix in a host app: links and cookie paths follow it', async () => {
    const host = Fastify();
    await host.register(server.scimitar.fastifyPagesPlugin, { prefix: '/scimitar' });
    await host.ready();
    try {
      const session = new PageSession(host, '10.1.8.1');
      const page = await session.get('/scimitar/console');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('action="/scimitar/console/sign-in"');
      expect(page.body).toContain('href="/scimitar/console/assets/pages.css"');
      const signedIn = await session.post('/scimitar/console/sign-in', { adminKey });
      expect(signedIn.headers.location).toBe('/scimitar/console');
      expect(setCookiesOf(signedIn).find((cookie) => cookie.name === 'scimitar_console')?.attributes).toContain('Path=/scimitar/console');
      expect(visibleText((await session.get('/scimitar/console')).body)).toContain('Create a tenant');
      expect((await host.inject({ method: 'GET', url: '/console' })).statusCode).toBe(404);
    } finally {
      // The host's close would close Scimitar with it (the plugin's onClose); the server closes in afterAll.
      await host.server.close();
    }
  });
});
