/** What the admin routes need: the services, and how to spell a tenant's SCIM URL. */
import type { FastifyRequest } from 'fastify';
import type { AdminKeyAuthenticator } from '../auth/admin-keys.js';
import type { AuthFailureThrottle } from '../auth/failure-throttle.js';
import type { TokenService } from '../auth/token-service.js';
import type { ListSettings } from '../core/list/index.js';
import type { EventFeed } from '../events/feed.js';
import type { RequestLogService } from '../request-log/request-log-service.js';
import type { RequestObserver } from '../metrics/observers.js';
import type { AccessReportService } from '../reports/access-report.js';
import type { RoleService } from '../roles/role-service.js';
import type { ResourceService } from '../services/resources/resource-service.js';
import type { SetupLinkService } from '../setup-links/setup-link-service.js';
import type { TenantService } from '../tenancy/tenant-service.js';
import type { TenantSchemaService } from '../tenant-schemas/tenant-schema-service.js';
import type { WebhookService } from '../webhooks/webhook-service.js';
import type { ConsumerService } from '../consumers/consumer-service.js';

export interface AdminPluginOptions {
  readonly tenants: TenantService;
  readonly tokens: TokenService;
  /** Links to tenants' setup portals (/tenants/{tenant}/setup-links). */
  readonly setupLinks: SetupLinkService;
  readonly resources: ResourceService;
  /** Tenants' declared extension schemas (/tenants/{tenant}/schemas). */
  readonly tenantSchemas: TenantSchemaService;
  /** The tenants' event feeds (GET /tenants/{tenant}/events). */
  readonly events: EventFeed;
  /** The tenants' request logs and users' histories. */
  readonly requestLog: RequestLogService;
  /** Tenants' webhooks and their deliveries (/tenants/{tenant}/webhooks). */
  readonly webhooks: WebhookService;
  /** The durable consumers' cursors and deliveries (/tenants/{tenant}/consumers). */
  readonly consumers: ConsumerService;
  /** The access report (GET /tenants/{tenant}/access-report). */
  readonly accessReports: AccessReportService;
  /** Group → role mapping (/tenants/{tenant}/role-mappings, /users/{id}/roles). */
  readonly roles: RoleService;
  readonly authenticator: AdminKeyAuthenticator;
  /** Failed admin authentication, counted apart from SCIM clients'. */
  readonly authFailures: AuthFailureThrottle;
  /** Told of refused credentials and throttled addresses (metrics); default: nobody. */
  readonly observer?: RequestObserver;
  readonly list: ListSettings;
  /** Configured public URL (no trailing slash); undefined → derived from each request. */
  readonly publicUrl: string | undefined;
}

export interface AdminContext extends AdminPluginOptions {
  /** Where the admin API is mounted (/admin/v1), for the OpenAPI servers entry. */
  readonly prefix: string;
  /** The server's public origin, for tenants' SCIM base URLs. */
  origin(request: FastifyRequest): string;
}
