import { describe, expect, it } from 'vitest';
import { AuthFailureThrottle } from './failure-throttle.js';

function clock(start = 0) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('AuthFailureThrottle', () => {
  it('blocks an address after `limit` failures until the window that the first failure opened ends', () => {
    const time = clock();
    const throttle = new AuthFailureThrottle({ limit: 2, windowMs: 10_000 }, time.now);
    throttle.recordFailure('a', undefined);
    time.advance(4_000);
    throttle.recordFailure('a', undefined);
    expect(throttle.addressRetryAfter('a')).toBe(6);
    expect(throttle.addressRetryAfter('b')).toBeUndefined();
    time.advance(5_500);
    expect(throttle.addressRetryAfter('a')).toBe(1);
    time.advance(500);
    expect(throttle.addressRetryAfter('a')).toBeUndefined();
  });

  it('answers a tenant over its limit with Retry-After, without blocking other tenants', () => {
    const time = clock();
    const throttle = new AuthFailureThrottle({ limit: 2, windowMs: 60_000 }, time.now);
    expect(throttle.recordFailure('a1', 'acme')).toBeUndefined();
    expect(throttle.recordFailure('a2', 'acme')).toBeUndefined();
    expect(throttle.recordFailure('a3', 'acme')).toBe(60);
    expect(throttle.recordFailure('a4', 'globex')).toBeUndefined();
  });

  it('keeps at most maxTrackedKeys windows, dropping expired ones first, then the oldest', () => {
    const time = clock();
    const throttle = new AuthFailureThrottle({ limit: 1, windowMs: 1_000, maxTrackedKeys: 2 }, time.now);
    throttle.recordFailure('old', undefined);
    time.advance(1_000);
    throttle.recordFailure('x', undefined);
    throttle.recordFailure('y', undefined);
    expect(throttle.addressRetryAfter('x')).toBe(1);
    expect(throttle.addressRetryAfter('y')).toBe(1);
    throttle.recordFailure('z', undefined);
    expect(throttle.addressRetryAfter('x')).toBeUndefined();
    expect(throttle.addressRetryAfter('z')).toBe(1);
  });

  it('refuses settings that would never or always throttle', () => {
    expect(() => new AuthFailureThrottle({ limit: 0, windowMs: 1 }, () => new Date())).toThrow(TypeError);
    expect(() => new AuthFailureThrottle({ limit: 1, windowMs: 0 }, () => new Date())).toThrow(TypeError);
  });
});
