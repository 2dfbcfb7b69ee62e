/**
 * One Prometheus registry per Scimitar instance (never prom-client's global
 * one, so two instances in one process — tests, an embedding app — keep
 * their own series), holding every metric docs/operations.md lists.
 *
 * Other components add their own through `counter`, `gauge` and
 * `histogram`, which register on this instance's registry; a gauge given a
 * `collect` callback is read on each scrape.
 */
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';
import type { SqlReadAccess } from '../store/sql/read-access.js';
import { CachedProbe } from './cached-probe.js';
import { DeferredCounts } from './deferred-counter.js';
import type { AuthApi, AuthFailureReason, DeliveryObserver, DeliveryOutcome, RateLimitKind, RequestObserver } from './observers.js';
import { outboxBacklog, type OutboxBacklog } from './outbox-backlog.js';
import { TenantLabels } from './tenant-labels.js';

export const METRIC_NAME_PREFIX = 'scimitar_';
/** The route label of a request no route matched (404s of unknown paths): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Seconds; from a cached GET (about a millisecond) to a large Bulk request. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds from an event's commit to its successful delivery: immediate, retried, or after an outage. */
const DELIVERY_LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];

export interface MetricsSettings {
  /** Tenants with a series of their own; the rest share `_other` (see TenantLabels). */
  readonly tenantLabelLimit: number;
  /** How long an outbox reading serves scrapes (default 5 s). */
  readonly outboxCacheMs?: number;
}

export interface MetricsSources {
  readonly sql: SqlReadAccess;
}

/** What one finished HTTP request contributes. */
export interface FinishedRequest {
  /** The route template (`/scim/v2/Users/:id`), undefined when no route matched. */
  readonly route: string | undefined;
  readonly method: string;
  readonly statusCode: number;
  readonly seconds: number;
  /** The authenticated tenant of a SCIM request. */
  readonly tenantId: string | undefined;
}

function statusClass(statusCode: number): string {
  return `${Math.floor(statusCode / 100)}xx`;
}

export class ScimitarMetrics implements RequestObserver, DeliveryObserver {
  readonly registry = new Registry();
  private readonly tenantLabels: TenantLabels;
  private readonly requests = new DeferredCounts<'route' | 'method' | 'status'>();
  private readonly latency: Histogram<'route' | 'method'>;
  private readonly tenantRequests = new DeferredCounts<'tenant'>();
  private readonly tenantErrors = new DeferredCounts<'tenant' | 'status_class'>();
  private readonly authFailures: Counter<'api' | 'reason'>;
  private readonly rateLimits: Counter<'api' | 'kind'>;
  private readonly deliveries: Counter<'outcome'>;
  private readonly deliveryLag: Histogram;

  constructor(settings: MetricsSettings, sources: MetricsSources) {
    this.tenantLabels = new TenantLabels(settings.tenantLabelLimit);
    collectDefaultMetrics({ register: this.registry });
    const { requests, tenantRequests, tenantErrors } = this;
    this.counter({
      name: 'scimitar_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status code',
      labelNames: ['route', 'method', 'status'],
      collect() {
        requests.flushInto(this);
      },
    });
    this.latency = this.histogram({
      name: 'scimitar_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its answer, by route template and method',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
    });
    this.counter({
      name: 'scimitar_tenant_requests_total',
      help: 'Authenticated SCIM requests per tenant (bounded: see docs/operations.md)',
      labelNames: ['tenant'],
      collect() {
        tenantRequests.flushInto(this);
      },
    });
    this.counter({
      name: 'scimitar_tenant_errors_total',
      help: 'Authenticated SCIM requests per tenant answered 4xx or 5xx (bounded: see docs/operations.md)',
      labelNames: ['tenant', 'status_class'],
      collect() {
        tenantErrors.flushInto(this);
      },
    });
    this.authFailures = this.counter({ name: 'scimitar_auth_failures_total', help: 'Requests refused 401, by API and reason', labelNames: ['api', 'reason'] });
    this.rateLimits = this.counter({ name: 'scimitar_rate_limited_total', help: 'Requests refused 429, by API and limit', labelNames: ['api', 'kind'] });
    this.deliveries = this.counter({ name: 'scimitar_webhook_deliveries_total', help: 'Webhook delivery attempts recorded by this instance, by outcome', labelNames: ['outcome'] });
    this.deliveryLag = this.histogram({
      name: 'scimitar_webhook_delivery_lag_seconds',
      help: "From an event's commit to its successful webhook delivery",
      buckets: DELIVERY_LAG_BUCKETS,
    });
    this.registerStoreMetrics(sources.sql, settings.outboxCacheMs ?? 5_000);
  }

