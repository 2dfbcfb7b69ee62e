/**
 * The facts of the tenant health overview (src/tenant-health), read for
 * one tenant or for all of them. Each fact is one statement for every
 * tenant at once, never one per tenant, so the overview of thousands of
 * tenants costs a handful of statements (migration 0012 adds their indexes).
 */

/** A request of the request log, as the overview names it. */
export interface HealthRequestRow {
  readonly occurredAt: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly scimType: string | null;
  readonly detail: string | null;
  /** The identity provider its User-Agent names (src/request-log/idp.ts), null when none we know. */
  readonly idp: string | null;
  /** Refused as identity providers expect in the normal course of provisioning (src/tenant-health): not a failure to look at. */
  readonly expected: boolean;
}

export interface TenantHealthFacts {
  readonly tenantId: string;
  readonly tenantName: string;
  /** The tenant's latest request, if its log holds one. */
  readonly lastRequest: HealthRequestRow | undefined;
  /** The tenant's latest request answered with a status of 400 or more, expected refusals left out. */
  readonly lastFailure: HealthRequestRow | undefined;
  /**
   * Requests since the window's start, and those of them answered 4xx (but
   * not as expected), 4xx as expected, and 5xx: each failure in one class.
   */
  readonly requests: number;
  readonly clientErrors: number;
  readonly expectedErrors: number;
  readonly serverErrors: number;
  readonly users: number;
  /** Users whose `active` is false. */
  readonly inactiveUsers: number;
  readonly groups: number;
  /** Deletions the mass-deprovisioning safeguard holds for an operator's decision. */
  readonly heldDeletions: number;
  /** HTTP webhooks' deliveries (src/webhooks). */
  readonly webhooks: DeliveryBacklog;
  /** Durable in-process consumers' deliveries (src/consumers): the same pipeline, told apart by `consumer_name`. */
  readonly consumers: DeliveryBacklog;
}

export interface DeliveryBacklog {
  readonly pending: number;
  /** Used up their retries (a webhook's failed delivery, a consumer's parked event); a replay sends them again. */
  readonly failed: number;
  /** Events not yet turned into deliveries, for the target furthest behind. */
  readonly eventsNotYetQueued: number;
}

export interface TenantHealthStore {
  /**
   * The facts of one tenant (`tenantId`), or of every tenant ordered by id
   * (undefined); request counts cover requests that occurred at or after
   * `since`. An unknown tenant gives an empty list.
   */
  readTenantHealth(tenantId: string | undefined, since: string): Promise<readonly TenantHealthFacts[]>;
}
