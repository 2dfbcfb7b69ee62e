/**
 * The per-tenant request rate limit: one token bucket per tenant, refilled
 * at `perSecond` up to `burst`. Generous by default, since an identity
 * provider's first sync sends thousands of requests at once.
 *
 * In memory, per instance: with N instances behind a load balancer the
 * effective limit is N times the setting. It runs on every request, so it
 * is a map lookup and a little arithmetic.
 */

export interface RateLimitSettings {
  readonly perSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TenantRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly clock: () => Date,
  ) {
    if (!(settings.perSecond > 0) || !(settings.burst >= 1)) {
      throw new TypeError(`Invalid rate limit: ${settings.perSecond}/s, burst ${settings.burst}`);
    }
    this.perMs = settings.perSecond / 1000;
  }

  /** Takes one request from the tenant's bucket: undefined when allowed, else the whole seconds to wait. */
  take(tenantId: string): number | undefined {
    const now = this.clock().getTime();
    let bucket = this.buckets.get(tenantId);
    if (bucket === undefined) {
      bucket = { tokens: this.settings.burst, updatedAt: now };
      this.buckets.set(tenantId, bucket);
    } else if (now > bucket.updatedAt) {
      bucket.tokens = Math.min(this.settings.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.settings.perSecond));
  }
}
