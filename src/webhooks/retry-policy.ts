/**
 * When a failed delivery is tried again: exponential backoff with full
 * jitter (a random wait between zero and base × 2^(n−1), capped), so the
 * many deliveries that failed together during an outage do not all come
 * back at the same instant. A delivery is given up (`failed`) after
 * `maxAttempts` attempts or once it is `maxAgeMs` old, both counted from
 * its retry window (creation, or its last replay).
 */

export interface RetrySettings {
  /** The first retry waits up to this long; each later one up to twice the previous bound. */
  readonly baseDelayMs: number;
  /** No single wait is longer. */
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
  readonly maxAgeMs: number;
}

export type RetryDecision = { readonly kind: 'retry'; readonly nextAttemptAt: Date } | { readonly kind: 'failed' };

/** The upper bound of the wait after the `attempt`-th failure (1-based). */
export function backoffBoundMs(settings: RetrySettings, attempt: number): number {
  // 2 ** 40 is far past any cap: no overflow to Infinity for large attempt numbers.
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.min(attempt - 1, 40));
}

/**
 * After a failed attempt: `attemptsInWindow` counts it; `windowStart` is
 * when the retry window opened. `random` returns [0, 1) (injected by tests).
 */
export function decideRetry(settings: RetrySettings, attemptsInWindow: number, windowStart: Date, now: Date, random: () => number = Math.random): RetryDecision {
  if (attemptsInWindow >= settings.maxAttempts) return { kind: 'failed' };
  const next = new Date(now.getTime() + Math.floor(random() * backoffBoundMs(settings, attemptsInWindow)));
  if (next.getTime() - windowStart.getTime() >= settings.maxAgeMs) return { kind: 'failed' };
  return { kind: 'retry', nextAttemptAt: next };
}
