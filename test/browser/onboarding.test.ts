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
  let firstToken: string;

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
    await console.getByLabel('Admin key').fill(adminKey);
    await console.getByRole('button', { name: 'Sign in' }).click();
    await console.getByRole('heading', { name: 'Tenants' }).waitFor();
    await console.getByLabel('Tenant id').fill('initech');
    await console.getByLabel('Name', { exact: true }).fill('Initech');
    await console.getByRole('button', { name: 'Create tenant' }).click();
    await console.getByText('Tenant Initech created').waitFor();
    firstToken = (await console.locator('#secret-value').textContent()) ?? '';
    expect(firstToken).toMatch(/^scim_/);
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

  it('plays Okta against the tenant', { timeout: STEP_TIMEOUT }, async () => {
    expect(await playOkta(origin, '/t/initech/scim/v2', firstToken)).toBeGreaterThan(10);
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

  it('lets the operator replay the webhook delivery that failed', { timeout: STEP_TIMEOUT }, async () => {
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
