/**
 * GET /metrics as Prometheus scrapes it: parsed with a Prometheus text
 * parser, behind an admin key on the main port or open on a port of its
 * own, and every family seen to move after the requests, refusals,
 * rate-limited calls and webhook deliveries that feed it. Runs on SQLite
 * and on PostgreSQL (vitest.config.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, SCIM, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { adminClient, expectAdminError, type AdminClient } from '../admin/support.js';
import { createUser, expectStatus } from '../http/support.js';
import { ManualClock, Receiver } from '../webhooks/support.js';
import { familyType, histogramCount, labelValues, parseScrape, sampleValue, type Scrape } from './support.js';

function getMetrics(server: TestServer, admin: AdminClient) {
  return server.scimitar.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${admin.key}` } });
}

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function scrapeOf(server: TestServer, admin: AdminClient): Promise<Scrape> {
  const response = await getMetrics(server, admin);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseScrape(response.body);
}

describe('GET /metrics on the main port', () => {
  let server: TestServer;
  let admin: AdminClient;

  beforeAll(async () => {
    server = await build();
    admin = await adminClient(server);
  });
  const scrape = () => scrapeOf(server, admin);
  afterAll(async () => {
    await server.close();
  });

  it('needs an admin key: 401 without one or with a SCIM token, in the admin error format', async () => {
    expectAdminError(await server.scimitar.app.inject({ method: 'GET', url: '/metrics' }), 401, 'unauthorized');
    expectAdminError(await server.scimitar.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_TOKEN}` } }), 401, 'unauthorized');
    const after = await scrape();
    expect(sampleValue(after, 'scimitar_auth_failures_total', { api: 'metrics', reason: 'missing' })).toBe(1);
    expect(sampleValue(after, 'scimitar_auth_failures_total', { api: 'metrics', reason: 'invalid' })).toBe(1);
  });

  it('counts requests by route template, method and status, with latency, and per tenant', async () => {
    const user = await createUser(server, 'metered');
    const before = await scrape();
    const route = `${SCIM}/Users/:id`;
    const counted = (scraped: Scrape, status: string) => sampleValue(scraped, 'scimitar_http_requests_total', { route, method: 'GET', status });

    expectStatus(await server.request({ method: 'GET', url: `${SCIM}/Users/${user['id']}` }), 200);
    expectStatus(await server.request({ method: 'GET', url: `${SCIM}/Users/${user['id']}` }), 200);
    await server.request({ method: 'GET', url: `${SCIM}/Users/no-such-user` });
    await server.scimitar.app.inject({ method: 'GET', url: '/nowhere/at/all' });

    const after = await scrape();
    expect(counted(after, '200') - counted(before, '200')).toBe(2);
    expect(counted(after, '404') - counted(before, '404')).toBe(1);
    expect(histogramCount(after, 'scimitar_http_request_duration_seconds', { route, method: 'GET' }) - histogramCount(before, 'scimitar_http_request_duration_seconds', { route, method: 'GET' })).toBe(3);
    // Templates only: no id and no unmatched path ever becomes a label value.
    const routes = labelValues(after, 'scimitar_http_requests_total', 'route');
    expect(routes).toContain('unmatched');
    expect(routes.join(' ')).not.toMatch(new RegExp(`${String(user['id'])}|no-such-user|nowhere`));
    expect(sampleValue(after, 'scimitar_tenant_requests_total', { tenant: 'default' }) - sampleValue(before, 'scimitar_tenant_requests_total', { tenant: 'default' })).toBe(3);
    expect(sampleValue(after, 'scimitar_tenant_errors_total', { tenant: 'default', status_class: '4xx' }) - sampleValue(before, 'scimitar_tenant_errors_total', { tenant: 'default', status_class: '4xx' })).toBe(1);
  });

  it('counts SCIM authentication failures by reason', async () => {
    const other = await server.scimitar.tenants.create('metrics-other');
    const before = await scrape();
    await server.scimitar.app.inject({ method: 'GET', url: `${SCIM}/Users` });
    await server.scimitar.app.inject({ method: 'GET', url: `${SCIM}/Users`, headers: { authorization: 'Bearer not-a-token-at-all' } });
    // A valid token of another tenant than the URL names.
    await server.scimitar.app.inject({ method: 'GET', url: `/t/default${SCIM}/Users`, headers: { authorization: `Bearer ${other.firstToken.token}` } });
    const after = await scrape();
    // The configured token is not of the scim_ form, so a stranger's bearer is simply unknown.
    for (const reason of ['missing', 'unknown', 'wrong_tenant']) {
      const moved = sampleValue(after, 'scimitar_auth_failures_total', { api: 'scim', reason }) - sampleValue(before, 'scimitar_auth_failures_total', { api: 'scim', reason });
      expect(moved, reason).toBe(1);
    }
  });

  it('says how many request log entries were written and dropped', async () => {
    await server.request({ method: 'GET', url: `${SCIM}/Users` });
    await server.scimitar.requestLogRecorder.flush();
    const scraped = await scrape();
    const { written, dropped, queued } = server.scimitar.requestLogRecorder.stats();
    expect(written).toBeGreaterThan(0);
    expect(sampleValue(scraped, 'scimitar_request_log_entries_total', { outcome: 'written' })).toBe(written);
    expect(sampleValue(scraped, 'scimitar_request_log_entries_total', { outcome: 'dropped' })).toBe(dropped);
    expect(sampleValue(scraped, 'scimitar_request_log_queued_entries', {})).toBe(queued);
  });

  it("includes Node's process metrics, and the database pool on PostgreSQL and MariaDB", async () => {
    const scraped = await scrape();
    expect(familyType(scraped, 'process_cpu_user_seconds_total')).toBe('counter');
    expect(familyType(scraped, 'nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(familyType(scraped, 'scimitar_db_statement_errors_total')).toBe('counter');
    if (server.storeKind !== 'sqlite') expect(sampleValue(scraped, 'scimitar_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    else expect(labelValues(scraped, 'scimitar_db_pool_connections', 'state')).toEqual([]);
  });
});

describe('metrics of limits and tenants', () => {
  let server: TestServer;
  let admin: AdminClient;

  beforeAll(async () => {
    server = await build({ SCIMITAR_RATE_LIMIT_PER_SECOND: '1', SCIMITAR_RATE_LIMIT_BURST: '2', SCIMITAR_METRICS_TENANT_LIMIT: '1' });
    admin = await adminClient(server);
  });
  const scrape = () => scrapeOf(server, admin);
  afterAll(async () => {
    await server.close();
  });

  it('counts 429s of the tenant rate limit, and folds tenants past the limit into _other', async () => {
    const second = await server.scimitar.tenants.create('second');
    const third = await server.scimitar.tenants.create('third');
    for (let attempt = 0; attempt < 4; attempt += 1) await server.request({ method: 'GET', url: `${SCIM}/Users` });
    for (const token of [second.firstToken.token, third.firstToken.token]) {
      await server.scimitar.app.inject({ method: 'GET', url: `${SCIM}/Users`, headers: { authorization: `Bearer ${token}` } });
    }
    const scraped = await scrape();
    expect(sampleValue(scraped, 'scimitar_rate_limited_total', { api: 'scim', kind: 'tenant_rate' })).toBeGreaterThanOrEqual(1);
    expect(labelValues(scraped, 'scimitar_tenant_requests_total', 'tenant')).toEqual(['_other', 'default']);
    expect(sampleValue(scraped, 'scimitar_tenant_requests_total', { tenant: '_other' })).toBe(2);
  });
});

describe('metrics of the webhook outbox', () => {
  let server: TestServer;
  let admin: AdminClient;
  let receiver: Receiver;
  // Retries fall due when the test moves the clock, not by themselves.
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    receiver = await new Receiver().listen();
    server = await build({ SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true', SCIMITAR_WEBHOOK_ALLOW_PRIVATE: 'true' }, { now: clock.now });
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });
  const scrape = () => scrapeOf(server, admin);

  it('shows the pending delivery and its age, then the retry, the success and its lag', async () => {
    await server.scimitar.webhooks.create('default', { url: receiver.url() });
    receiver.respond = (_request, index) => ({ status: index === 0 ? 503 : 204 });
    await createUser(server, 'delivered');
    while (receiver.received.length < 1) await server.scimitar.webhookDispatcher.drain();
    const pending = await scrape();
    expect(sampleValue(pending, 'scimitar_outbox_pending_deliveries')).toBe(1);
    expect(sampleValue(pending, 'scimitar_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(pending, 'scimitar_webhook_deliveries_total', { outcome: 'retry' })).toBe(1);
    expect(sampleValue(pending, 'scimitar_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(0);

    // Past the longest first backoff: the retry is due, and succeeds.
    clock.advance(60_000);
    while (receiver.received.length < 2) await server.scimitar.webhookDispatcher.drain();
    const delivered = await scrape();
    expect(sampleValue(delivered, 'scimitar_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(1);
    expect(histogramCount(delivered, 'scimitar_webhook_delivery_lag_seconds')).toBe(1);
    // The lag runs from the event's commit to the success: the minute the clock moved, at least.
    expect(sampleValue(delivered, 'scimitar_webhook_delivery_lag_seconds_sum')).toBeGreaterThanOrEqual(60);
  });
});

describe('GET /metrics on a port of its own', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await build({ SCIMITAR_METRICS_PORT: '0' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers without authentication over a real socket, and only /metrics', async () => {
    const address = await server.scimitar.listenMetrics();
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await server.request({ method: 'GET', url: `${SCIM}/Users` });
    const response = await fetch(`${address}/metrics`);
    expect(response.status).toBe(200);
    const scraped = parseScrape(await response.text());
    expect(sampleValue(scraped, 'scimitar_http_requests_total', { route: `${SCIM}/Users`, method: 'GET', status: '200' })).toBe(1);
    expect((await fetch(`${address}/Users`)).status).toBe(404);
    // The main port still asks for an admin key.
    expect((await server.scimitar.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});

describe('metrics switched off', () => {
  it('serves no /metrics (SCIMITAR_METRICS=off)', async () => {
    const server = await build({ SCIMITAR_METRICS: 'off' });
    try {
      const admin = await adminClient(server);
      expect(server.scimitar.metrics).toBeUndefined();
      expect((await getMetrics(server, admin)).statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('docs/operations.md and the Grafana dashboard', () => {
  let server: TestServer;
  let admin: AdminClient;

  beforeAll(async () => {
    server = await build();
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  /** The metric families a PromQL text names (histogram series reduced to their family). */
  function metricNames(text: string): string[] {
    const names = [...text.matchAll(/\b(?:scimitar|process|nodejs)_[a-z0-9_]+/g)].map((match) => match[0].replace(/_(?:bucket|sum|count)$/, ''));
    return [...new Set(names)].sort();
  }

  it('query only metrics that exist: the dashboard is valid JSON, every panel expression and alert rule names real families', async () => {
    const scraped = await scrapeOf(server, admin);
    const dashboard = JSON.parse(readFileSync(path.join(REPOSITORY, 'docs/grafana/scimitar-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    expect(expressions.length).toBeGreaterThanOrEqual(10);
    const operations = readFileSync(path.join(REPOSITORY, 'docs/operations.md'), 'utf8');
    const alertRules = /```yaml\ngroups:[\s\S]*?```/.exec(operations)?.[0] ?? '';
    expect(alertRules).toContain('alert: ScimitarWebhookDeliveryLag');
    // The example of adding a metric names ones a future component would add.
    const withoutExample = operations.replace(/```ts\n[\s\S]*?```/g, '');
    for (const name of [...metricNames(expressions.join('\n')), ...metricNames(alertRules), ...metricNames(withoutExample)]) {
      expect(familyType(scraped, name), name).toBeDefined();
    }
  });
});