  /** The exposition text and its content type, for GET /metrics. */
  async exposition(): Promise<{ readonly contentType: string; readonly text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  requestFinished(request: FinishedRequest): void {
    const route = request.route ?? UNMATCHED_ROUTE;
    const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
    const { statusCode } = request;
    this.requests.increment(`${route} ${method} ${statusCode}`, () => ({ route, method, status: String(statusCode) }));
    this.latency.observe({ route, method }, request.seconds);
    if (request.tenantId !== undefined) {
      const tenant = this.tenantLabels.labelOf(request.tenantId);
      this.tenantRequests.increment(tenant, () => ({ tenant }));
      if (statusCode >= 400) {
        const status_class = statusClass(statusCode);
        this.tenantErrors.increment(`${tenant} ${status_class}`, () => ({ tenant, status_class }));
      }
    }
  }

  authFailed(api: AuthApi, reason: AuthFailureReason): void {
    this.authFailures.inc({ api, reason });
  }

  rateLimited(api: AuthApi, kind: RateLimitKind): void {
    this.rateLimits.inc({ api, kind });
  }

  deliveryAttempted(outcome: DeliveryOutcome, lagSeconds: number | undefined): void {
    this.deliveries.inc({ outcome });
    if (lagSeconds !== undefined) this.deliveryLag.observe(Math.max(0, lagSeconds));
  }

  /** A counter on this instance's registry; names start with `scimitar_`. */
  counter<Label extends string>(configuration: Omit<CounterConfiguration<Label>, 'registers'>): Counter<Label> {
    return new Counter({ ...this.checked(configuration), registers: [this.registry] });
  }

  /** A gauge on this instance's registry; give it `collect() { this.set(…) }` to read a value on each scrape (it may be async). */
  gauge<Label extends string>(configuration: Omit<GaugeConfiguration<Label>, 'registers'>): Gauge<Label> {
    return new Gauge({ ...this.checked(configuration), registers: [this.registry] });
  }

  histogram<Label extends string>(configuration: Omit<HistogramConfiguration<Label>, 'registers'>): Histogram<Label> {
    return new Histogram({ ...this.checked(configuration), registers: [this.registry] });
  }

  private checked<Configuration extends { readonly name: string }>(configuration: Configuration): Configuration {
    if (!configuration.name.startsWith(METRIC_NAME_PREFIX)) throw new TypeError(`Metric names start with ${METRIC_NAME_PREFIX}: ${configuration.name}`);
    return configuration;
  }

  private registerStoreMetrics(sql: SqlReadAccess, outboxCacheMs: number): void {
    const backlog = new CachedProbe<OutboxBacklog>(() => outboxBacklog(sql.committed), outboxCacheMs);
    const readBacklog = async (): Promise<OutboxBacklog | undefined> => {
      try {
        return await backlog.get();
      } catch {
        // The database is unreachable: the scrape still answers (the statement error is counted).
        return undefined;
      }
    };
    this.gauge({
      name: 'scimitar_outbox_pending_deliveries',
      help: 'Webhook deliveries not yet delivered (new or awaiting a retry), all tenants; read at most every few seconds',
      // On a failed reading the gauge keeps its last value; the statement error counter shows why.
      async collect() {
        const reading = await readBacklog();
        if (reading !== undefined) this.set(reading.pending);
      },
    });
    this.gauge({
      name: 'scimitar_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered webhook delivery (0 when none), all tenants; read at most every few seconds',
      async collect() {
        const reading = await readBacklog();
        if (reading !== undefined) this.set(reading.oldestPendingAt === undefined ? 0 : Math.max(0, (Date.now() - reading.oldestPendingAt.getTime()) / 1000));
      },
    });
    this.gauge({
      name: 'scimitar_db_pool_connections',
      help: 'PostgreSQL or MySQL pool connections by state: total open, idle, and requests waiting for one (no samples on SQLite)',
      labelNames: ['state'],
      collect() {
        const usage = sql.poolUsage();
        if (usage === undefined) return;
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
    const reported = new Map<string, number>();
    this.counter({
      name: 'scimitar_db_statement_errors_total',
      help: 'Database errors by kind (SQLSTATE class on PostgreSQL, server error number on MySQL, result code on SQLite)',
      labelNames: ['kind'],
      collect() {
        // The store keeps the counts; the counter catches up with them on each scrape.
        for (const [kind, count] of sql.statementErrors()) {
          const increase = count - (reported.get(kind) ?? 0);
          if (increase > 0) this.inc({ kind }, increase);
          reported.set(kind, count);
        }
      },
    });
  }
}
