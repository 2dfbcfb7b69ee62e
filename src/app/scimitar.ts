/**
 * The composition root: builds the store, services and HTTP app from a
 * configuration. The CLI, the tests and an embedding app all start here.
 */
import type { FastifyInstance } from 'fastify';
import { AdminKeyAuthenticator, AdminKeyService } from '../auth/admin-keys.js';
import { AuthFailureThrottle } from '../auth/failure-throttle.js';
import { createKeyedHasher, type KeyedHasher } from '../auth/keyed-hash.js';
import { loadServerSecret, type ServerSecret } from '../auth/server-secret.js';
import { TokenService } from '../auth/token-service.js';
import { AuthenticatedTokenCache } from '../auth/token-cache.js';
import { TokenAuthenticator } from '../auth/tokens.js';
import { accessTokenPurge } from '../oauth/access-token-purge.js';
import { OAuthClientService } from '../oauth/oauth-client-service.js';
import { TokenIssuer } from '../oauth/token-issuer.js';
import type { ScimitarConfig, WebhookSettings } from '../config/config.js';
import type { ServiceProviderSettings } from '../core/discovery/index.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import type { SchemaResolver } from '../core/schema/schema-resolver.js';
import { EventFeed } from '../events/feed.js';
import { EventHookRunner, type EventHooks } from '../events/hooks.js';
import { EventNotifier } from '../events/notifier.js';
import { eventRetention } from '../events/retention.js';
import type { AdminPluginOptions } from '../admin/admin-plugin.js';
import { createEmbeddingMounts, type EmbeddingMounts } from '../embedding/mounts.js';
import type { NodeHandler, NodeHandlerOptions } from '../embedding/node-handler.js';
import { buildHttpApp, type FastifySettings } from '../http/app.js';
import type { ScimPluginOptions } from '../http/scim/plugin.js';
import type { TokenEndpointOptions } from '../http/oauth/token-endpoint.js';
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-server.js';
import { NO_OBSERVER } from '../metrics/observers.js';
import { registerRequestLogMetrics } from '../metrics/request-log-metrics.js';
import { ScimitarMetrics } from '../metrics/scimitar-metrics.js';
import { AccessReportService } from '../reports/access-report.js';
import { BulkService } from '../services/bulk/index.js';
import { createScryptHasher, type PasswordHasher } from '../services/passwords.js';
import { RoleService } from '../roles/role-service.js';
import { ResourceService } from '../services/resources/resource-service.js';
import { softDeletePurge } from '../services/deletion/soft-delete-purge.js';
import { eventCatalogue, type SafeguardTrip } from '../events/event.js';
import type { Store } from '../store/store.js';
import { RequestLogRecorder } from '../request-log/recorder.js';
import { RequestLogService } from '../request-log/request-log-service.js';
import { TenantRateLimiter } from '../tenancy/tenant-rate-limiter.js';
import { TenantService } from '../tenancy/tenant-service.js';
import { TenantSchemaResolver } from '../tenant-schemas/tenant-schema-resolver.js';
import { TenantSchemaService } from '../tenant-schemas/tenant-schema-service.js';
import type { WebPluginOptions } from '../web/web-plugin.js';
import { createWebhookDispatcher } from '../webhooks/create-dispatcher.js';
import type { ConsumerHandle, ConsumerOptions, RegisteredConsumer } from '../consumers/consumer.js';
import { EventConsumers } from '../consumers/event-consumers.js';
import { ConsumerService } from '../consumers/consumer-service.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { SecretBox } from '../webhooks/secret-box.js';
import { SetupPortalTokens } from '../setup-links/portal-tokens.js';
import { SetupLinkService } from '../setup-links/setup-link-service.js';
import { TenantHealthService } from '../tenant-health/tenant-health-service.js';
import { WebhookService } from '../webhooks/webhook-service.js';
import { openStore } from './open-store.js';
import { buildSchemaRegistry, type SchemaOptions } from './schema-registry.js';

export const DEFAULT_TENANT_ID = 'default';
export const DEFAULT_TENANT_NAME = 'Default directory';

