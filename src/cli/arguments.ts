/**
 * Parsers of command-line values. They throw commander's
 * InvalidArgumentError, which the CLI reports as bad usage (exit code 2).
 */
import { InvalidArgumentError } from 'commander';
import { describeTenantIdRule, isTenantId } from '../tenancy/tenant-id.js';

export function parseTenantId(value: string): string {
  if (!isTenantId(value)) throw new InvalidArgumentError(`"${value}" is not a valid tenant id: use ${describeTenantIdRule()}.`);
  return value;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `15m`, `24h`, `7d`, `2w`, or combinations such as `1h30m`; `0` means none. */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (text === '0') return 0;
  if (!/^(?:\d+[smhdw])+$/.test(text)) {
    throw new InvalidArgumentError(`"${value}" is not a duration: use a number and a unit (s, m, h, d, w), e.g. 24h, 90d or 1h30m.`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * UNIT_MS[unit!]!;
  if (!Number.isSafeInteger(total) || total > 10 * 365 * UNIT_MS['d']!) throw new InvalidArgumentError(`"${value}" is longer than ten years.`);
  return total;
}

export function parseTimestamp(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`"${value}" is not a date: use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z.`);
  }
  return date;
}

export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
  return Number(value);
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return Number(value);
}

/** The human form of a duration, for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', UNIT_MS['d']!], ['h', UNIT_MS['h']!], ['m', UNIT_MS['m']!], ['s', UNIT_MS['s']!]] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return parts.join('') || `${ms}ms`;
}
