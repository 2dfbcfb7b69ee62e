import { describe, expect, it } from 'vitest';
import { DEFAULT_DELETION_SETTINGS } from '../../store/deletion-store.js';
import { countHardDeletion, FRESH_WINDOW, safeguardThreshold } from './safeguard-window.js';

const settings = DEFAULT_DELETION_SETTINGS.safeguard;
const T0 = '2030-01-01T00:00:00.000Z';
const minutesAfter = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

describe('safeguard window', () => {
  it('the threshold is the larger of the percentage of the users and the minimum', () => {
    expect(safeguardThreshold(settings, 100)).toBe(25);
    expect(safeguardThreshold(settings, 1000)).toBe(100);
    expect(safeguardThreshold(settings, 1009)).toBe(100);
    expect(safeguardThreshold({ ...settings, minimum: 1 }, 5)).toBe(1);
  });

  it('the first deletion opens a window on the users held then; the one beyond the threshold trips it', () => {
    let window = FRESH_WINDOW;
    for (let deletion = 1; deletion <= 25; deletion += 1) {
      const counted = countHardDeletion(window, settings, 100 - deletion + 1, minutesAfter(deletion));
      expect(counted.held).toBe(false);
      window = counted.window;
    }
    expect(window).toEqual({ startedAt: minutesAfter(1), users: 100, deletions: 25, trippedAt: undefined });
    const tripping = countHardDeletion(window, settings, 75, minutesAfter(30));
    expect(tripping).toEqual({
      held: true,
      window: { startedAt: minutesAfter(1), users: 100, deletions: 26, trippedAt: minutesAfter(30) },
      trip: { windowStartedAt: minutesAfter(1), windowMinutes: 60, users: 100, deletions: 26, threshold: 25 },
    });
    // Tripped: held whatever the time, and no second trip.
    const later = countHardDeletion(tripping.window, settings, 74, minutesAfter(600));
    expect(later).toMatchObject({ held: true, trip: undefined, window: { deletions: 27 } });
  });

  it('a window over opens a new one; a disabled safeguard counts nothing', () => {
    const window = { startedAt: T0, users: 100, deletions: 25, trippedAt: undefined };
    expect(countHardDeletion(window, settings, 75, minutesAfter(60))).toEqual({
      held: false,
      trip: undefined,
      window: { startedAt: minutesAfter(60), users: 75, deletions: 1, trippedAt: undefined },
    });
    expect(countHardDeletion(window, { ...settings, enabled: false }, 75, minutesAfter(1))).toEqual({ held: false, trip: undefined, window });
  });
});
