/**
 * Onboarding a customer as people do it, in Debian's Chromium: the
 * operator signs in to the console, creates a tenant, a webhook and a setup
 * link; the customer's IT admin opens the link, generates a token and
 * watches the live check while Okta's "Test connection" and provisioning
 * requests arrive over a real socket; a refused request is explained; the
 * operator replays the webhook delivery that failed. Each page is
 * screenshotted into test-results/screenshots/ for a reviewer.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { parseFixture } from '../interop/replay/fixture.js';
import { readJsonPath, substitute, substituteText } from '../interop/replay/substitute.js';
import { browserUnavailableReason, launchChromium, screenshot, SwitchableReceiver } from './support.js';

const unavailable = browserUnavailableReason();
const STEP_TIMEOUT = 120_000;
const OKTA_USER_AGENT = 'Okta SCIM Client 1.0.0';

/** Okta's provisioning of one user (test/interop/okta), sent as Okta sends it, with the portal's token. */
async function playOkta(origin: string, scimPath: string, token: string): Promise<number> {
  const fixture = parseFixture(JSON.parse(readFileSync('test/interop/okta/user-lifecycle.json', 'utf8')), 'user-lifecycle.json');
  const variables = new Map<string, unknown>([['base', `${origin}${scimPath}`]]);
  // "Test connection" first: Okta reads one page of Users with the token it was given.
  const steps = [{ request: { method: 'GET', path: '/Users?startIndex=1&count=1', headers: {} as Record<string, string>, body: undefined as unknown }, expect: { status: 200 }, capture: undefined as Record<string, string> | undefined }, ...fixture.steps];
  for (const step of steps) {
    const body = step.request.body === undefined ? undefined : substitute(step.request.body, variables);
    const response = await fetch(`${origin}${scimPath}${String(substituteText(step.request.path, variables))}`, {
      method: step.request.method,
      headers: { 'user-agent': OKTA_USER_AGENT, authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    expect(response.status, `${step.request.method} ${step.request.path}: ${text.slice(0, 300)}`).toBe(step.expect.status);
    for (const [name, jsonPath] of Object.entries(step.capture ?? {})) variables.set(name, readJsonPath(JSON.parse(text), jsonPath));
  }
  return steps.length;
}

/** Opens the page's address again until `ready` holds: the request log and the webhook dispatcher work in the background. */
async function reloadUntil(page: Page, ready: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await ready()) return;
    await page.waitForTimeout(250);
    await page.goto(page.url());
  }
}

describe.skipIf(unavailable !== undefined)('onboarding a tenant in a real browser', () => {
  let server: TestServer;
  let origin: string;
  let browser: Browser;
  let operator: BrowserContext;
  let console: Page;
  let adminKey: string;
  const receiver = new SwitchableReceiver();
  let receiverUrl: string;
  let setupLink: string;
  let itAdmin: BrowserContext;
  let portal: Page;
  let portalToken: string;
  let scimPath: string;

  beforeAll(async () => {
    receiverUrl = await receiver.start();
    server = await build({
      SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true',
      SCIMITAR_WEBHOOK_ALLOW_PRIVATE: 'true',
      SCIMITAR_WEBHOOK_MAX_ATTEMPTS: '1',
      SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    origin = (await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    adminKey = (await server.scimitar.adminKeys.create('browser test')).key;
    browser = await launchChromium();
    operator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    console = await operator.newPage();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver.stop();
  });

  it('lets the operator sign in with an admin key and create a tenant', { timeout: STEP_TIMEOUT }, async () => {
    await console.goto(`${origin}/console`);
    await screenshot(console, '01-console-sign-in');
    // By keyboard: the skip link comes first, then the form; Enter submits it.
    await console.keyboard.press('Tab');
    expect(await console.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await console.keyboard.press('Tab');
    expect(await console.evaluate('document.activeElement.id')).toBe('admin-key');
    await console.keyboard.type(adminKey);
    await console.keyboard.press('Enter');
    await console.getByRole('heading', { name: 'Tenants' }).waitFor();
    await console.getByLabel('Tenant id').fill('initech');
    await console.getByLabel('Name', { exact: true }).fill('Initech');
    await console.getByRole('button', { name: 'Create tenant' }).click();
    await console.getByText('Tenant Initech created').waitFor();
    expect(await console.locator('#secret-value').textContent()).toMatch(/^scim_/);
    await screenshot(console, '02-console-tenant-created');
  });

  it('lets the operator add a webhook to the tenant', { timeout: STEP_TIMEOUT }, async () => {
    await console.getByRole('table').getByRole('link', { name: 'Initech' }).click();
    await console.getByRole('heading', { name: 'Initech' }).waitFor();
    await console.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Webhooks' }).click();
    await console.getByLabel('Receiver URL').fill(receiverUrl);
    await console.getByLabel('Event types').fill('user.created');
    await console.getByRole('button', { name: 'Add webhook' }).click();
    await console.getByText('Signing secret:').waitFor();
    await screenshot(console, '03-console-webhook-added');
  });

  it('lets the operator create a setup link for the tenant, shown once', { timeout: STEP_TIMEOUT }, async () => {
    await console.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Overview' }).click();
    await console.getByLabel('Note', { exact: true }).fill('sent to it@initech.example');
    await console.getByLabel('Works for', { exact: true }).selectOption({ label: '3 days' });
    await console.getByRole('button', { name: 'Create setup link' }).click();
    setupLink = (await console.locator('#secret-value').textContent()) ?? '';
    expect(setupLink).toMatch(/\/setup\/scimsetup_/);
    await console.getByRole('cell', { name: 'sent to it@initech.example', exact: true }).waitFor();
    await screenshot(console, '04-console-setup-link-created');
  });

  it('lets the IT admin open the link, leaving no secret in the address, and generate a token', { timeout: STEP_TIMEOUT }, async () => {
    itAdmin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    portal = await itAdmin.newPage();
    // The link as sent names the server's public URL; the test server listens on its own address.
    await portal.goto(`${origin}${new URL(setupLink).pathname}`);
    expect(new URL(portal.url()).pathname).toBe('/setup/');
    expect(portal.url()).not.toContain('scimsetup_');
    await portal.getByRole('heading', { name: 'Connect your identity provider to Initech' }).waitFor();
    await portal.getByRole('navigation', { name: 'Identity provider' }).getByRole('link', { name: 'Okta' }).click();
    await portal.getByText('SCIM connector base URL').first().waitFor();
    scimPath = new URL((await portal.locator('#base-url').textContent()) ?? '').pathname;
    expect(scimPath).toBe('/t/initech/scim/v2');
    await screenshot(portal, '05-setup-okta-steps');
    await portal.getByLabel('Token name').fill('Okta provisioning');
    await portal.getByRole('button', { name: 'Generate token' }).click();
    await portal.getByText('Your token:').waitFor();
    portalToken = (await portal.locator('#secret-value').textContent()) ?? '';
    expect(portalToken).toMatch(/^scim_/);
    await screenshot(portal, '06-setup-token-generated');
  });

  it("shows each of Okta's requests in the live check as OK", { timeout: STEP_TIMEOUT }, async () => {
    await portal.getByRole('navigation', { name: 'Setup' }).getByRole('link', { name: 'Live check' }).click();
    await portal.getByRole('heading', { name: 'Live check' }).waitFor();
    await screenshot(portal, '07-setup-live-check-waiting');
    const sent = await playOkta(origin, scimPath, portalToken);
    const live = portal.getByRole('table', { name: 'Requests from your identity provider' });
    await live.getByRole('row').filter({ hasText: 'Okta created user test.user@okta.local: OK' }).waitFor();
    await live.getByRole('row').filter({ hasText: 'Okta looked up a user by userName: OK' }).first().waitFor();
    while ((await live.getByRole('row').filter({ hasText: /^.*Okta .*: OK/ }).count()) < sent) await portal.waitForTimeout(250);
    expect(await live.getByText(/Failed/).count()).toBe(0);
    await screenshot(portal, '08-setup-live-check-ok');
  });

  it('explains a refused request in the live check and the request log', { timeout: STEP_TIMEOUT }, async () => {
    const refused = await fetch(`${origin}${scimPath}/Users?startIndex=1&count=1`, { headers: { 'user-agent': OKTA_USER_AGENT, authorization: 'Bearer scim_pasted-the-wrong-token' } });
    expect(refused.status).toBe(401);
    const live = portal.getByRole('table', { name: 'Requests from your identity provider' });
    const failedRow = live.getByRole('row').filter({ hasText: 'Failed (401)' });
    await failedRow.waitFor();
    expect(await failedRow.textContent()).toContain('Okta tried to list users: failed (401)');
    expect(await failedRow.textContent()).toContain("paste it into Okta's Authorization field");
    await screenshot(portal, '09-setup-live-check-refused');
    await portal.getByRole('navigation', { name: 'Setup' }).getByRole('link', { name: 'Request log' }).click();
    await portal.getByRole('link', { name: 'Show refused requests only' }).click();
    await portal.getByRole('row').filter({ hasText: 'failed (401)' }).getByRole('link', { name: 'Details' }).click();
    await portal.getByRole('alert').filter({ hasText: 'The token is unknown or revoked' }).waitFor();
    await screenshot(portal, '09b-setup-refused-request-detail');
  });

  it('fits a phone: the IT admin can use the portal at 390 px', { timeout: STEP_TIMEOUT }, async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, storageState: await itAdmin.storageState() });
    const page = await phone.newPage();
    await page.goto(`${origin}/setup/`);
    await page.getByRole('button', { name: 'Generate token' }).waitFor();
    // Nothing wider than the screen: no sideways scrolling.
    await screenshot(page, '15-setup-on-a-phone');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });

  it('shows the operator the request log and a request with what was sent and answered side by side', { timeout: STEP_TIMEOUT }, async () => {
    await console.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Request log' }).click();
    await reloadUntil(console, async () => (await console.getByRole('cell', { name: /POST \/t\/initech\/scim\/v2\/Users/ }).count()) > 0);
    await screenshot(console, '10-console-request-log');
    await console.getByLabel('Method').fill('POST');
    await console.getByRole('button', { name: 'Filter' }).click();
    await console.getByRole('row').filter({ hasText: 'POST' }).first().getByRole('link', { name: /Details/ }).click();
    await console.getByRole('heading', { name: 'Sent by the identity provider' }).waitFor();
    await console.getByRole('heading', { name: 'Answered by Scimitar' }).waitFor();
    await screenshot(console, '11-console-request-detail');
  });

  it('shows the operator the tenant\'s users with a SCIM filter box', { timeout: STEP_TIMEOUT }, async () => {
    await console.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Users' }).click();
    await console.getByLabel('SCIM filter').fill('userName sw "test"');
    await console.getByRole('button', { name: 'Search' }).click();
    await console.getByRole('link', { name: 'test.user@okta.local' }).click();
    await console.getByRole('heading', { name: 'History' }).waitFor();
    await screenshot(console, '12-console-user-history');
  });

  it('shows the operator the tenant\'s health at a glance', { timeout: STEP_TIMEOUT }, async () => {
    await console.getByRole('banner').getByRole('link', { name: 'Tenants' }).click();
    const row = console.getByRole('row').filter({ hasText: 'Initech' });
    expect(await row.textContent()).toContain('from Okta');
    await screenshot(console, '16-console-tenants-health');
  });

  it('lets the operator replay the webhook delivery that failed', { timeout: STEP_TIMEOUT }, async () => {
    await console.getByRole('table').getByRole('link', { name: 'Initech' }).click();
    await console.getByRole('navigation', { name: 'Tenant' }).getByRole('link', { name: 'Webhooks' }).click();
    await console.getByRole('link', { name: receiverUrl }).click();
    await reloadUntil(console, async () => (await console.getByRole('button', { name: /Replay delivery of user.created/ }).count()) > 0);
    await console.getByText('HTTP 500').first().waitFor();
    await screenshot(console, '13-console-webhook-failed');
    receiver.failing = false;
    await console.getByRole('button', { name: /Replay delivery of user.created/ }).first().click();
    await console.getByText(/queued again/).waitFor();
    await reloadUntil(console, async () => (await console.getByRole('cell', { name: 'succeeded' }).count()) > 0);
    await screenshot(console, '14-console-webhook-replayed');
  });
});
