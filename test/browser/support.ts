/**
 * The browser suite's machinery: Debian's Chromium driven by
 * playwright-core, screenshots of each page into test-results/screenshots/
 * (git-ignored), and a webhook receiver whose answers the test switches.
 */
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's `apt-get install -y chromium` puts the browser; SCIMITAR_CHROMIUM names another. */
export const CHROMIUM = process.env['SCIMITAR_CHROMIUM'] ?? '/usr/bin/chromium';

/** CI sets this: a missing Chromium is then a failure, not a skip. */
export const BROWSER_REQUIRED = process.env['SCIMITAR_REQUIRE_BROWSER'] === '1';

/** Why the browser suite cannot run here, or undefined when it can. */
export function browserUnavailableReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium is not installed at ${CHROMIUM}: the browser suite (test/browser) is SKIPPED. Install it with \`apt-get install -y chromium\` (or set SCIMITAR_CHROMIUM).`;
  if (BROWSER_REQUIRED) throw new Error(`${reason} SCIMITAR_REQUIRE_BROWSER=1 makes this a failure.`);
  process.stderr.write(`\n[scimitar] ${reason}\n\n`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export const SCREENSHOTS = path.resolve('test-results', 'screenshots');

/** A full-page screenshot named after what it shows. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A webhook receiver on 127.0.0.1 that fails (500) until told to accept. */
export class SwitchableReceiver {
  failing = true;
  received = 0;
  private readonly server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      this.received += 1;
      response.writeHead(this.failing ? 500 : 204).end(this.failing ? 'receiver is down for maintenance' : undefined);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/scim-events`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
