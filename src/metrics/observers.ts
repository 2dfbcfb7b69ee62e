/**
 * What the HTTP plugins and the webhook dispatcher report, as narrow
 * interfaces: they depend on these, not on a metrics library, and run
 * unchanged with metrics switched off (NO_OBSERVER).
 */
import type { AuthFailureReason as TokenFailureReason } from '../request-log/entry.js';

/** Which API refused the credentials. */
export type AuthApi = 'scim' | 'admin' | 'metrics';

/**
 * Why: SCIM tokens say why they were refused (the request log's reasons: no
 * Authorization header, malformed, unknown, revoked, expired, or a valid
 * token of another tenant than the URL names); admin keys only tell
 * `missing` from `invalid`.
 */
export type AuthFailureReason = Exclude<TokenFailureReason, 'throttled'> | 'invalid';

/** Which limit answered 429: a tenant's request rate, or the failed-authentication throttle of a client address. */
export type RateLimitKind = 'tenant_rate' | 'auth_failures';

export interface RequestObserver {
  authFailed(api: AuthApi, reason: AuthFailureReason): void;
  rateLimited(api: AuthApi, kind: RateLimitKind): void;
}

/** One recorded webhook delivery attempt. */
export type DeliveryOutcome = 'succeeded' | 'retry' | 'failed';

export interface DeliveryObserver {
  /** `lagSeconds`: from the event's timestamp (its commit) to this successful attempt; undefined unless succeeded. */
  deliveryAttempted(outcome: DeliveryOutcome, lagSeconds: number | undefined): void;
}

export const NO_OBSERVER: RequestObserver & DeliveryObserver = {
  authFailed: () => undefined,
  rateLimited: () => undefined,
  deliveryAttempted: () => undefined,
};
