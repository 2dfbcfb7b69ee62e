/**
 * Throttling of failed authentication. Two counters, each a fixed window
 * opened by the first failure:
 *
 * - per client address, strict: once an address has failed `limit` times in
 *   the window, everything it sends is answered 429 until the window ends,
 *   before its credentials are even looked at. Guessing from one address is
 *   slowed to `limit` attempts per window.
 * - per URL the credentials were presented to — a tenant's (/t/{tenant}/…)
 *   or /scim/v2, where the token alone chooses the tenant — for failures
 *   only: further bad credentials on that URL get 429 instead of 401, but a
 *   valid token still passes. Refusing valid tokens too would let anyone who
 *   knows a tenant's slug lock its identity provider out. Counting /scim/v2
 *   keeps a weak fixed SCIMITAR_TOKEN from being guessed there from many
 *   addresses.
 *
 * The URL counter is keyed by the URL's text, whether or not such a
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
  private readonly urls: FailureCounter;

  constructor(
    settings: FailureThrottleSettings,
    private readonly clock: () => Date,
  ) {
    if (!Number.isSafeInteger(settings.limit) || settings.limit < 1 || !(settings.windowMs > 0)) {
      throw new TypeError(`Invalid failure throttle settings: limit ${settings.limit}, window ${settings.windowMs} ms`);
    }
    const maxKeys = settings.maxTrackedKeys ?? 10_000;
    this.addresses = new FailureCounter(settings, maxKeys);
    this.urls = new FailureCounter(settings, maxKeys);
  }

  /** Checked before any credential: seconds the address must wait, or undefined. */
  addressRetryAfter(address: string): number | undefined {
    return this.addresses.retryAfter(address, this.clock().getTime());
  }

  /**
   * Records a failed attempt (bad, unknown, revoked, expired credentials, or
   * a token used on another tenant's URL) from `address` on the SCIM URL
   * identified by `urlKey` (undefined: count the address only). Returns the
   * seconds to put in Retry-After when that URL is already over its limit,
   * else undefined (answer 401).
   */
  recordFailure(address: string, urlKey: string | undefined): number | undefined {
    const now = this.clock().getTime();
    this.addresses.record(address, now);
    if (urlKey === undefined) return undefined;
    const retryAfter = this.urls.retryAfter(urlKey, now);
    if (retryAfter === undefined) this.urls.record(urlKey, now);
    return retryAfter;
  }
}
