/**
 * Each tenant's health at a glance, for the operator console and the admin
 * API: when its identity provider last called and which one it was, how
 * many of the last 24 hours' requests failed and the latest failure, what
 * the directory holds, and what waits for someone (held deletions, webhook
 * deliveries). The overview of every tenant reads each fact once for all
 * tenants (src/store/sql/tenant-health-store.ts), so it stays cheap with
 * thousands of them.
 *
 * Some refusals are the normal course of provisioning, and counting them
 * as failures would make healthy tenants look broken: a `404` to
 * `GET /Users/{id}` or `/Groups/{id}` (an identity provider probes a
 * resource it believes exists, then recreates it; connection tests ask for
 * an unknown id on purpose) and a `409 uniqueness` to a create (Okta and
 * Entra ID then look the user up and link it). They are counted apart as
 * `expectedErrors`, and left out of the error rate, the latest error and
 * what needs a look. Every other 4xx and 5xx counts.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import type { HealthRequestRow, TenantHealthFacts, TenantHealthStore } from '../store/tenant-health-store.js';

export const HEALTH_WINDOW_MS = 24 * 3_600_000;

/** A request as the overview names it. */
export type HealthRequest = HealthRequestRow;

/** Something about the tenant that needs a look, in the order a person would check them. */
export type TenantHealthAttention =
  /** Its log holds no request: the identity provider was never configured, or never reached this server. */
  | 'no_requests_yet'
  /** Its latest request failed (an expected refusal does not count): the connection is likely broken now. */
  | 'last_request_failed'
  /** Some requests of the window failed with 5xx: something on this side needs a look. */
  | 'server_errors'
  | 'held_deletions'
  | 'failed_webhook_deliveries'
  /** An in-process consumer of the host app parked events its handler kept refusing. */
  | 'parked_consumer_events';

export interface TenantHealth {
  readonly tenantId: string;
  readonly tenantName: string;
  /** The latest request in the tenant's log, with the identity provider its User-Agent names (`idp`, null when unknown). */
  readonly lastRequest: HealthRequest | undefined;
  /** The latest request answered 400 or more, whenever it was; expected refusals left out. */
  readonly lastError: HealthRequest | undefined;
  /** The last 24 hours of the request log. */
  readonly window: {
    readonly since: string;
    readonly until: string;
    readonly requests: number;
    /** Answered 4xx (400 to 499), expected refusals left out. */
    readonly clientErrors: number;
    /** Answered 4xx as identity providers expect (see above): counted apart, not failures. */
    readonly expectedErrors: number;
    /** Answered 5xx. */
    readonly serverErrors: number;
    /** (clientErrors + serverErrors) / requests, from 0 to 1; null without requests. */
    readonly errorRate: number | null;
  };
  readonly users: number;
  /** Users whose `active` is not false. */
  readonly activeUsers: number;
  readonly groups: number;
  /** Deletions held by the mass-deprovisioning safeguard for an operator's decision (docs/deletion.md). */
  readonly heldDeletions: number;
  readonly webhooks: {
    /** Deliveries waiting to be sent or retried. */
    readonly pendingDeliveries: number;
    /** Deliveries that used up their retries: replay them once the receiver is fixed. */
    readonly failedDeliveries: number;
    /** Events not yet turned into deliveries (for the webhook furthest behind). */
    readonly eventsNotYetQueued: number;
  };
  /** The host app's durable in-process consumers (docs/events.md): the same pipeline as webhooks. */
  readonly consumers: {
    /** Events waiting to be handed to a consumer, or retried. */
    readonly pendingEvents: number;
    /** Events a consumer's handler kept refusing: replay them once it is fixed. */
    readonly parkedEvents: number;
    readonly eventsNotYetQueued: number;
  };
  readonly attention: readonly TenantHealthAttention[];
}

export interface TenantHealthServiceDependencies {
  readonly health: TenantHealthStore;
  readonly now: () => Date;
}

export class TenantHealthService {
  constructor(private readonly dependencies: TenantHealthServiceDependencies) {}

  /** One tenant's health; `404` for an unknown tenant. */
  async forTenant(tenantId: string): Promise<TenantHealth> {
    const now = this.dependencies.now();
    const [facts] = await this.dependencies.health.readTenantHealth(tenantId, windowStart(now));
    if (facts === undefined) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
    return tenantHealthOf(facts, now);
  }

  /** Every tenant's health, ordered by tenant id. */
  async forAllTenants(): Promise<TenantHealth[]> {
    const now = this.dependencies.now();
    return (await this.dependencies.health.readTenantHealth(undefined, windowStart(now))).map((facts) => tenantHealthOf(facts, now));
  }
}

function windowStart(now: Date): string {
  return new Date(now.getTime() - HEALTH_WINDOW_MS).toISOString();
}

/** The health shown for a tenant's facts at `now`: the rates and what needs a look. */
export function tenantHealthOf(facts: TenantHealthFacts, now: Date): TenantHealth {
  const failures = facts.clientErrors + facts.serverErrors;
  const attention: TenantHealthAttention[] = [];
  if (facts.lastRequest === undefined) attention.push('no_requests_yet');
  else if (facts.lastRequest.status >= 400 && !facts.lastRequest.expected) attention.push('last_request_failed');
  if (facts.serverErrors > 0) attention.push('server_errors');
  if (facts.heldDeletions > 0) attention.push('held_deletions');
  if (facts.webhooks.failed > 0) attention.push('failed_webhook_deliveries');
  if (facts.consumers.failed > 0) attention.push('parked_consumer_events');
  return {
    tenantId: facts.tenantId,
    tenantName: facts.tenantName,
    lastRequest: facts.lastRequest,
    lastError: facts.lastFailure,
    window: {
      since: windowStart(now),
      until: now.toISOString(),
      requests: facts.requests,
      clientErrors: facts.clientErrors,
      expectedErrors: facts.expectedErrors,
      serverErrors: facts.serverErrors,
      errorRate: facts.requests === 0 ? null : failures / facts.requests,
    },
    users: facts.users,
    activeUsers: Math.max(0, facts.users - facts.inactiveUsers),
    groups: facts.groups,
    heldDeletions: facts.heldDeletions,
    webhooks: { pendingDeliveries: facts.webhooks.pending, failedDeliveries: facts.webhooks.failed, eventsNotYetQueued: facts.webhooks.eventsNotYetQueued },
    consumers: { pendingEvents: facts.consumers.pending, parkedEvents: facts.consumers.failed, eventsNotYetQueued: facts.consumers.eventsNotYetQueued },
    attention,
  };
}
