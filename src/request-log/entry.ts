/**
 * One SCIM request as the request log keeps it: what the identity provider
 * sent and what it was answered, with secrets already removed (see
 * redaction.ts). The log is per tenant; its rows are read through the admin
 * API and the CLI.
 */

/** Why a request was refused before reaching the directory; never the credential itself. */
export const AUTH_FAILURE_REASONS = ['missing', 'malformed', 'unknown', 'revoked', 'expired', 'wrong_tenant', 'throttled'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

export interface RequestLogEntry {
  readonly tenantId: string;
  /** ISO 8601 with milliseconds and `Z`: when the request arrived. */
  readonly occurredAt: string;
  readonly requestId: string;
  readonly method: string;
  /** The URL path as sent, without the query. */
  readonly path: string;
  /** The query string with secret-looking parameters masked; null without one. */
  readonly query: string | null;
  readonly status: number;
  /** From the SCIM error the request was answered with (RFC 7644 §3.12). */
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly authFailure: AuthFailureReason | null;
  readonly latencyMs: number;
  readonly clientAddress: string | null;
  readonly userAgent: string | null;
  /** The identity provider the User-Agent names (idp.ts), null when it names none we know. */
  readonly idp: string | null;
  /** The resource the request addressed or created. */
  readonly resourceId: string | null;
  /** Redacted JSON, cut at the configured size (then it ends with TRUNCATED_MARK and is no longer JSON). */
  readonly requestBody: string | null;
  readonly responseBody: string | null;
}

/** An entry as read back: `position` orders the log and is what cursors point at. */
export interface StoredRequestLogEntry extends RequestLogEntry {
  readonly position: number;
}

/** Appended to a body cut at the size limit. */
export const TRUNCATED_MARK = '…[truncated]';

export type StatusFilter = { readonly kind: 'exact'; readonly status: number } | { readonly kind: 'class'; readonly hundreds: number };

/** A page of a tenant's log: every field optional narrows it, all together. */
export interface RequestLogQuery {
  /** Inclusive lower and exclusive upper bound on occurredAt (ISO 8601, canonical). */
  readonly since?: string;
  readonly until?: string;
  readonly status?: StatusFilter;
  readonly method?: string;
  readonly pathPrefix?: string;
  readonly resourceId?: string;
  readonly requestId?: string;
  readonly idp?: string;
  /** Newest first (the default view) or oldest first (tailing). */
  readonly order: 'newest' | 'oldest';
  /** Start strictly past this position in `order`; undefined: from the newest (or oldest) entry. */
  readonly after?: number;
  readonly limit: number;
  /** Whether to read the bodies too (exports and single entries; listings leave them out). */
  readonly withBodies: boolean;
}

/** An event a request caused, as listed with its log entry. */
export interface CausedEvent {
  readonly id: string;
  readonly sequence: number;
  readonly type: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

/** Writing, reading and pruning the log; one implementation over SQL fragments serves both databases. */
export interface RequestLogStore {
  /** Appends the entries in as few statements as the database allows. */
  append(entries: readonly RequestLogEntry[]): Promise<void>;
  list(tenantId: string, query: RequestLogQuery): Promise<readonly StoredRequestLogEntry[]>;
  /** The latest entry with this request id (a client may reuse one), with bodies. */
  get(tenantId: string, requestId: string): Promise<StoredRequestLogEntry | undefined>;
  /** The events written by the request with this id, in sequence order. */
  eventsOfRequest(tenantId: string, requestId: string): Promise<readonly CausedEvent[]>;
  /**
   * Removes entries that occurred before `before`, each tenant's oldest
   * entries beyond `maxRowsPerTenant`, and those of tenants that no longer
   * exist. Returns how many. Tenant by tenant, not as one transaction: a
   * failure part-way leaves the tenants pruned so far pruned.
   */
  prune(before: string, maxRowsPerTenant: number): Promise<number>;
}