/** The services over one store, shared by the HTTP server and the CLI. */
export interface ScimitarServices {
  readonly resources: ResourceService;
  readonly tenants: TenantService;
  readonly tokens: TokenService;
  /** Tenants' OAuth 2.0 clients (client credentials grant). */
  readonly oauthClients: OAuthClientService;
  readonly adminKeys: AdminKeyService;
  /** Tenants' webhooks and their deliveries. */
  readonly webhooks: WebhookService;
  /** The durable consumers' cursors and deliveries, per tenant (the consumers themselves run in the app: `events.consume`). */
  readonly consumerDeliveries: ConsumerService;
  /** Reading tenants' request logs and users' histories. */
  readonly requestLog: RequestLogService;
  /** Keys the hashes of tokens and admin keys with the server secret. */
  readonly hasher: KeyedHasher;
  /** Who has access to what in a tenant, streamed from one snapshot. */
  readonly accessReports: AccessReportService;
  /** Where each request's schemas come from: the server's own plus the tenant's declared extensions. */
  readonly schemas: SchemaResolver;
  /** Declaring tenants' extension schemas and their policy for undeclared ones. */
  readonly tenantSchemas: TenantSchemaService;
  /** Group → role mapping: tenants' rules and users' effective roles. */
  readonly roles: RoleService;
  /** Links to tenants' setup portals: created by the operator, resolved by the portal. */
  readonly setupLinks: SetupLinkService;
  /** The setup portal's token management, scoped to a setup link's tenant. */
  readonly portalTokens: SetupPortalTokens;
  /** Each tenant's health at a glance (last request, errors, directory size, what waits). */
  readonly tenantHealth: TenantHealthService;
}

export interface ScimitarServiceDependencies {
  readonly store: Store;
  /** The server's own schemas (buildSchemaRegistry); each tenant sees them plus what it declares. */
  readonly registry: SchemaRegistry;
  /** The server secret's value (loadServerSecret). */
  readonly secret: string;
  readonly passwords: PasswordHasher;
  readonly now: () => Date;
  /** Told after each commit that recorded events (default: one nobody listens to). */
  readonly notifier?: EventNotifier;
  /** The embedding app's in-process hooks (default: none). */
  readonly hooks?: EventHookRunner;
  /** Tokens that authenticated recently, shared with the TokenAuthenticator (default: none, every request reads the token row). */
  readonly tokenCache?: AuthenticatedTokenCache;
  /** Which webhook URLs are accepted (default: https only, to public addresses). */
  readonly webhookSettings?: Pick<WebhookSettings, 'allowHttp' | 'allowPrivate' | 'allowedHosts'>;
  /** Told when a tenant's mass-deprovisioning safeguard trips (default: nobody). */
  readonly onSafeguardTripped?: (tenantId: string, trip: SafeguardTrip) => void;
}

export function createScimitarServices(dependencies: ScimitarServiceDependencies): ScimitarServices {
  const { store, registry, now } = dependencies;
  const hasher = createKeyedHasher(dependencies.secret);
  const schemas = new TenantSchemaResolver({ base: registry, store: store.schemaDeclarations });
  const tokens = new TokenService({ tenants: store.tenants, hasher, now, cache: dependencies.tokenCache });
  const setupLinks = new SetupLinkService({ links: store.setupLinks, tenants: store.tenants, hasher, now });
  return {
    resources: new ResourceService({
      store,
      schemas,
      passwords: dependencies.passwords,
      now,
      ...(dependencies.notifier !== undefined ? { notifier: dependencies.notifier } : {}),
      ...(dependencies.hooks !== undefined ? { hooks: dependencies.hooks } : {}),
      ...(dependencies.onSafeguardTripped !== undefined ? { onSafeguardTripped: dependencies.onSafeguardTripped } : {}),
    }),
    tenants: new TenantService({ tenants: store.tenants, tokens, defaultTenantId: DEFAULT_TENANT_ID, now }),
    tokens,
    setupLinks,
    portalTokens: new SetupPortalTokens({ links: setupLinks, tokens }),
    oauthClients: new OAuthClientService({ tenants: store.tenants, clients: store.oauthClients, hasher, now, cache: dependencies.tokenCache }),
    tenantHealth: new TenantHealthService({ health: store.tenantHealth, now }),
    adminKeys: new AdminKeyService({ tenants: store.tenants, hasher, now }),
    webhooks: new WebhookService({
      webhooks: store.webhooks,
      tenants: store.tenants,
      secrets: new SecretBox(dependencies.secret),
      urlPolicy: dependencies.webhookSettings ?? { allowHttp: false, allowPrivate: false, allowedHosts: [] },
      now,
      eventTypes: eventCatalogue(registry.types.all),
    }),
    consumerDeliveries: new ConsumerService({ webhooks: store.webhooks, tenants: store.tenants, now }),
    requestLog: new RequestLogService({ requestLog: store.requestLog, history: store.eventHistory, reader: store.reader, now }),
    hasher,
    accessReports: new AccessReportService({ sql: store.sql, now }),
    schemas,
    tenantSchemas: new TenantSchemaService({ base: registry, declarations: store.schemaDeclarations, tenants: store.tenants, reader: store.reader, resolver: schemas, now }),
    roles: new RoleService({
      store,
      schemas,
      now,
      ...(dependencies.notifier !== undefined ? { notifier: dependencies.notifier } : {}),
      ...(dependencies.hooks !== undefined ? { hooks: dependencies.hooks } : {}),
    }),
  };
}

