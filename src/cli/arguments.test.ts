import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseTenantId, parseTimestamp } from './arguments.js';

describe('command-line values', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['0', 0],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '24', 'h', '1.5h', '-1h', '24 h', 'soon', '4000w'])('refuses the duration %j as bad usage', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
  });

  it('prints durations back compactly', () => {
    expect([0, 1_000, 5_400_000, 86_400_000 + 60_000].map(formatDuration)).toEqual(['0s', '1s', '1h30m', '1d1m']);
  });

  it('accepts tenant slugs only', () => {
    expect(parseTenantId('acme-eu')).toBe('acme-eu');
    for (const bad of ['Acme', 'acme_eu', '-acme', 'acme-', '', 'a'.repeat(64), 'acme/x']) expect(() => parseTenantId(bad)).toThrow(InvalidArgumentError);
  });

  it('accepts ISO 8601 dates only', () => {
    expect(parseTimestamp('2030-01-31').toISOString()).toBe('2030-01-31T00:00:00.000Z');
    for (const bad of ['tomorrow', '31/01/2030', '2030-13-45']) expect(() => parseTimestamp(bad)).toThrow(InvalidArgumentError);
  });
});
