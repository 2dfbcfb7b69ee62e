import { describe, expect, it } from 'vitest';
import { TenantRateLimiter } from './tenant-rate-limiter.js';

describe('TenantRateLimiter', () => {
  it('allows the burst, refills at the rate, and says how long to wait in whole seconds', () => {
    let now = 0;
    const limiter = new TenantRateLimiter({ perSecond: 0.5, burst: 2 }, () => new Date(now));
    expect(limiter.take('acme')).toBeUndefined();
    expect(limiter.take('acme')).toBeUndefined();
    expect(limiter.take('acme')).toBe(2);
    now += 1_000;
    expect(limiter.take('acme')).toBe(1);
    now += 1_000;
    expect(limiter.take('acme')).toBeUndefined();
    // Refills never exceed the burst.
    now += 3_600_000;
    expect([limiter.take('acme'), limiter.take('acme'), limiter.take('acme')]).toEqual([undefined, undefined, 2]);
  });

  it('keeps one bucket per tenant', () => {
    const limiter = new TenantRateLimiter({ perSecond: 1, burst: 1 }, () => new Date(0));
    expect(limiter.take('acme')).toBeUndefined();
    expect(limiter.take('acme')).toBe(1);
    expect(limiter.take('globex')).toBeUndefined();
  });

  it('ignores a clock that steps back', () => {
    let now = 10_000;
    const limiter = new TenantRateLimiter({ perSecond: 1, burst: 1 }, () => new Date(now));
    expect(limiter.take('acme')).toBeUndefined();
    now -= 5_000;
    expect(limiter.take('acme')).toBe(1);
  });
});