export interface Scimitar extends ScimitarServices {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Where each request's schemas come from. */
  readonly schemas: SchemaResolver;
  /** Set on the very first start without SCIMITAR_TOKEN: the generated token, to show once. */
  readonly generatedToken: string | undefined;
  /** Where the server secret came from (never its value). */
  readonly secret: Pick<ServerSecret, 'source' | 'file'>;
  /** Told after each commit that recorded events. */
  readonly notifier: EventNotifier;
  /** Resolves when the after-commit hooks of every change made so far have run. */
  hooksIdle(): Promise<void>;
  /** The handles of the consumers passed in `overrides.consumers`, in their order. */
  readonly consumers: readonly ConsumerHandle[];
  /** Records SCIM requests in the request log (flushed in batches; `stats()` counts written and dropped entries). */
  readonly requestLogRecorder: RequestLogRecorder;
  /** This instance's metrics (undefined with SCIMITAR_METRICS=off): other components add theirs with metrics.counter/gauge/histogram. */
  readonly metrics: ScimitarMetrics | undefined;
  /**
   * Opens the unauthenticated metrics listener of SCIMITAR_METRICS_PORT, if
   * configured (start does, after the main port); returns its address.
   */
  listenMetrics(): Promise<string | undefined>;
  /** Sends the outbox's events to tenants' webhooks and this process's consumers (started with the server unless `deliverWebhooks: false`, or by the first consumer; stopped by close). */
  readonly webhookDispatcher: WebhookDispatcher;
  /** The outbox's events for the embedding app's own code. */
  readonly events: {
    /**
     * A durable in-process consumer: a named cursor in Scimitar's database,
     * events handed over at least once, in order per resource, after commit;
     * a handler that throws is retried with backoff and, after `maxAttempts`,
     * the event is parked for it (admin API and CLI show and replay it).
     * See docs/embedding.md.
     */
    consume(options: ConsumerOptions): ConsumerHandle;
  };
  /**
   * The SCIM API as a plugin of an existing Fastify app:
   * `await app.register(scimitar.fastifyPlugin, { prefix: '/scim/v2' })`.
   * Scimitar closes with the app (its onClose). See docs/embedding.md.
   */
  readonly fastifyPlugin: EmbeddingMounts['fastifyPlugin'];
  /** The admin API (event feed included) as a plugin: `await app.register(scimitar.fastifyAdminPlugin, { prefix: '/admin/v1' })`. */
  readonly fastifyAdminPlugin: EmbeddingMounts['fastifyAdminPlugin'];
  /** The operator console and setup portal as a plugin: `await app.register(scimitar.fastifyPagesPlugin, { prefix: '/scimitar' })`. */
  readonly fastifyPagesPlugin: EmbeddingMounts['fastifyPagesPlugin'];
  /**
   * The SCIM API as one Express / Connect / node:http handler:
   * `app.use('/scim/v2', scimitar.handler())`. Whether or not a body parser
   * ran first; SCIM's own body limit applies. The app calls `close()` at
   * its shutdown. Call it once, at start-up: each call builds the Fastify
   * instance behind its handler.
   */
  handler(options?: NodeHandlerOptions): NodeHandler;
  /** The admin API as one Express / Connect / node:http handler: `app.use('/admin/v1', scimitar.adminHandler())`. */
  adminHandler(options?: NodeHandlerOptions): NodeHandler;
  /** Stops everything: the HTTP entries, background work (request log, webhooks, retention), after-commit hooks, then the store. */
  close(): Promise<void>;
}

