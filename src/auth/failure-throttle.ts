/**
 * Throttling of failed authentication. Two counters, each a fixed window
 * opened by the first failure:
 *
 * - per client address, strict: once an address has failed `limit` times in
 *   the window, everything it sends is answered 429 until the window ends,
 *   before its credentials are even looked at. Guessing from one address is
 *   slowed to `limit` attempts per window.
 * - per tenant named in the URL (/t/{tenant}/…), for failures only: further
 *   bad credentials on that URL get 429 instead of 401, but a valid token of
 *   the tenant still passes. Refusing valid tokens too would let anyone who
 *   knows a tenant's slug lock its identity provider out.
 *
 * The tenant counter is keyed by the URL's text, whether or not such a
 * tenant exists, so its answers say nothing about existence. Both maps are
 * bounded: at capacity, expired windows are swept, then the oldest dropped.
 */

export interface FailureThrottleSettings {
  /** Failures allowed per window; the next attempt is answered 429. */
  readonly limit: number;
  readonly windowMs: number;
  /** Most keys tracked per counter (memory bound against address or slug spraying). */
  readonly maxTrackedKeys?: number;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

/** One fixed-window failure counter per key. */
class FailureCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly settings: FailureThrottleSettings,
    private readonly maxKeys: number,
  ) {}

  /** Whole seconds until `key` may fail again, or undefined when it is under the limit. */
  retryAfter(key: string, now: number): number | undefined {
    const window = this.current(key, now);
    if (window === undefined || window.count < this.settings.limit) return undefined;
    return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
  }

  record(key: string, now: number): void {
    const window = this.current(key, now);
    if (window !== undefined) {
      window.count += 1;
      return;
    }
    if (this.windows.size >= this.maxKeys) this.makeRoom(now);
    this.windows.set(key, { count: 1, endsAt: now + this.settings.windowMs });
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window === undefined) return undefined;
    if (window.endsAt > now) return window;
    this.windows.delete(key);
    return undefined;
  }

  private makeRoom(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    // Maps iterate in insertion order: the first keys are the oldest windows.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

export class AuthFailureThrottle {
  private readonly addresses: FailureCounter;
  private readonly tenants: FailureCounter;

  constructor(
    settings: FailureThrottleSettings,
    private readonly clock: () => Date,
  ) {
    if (!Number.isSafeInteger(settings.limit) || settings.limit < 1 || !(settings.windowMs > 0)) {
      throw new TypeError(`Invalid failure throttle settings: limit ${settings.limit}, window ${settings.windowMs} ms`);
    }
    const maxKeys = settings.maxTrackedKeys ?? 10_000;
    this.addresses = new FailureCounter(settings, maxKeys);
    this.tenants = new FailureCounter(settings, maxKeys);
  }

  /** Checked before any credential: seconds the address must wait, or undefined. */
  addressRetryAfter(address: string): number | undefined {
    return this.addresses.retryAfter(address, this.clock().getTime());
  }

  /**
   * Records a failed attempt (bad, unknown, revoked, expired credentials, or
   * a token used on another tenant's URL). Returns the seconds to put in
   * Retry-After when the URL's tenant is already over its limit, else undefined (answer 401).
   */
  recordFailure(address: string, urlTenant: string | undefined): number | undefined {
    const now = this.clock().getTime();
    this.addresses.record(address, now);
    if (urlTenant === undefined) return undefined;
    const retryAfter = this.tenants.retryAfter(urlTenant, now);
    if (retryAfter === undefined) this.tenants.record(urlTenant, now);
    return retryAfter;
  }
}
