import { describe, expect, it } from 'vitest';
import { backoffBoundMs, decideRetry, type RetrySettings } from './retry-policy.js';

/** The defaults of the configuration (SCIMITAR_WEBHOOK_* settings unset). */
const DEFAULT_RETRY_SETTINGS: RetrySettings = { baseDelayMs: 5_000, maxDelayMs: 3_600_000, maxAttempts: 20, maxAgeMs: 24 * 3_600_000 };

const start = new Date('2030-01-01T00:00:00.000Z');

describe('retry policy', () => {
  it('doubles the bound from 5 s and caps it at 1 h', () => {
    const bounds = Array.from({ length: 14 }, (_, index) => backoffBoundMs(DEFAULT_RETRY_SETTINGS, index + 1) / 1000);
    expect(bounds).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600, 3600]);
    expect(backoffBoundMs(DEFAULT_RETRY_SETTINGS, 5000)).toBe(3_600_000);
  });

  it('waits a random part of the bound (full jitter)', () => {
    expect(decideRetry(DEFAULT_RETRY_SETTINGS, 3, start, start, () => 0)).toEqual({ kind: 'retry', nextAttemptAt: start });
    expect(decideRetry(DEFAULT_RETRY_SETTINGS, 3, start, start, () => 0.5)).toEqual({ kind: 'retry', nextAttemptAt: new Date(start.getTime() + 10_000) });
  });

  it('gives up after the most attempts, or when the next attempt would fall past the maximum age', () => {
    expect(decideRetry(DEFAULT_RETRY_SETTINGS, 20, start, start, () => 0)).toEqual({ kind: 'failed' });
    const late = new Date(start.getTime() + 24 * 3_600_000 - 1000);
    expect(decideRetry(DEFAULT_RETRY_SETTINGS, 12, start, late, () => 0.5)).toEqual({ kind: 'failed' });
  });
});