export interface ScimitarOverrides extends SchemaOptions {
  readonly passwords?: PasswordHasher;
  /** The clock of everything time-dependent: timestamps, token expiry, throttling, rate limits. */
  readonly now?: () => Date;
  /** In-process hooks on every change (src/events/hooks.ts): after commit, or inside the transaction to veto. */
  readonly hooks?: EventHooks;
  /** Where the HTTP server's log lines go (default: standard output). */
  readonly logStream?: NodeJS.WritableStream;
  /**
   * Whether this process delivers the outbox's events to tenants' webhooks
   * (default true). An app that embeds Scimitar in several processes, or
   * uses only in-process hooks, may leave delivery to one of them; the
   * events are recorded either way and wait for a process that delivers.
   */
  readonly deliverWebhooks?: boolean;
  /** Durable consumers started with the server, as if passed to `scimitar.events.consume` (their handles: `scimitar.consumers`). */
  readonly consumers?: readonly ConsumerOptions[];
}

export async function createScimitar(config: ScimitarConfig, overrides: ScimitarOverrides = {}): Promise<Scimitar> {
  const registry = buildSchemaRegistry(overrides);
  const now = overrides.now ?? (() => new Date());
  // Before the store opens: with PostgreSQL or MySQL and no SCIMITAR_SECRET this stops the start.
  const secret = loadServerSecret(config.secret, config.database);
  const store = await openStore(config.database, registry);
  try {
    await store.tenants.ensureTenant(DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME, now().toISOString());
    const notifier = new EventNotifier();
    // Only where the store signals credential changes made anywhere (PostgreSQL): a revocation then holds on
    // every instance within milliseconds. Elsewhere (SQLite) each request reads its token row, which costs microseconds.
    const tokenCache = store.credentialChanges === undefined ? undefined : new AuthenticatedTokenCache({ changes: store.credentialChanges });
    // Until the HTTP app exists, hook failures go to stderr; then to its logger.
    let logHookFailure = (failure: { error: unknown; hook: string }): void => {
      process.stderr.write(`event hook ${failure.hook} failed: ${String(failure.error)}\n`);
    };
    const hooks = new EventHookRunner(overrides.hooks ?? {}, (failure) => logHookFailure(failure));
    let logSafeguardTrip = (tenantId: string, trip: SafeguardTrip): void => {
      process.stderr.write(`mass-deprovisioning safeguard tripped in tenant ${tenantId}: ${trip.deletions} deletions > ${trip.threshold}\n`);
    };
    const services = createScimitarServices({
      store,
      registry,
      secret: secret.value,
      passwords: overrides.passwords ?? createScryptHasher(),
      now,
      notifier,
      hooks,
      webhookSettings: config.webhooks,
      onSafeguardTripped: (tenantId, trip) => logSafeguardTrip(tenantId, trip),
      ...(tokenCache !== undefined ? { tokenCache } : {}),
    });
    let generatedToken: string | undefined;
    if (config.token === undefined && (await store.tenants.listTokens(DEFAULT_TENANT_ID)).length === 0) {
      generatedToken = (await services.tokens.create(DEFAULT_TENANT_ID, { name: 'initial token' })).token;
    }
    const serviceProvider: ServiceProviderSettings = {
      maxPageSize: config.maxPageSize,
      bulk: { supported: true, maxOperations: config.bulk.maxOperations, maxPayloadSize: config.bulk.maxPayloadSize },
      changePasswordSupported: true,
      sortSupported: true,
      etagSupported: true,
      // RFC 9865: keyset cursors hold a position, not server state, so they never expire (no cursorTimeout).
      pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize },
    };
    const metrics = config.metrics.enabled ? new ScimitarMetrics({ tenantLabelLimit: config.metrics.tenantLabelLimit }, { sql: store.sql }) : undefined;
    const observer = metrics ?? NO_OBSERVER;
    const list = { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize };
    const eventFeed = new EventFeed({ events: store.events, notifier, retentionDays: config.events.retentionDays });
    const throttleSettings = { limit: config.authFailures.limit, windowMs: config.authFailures.windowSeconds * 1000 };
    // Until the HTTP app exists, failures go to stderr; then to its logger.
    let logRequestLogFailure = (error: unknown, what: 'write' | 'prune'): void => {
      process.stderr.write(`request log ${what} failed: ${String(error)}\n`);
    };
    const requestLogRecorder = new RequestLogRecorder(store.requestLog, config.requestLog, now, (error, what) => logRequestLogFailure(error, what));
    if (metrics !== undefined) registerRequestLogMetrics(metrics, () => requestLogRecorder.stats());
    const httpSettings: FastifySettings = {
      logLevel: config.logLevel,
      logFullUrls: config.logFullUrls,
      ...(overrides.logStream !== undefined ? { logStream: overrides.logStream } : {}),
      trustProxy: config.trustProxy,
      bodyLimit: config.bodyLimit,
    };
    const scimAuthFailures = new AuthFailureThrottle(throttleSettings, now);
    const tenantRateLimiter = new TenantRateLimiter(config.rateLimit, now);
    const authenticator = new TokenAuthenticator(store.tenants, services.hasher, DEFAULT_TENANT_ID, config.token, now, { cache: tokenCache });
    const scimOptions: ScimPluginOptions = {
      resources: services.resources,
      authenticator,
      authFailures: scimAuthFailures,
      rateLimiter: tenantRateLimiter,
      serviceProvider,
      list,
      publicUrl: config.publicUrl,
      requestLog: { recorder: requestLogRecorder, unattributedTenantId: DEFAULT_TENANT_ID },
      observer,
      bulk: {
        service: new BulkService({ resources: services.resources, maxOperations: config.bulk.maxOperations }),
        maxPayloadSize: config.bulk.maxPayloadSize,
      },
    };
    const adminOptions: AdminPluginOptions = {
      tenants: services.tenants,
      tokens: services.tokens,
      setupLinks: services.setupLinks,
      oauthClients: services.oauthClients,
      tenantHealth: services.tenantHealth,
      resources: services.resources,
      tenantSchemas: services.tenantSchemas,
      webhooks: services.webhooks,
      consumers: services.consumerDeliveries,
      requestLog: services.requestLog,
      events: eventFeed,
      accessReports: services.accessReports,
      roles: services.roles,
      authenticator: new AdminKeyAuthenticator(store.tenants, services.hasher, now),
      authFailures: new AuthFailureThrottle(throttleSettings, now),
      observer,
      list,
      publicUrl: config.publicUrl,
    };
    const oauthOptions: TokenEndpointOptions = {
      issuer: new TokenIssuer({ clients: store.oauthClients, hasher: services.hasher, now, accessTokenLifetimeSeconds: config.oauth.accessTokenLifetimeSeconds }),
      authFailures: scimAuthFailures,
      rateLimiter: tenantRateLimiter,
      requestLog: { recorder: requestLogRecorder, unattributedTenantId: DEFAULT_TENANT_ID },
      observer,
    };
    const pagesOptions: WebPluginOptions = {
      services: adminOptions,
      setup: { links: services.setupLinks, tokens: services.portalTokens },
      serverSecret: secret.value,
      now,
    };
    const app = await buildHttpApp({ ...httpSettings, store, ...(metrics !== undefined ? { metrics } : {}), scim: scimOptions, oauth: oauthOptions, admin: adminOptions, pages: pagesOptions });
    logHookFailure = (failure) => {
      app.log.error({ err: failure.error, hook: failure.hook }, 'event hook failed');
    };
    logSafeguardTrip = (tenantId, trip) => {
      app.log.warn(
        { tenant: tenantId, safeguard: trip },
        `mass-deprovisioning safeguard tripped: ${trip.deletions} hard deletions since ${trip.windowStartedAt} (threshold ${trip.threshold}); further deletions are held until an operator approves or rejects them`,
      );
    };
    logRequestLogFailure = (error, what) => {
      // Entries are dropped and counted (stats()); a failing disk must not also flood the log.
      if (what === 'prune' || requestLogRecorder.stats().failedWrites % 100 === 1) app.log.warn({ err: error, requestLog: requestLogRecorder.stats() }, `request log ${what} failed`);
    };
    requestLogRecorder.start();
    const retention = eventRetention(store.events, config.events, now, (error) => app.log.error({ err: error }, 'pruning old events failed'));
    retention.start();
    const deletedUsersPurge = softDeletePurge(services.resources.deletions, (error) => app.log.error({ err: error }, 'purging soft-deleted users failed'));
    deletedUsersPurge.start();
    const registeredConsumers = new Map<string, RegisteredConsumer>();
    const expiredTokensPurge = accessTokenPurge(services.oauthClients, (error) => app.log.error({ err: error }, 'removing expired OAuth access tokens failed'));
    expiredTokensPurge.start();
    const webhookDispatcher = createWebhookDispatcher({
      deliverWebhooks: overrides.deliverWebhooks !== false,
      consumers: registeredConsumers,
      webhooks: store.webhooks,
      notifier,
      serverSecret: secret.value,
      settings: config.webhooks,
      retentionDays: config.events.retentionDays,
      now,
      logger: app.log,
      observer,
    });
    if (overrides.deliverWebhooks !== false) webhookDispatcher.start();
    const eventConsumers = new EventConsumers({
      webhooks: store.webhooks,
      registered: registeredConsumers,
      dispatcher: webhookDispatcher,
      catalogue: eventCatalogue(registry.types.all),
      now,
      retryIntervalMs: config.webhooks.pollIntervalMs,
      logger: () => app.log,
    });
    const consumerHandles = (overrides.consumers ?? []).map((options) => eventConsumers.consume(options));
    let closing: Promise<void> | undefined;
    let metricsServer: MetricsServer | undefined;
    const close = (): Promise<void> => {
      // Once: a second call waits for the same shutdown.
      closing ??= (async () => {
        // Long-polls answer now, or app.close() would wait for them (up to a minute).
        eventFeed.close();
        await metricsServer?.close();
        await app.close();
        await mounts.close();
        // After the server stopped answering: the last requests are queued, and written now.
        await requestLogRecorder.stop();
        await authenticator.flushLastUses();
        eventConsumers.close();
        await webhookDispatcher.stop();
        await retention.stop();
        await deletedUsersPurge.stop();
        await expiredTokensPurge.stop();
        await hooks.idle();
        await store.close();
      })();
      return closing;
    };
    const mounts = createEmbeddingMounts({ scim: scimOptions, admin: adminOptions, pages: pagesOptions, http: httpSettings, metrics, beforeClose: () => eventFeed.close(), close });
    return {
      ...services,
      app,
      store,
      notifier,
      hooksIdle: () => hooks.idle(),
      webhookDispatcher,
      events: { consume: (options) => eventConsumers.consume(options) },
      consumers: consumerHandles,
      requestLogRecorder,
      generatedToken,
      secret: { source: secret.source, file: secret.file },
      metrics,
      async listenMetrics() {
        if (metrics === undefined || config.metrics.listen === undefined) return undefined;
        metricsServer ??= await startMetricsServer(metrics, config.metrics.listen);
        return metricsServer.address;
      },
      fastifyPlugin: mounts.fastifyPlugin,
      fastifyAdminPlugin: mounts.fastifyAdminPlugin,
      fastifyPagesPlugin: mounts.fastifyPagesPlugin,
      handler: (handlerOptions) => mounts.handler(handlerOptions),
      adminHandler: (handlerOptions) => mounts.adminHandler(handlerOptions),
      close,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
