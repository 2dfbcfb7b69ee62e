/**
 * The mass-deprovisioning safeguard's arithmetic, apart from any storage:
 * one hard deletion counted into the tenant's window, and whether it goes
 * through or is held.
 *
 * The window begins at the first hard deletion after the previous one
 * expired (or after an operator's decision) and lasts `windowMinutes`. Its
 * base is the number of users the tenant held when it began, active or
 * not: Entra ID deactivates users first and deletes them weeks later, so a
 * base of active users would have shrunk to nothing by the time the
 * deletions come. Once tripped, every hard deletion is held until an
 * operator approves or rejects, however much time passes.
 */
import type { SafeguardSettings, SafeguardWindow } from '../../store/deletion-store.js';
import type { SafeguardTrip } from '../../events/event.js';

export interface CountedDeletion {
  readonly window: SafeguardWindow;
  /** Whether this deletion is held (the safeguard is tripped). */
  readonly held: boolean;
  /** Set when this very deletion tripped the safeguard. */
  readonly trip: SafeguardTrip | undefined;
}

/** The most hard deletions a window whose tenant held `users` users lets through. */
export function safeguardThreshold(settings: SafeguardSettings, users: number): number {
  return Math.max(Math.floor((users * settings.percent) / 100), settings.minimum);
}

/**
 * Whether a hard deletion at `now` opens a new window (and so needs the
 * tenant's user count: read only then, not on every deletion).
 */
export function opensWindow(window: SafeguardWindow, settings: SafeguardSettings, now: string): boolean {
  if (!settings.enabled || window.trippedAt !== undefined) return false;
  return window.startedAt === undefined || Date.parse(now) - Date.parse(window.startedAt) >= settings.windowMinutes * 60_000;
}

/** `usersNow`: the tenant's users before this deletion; read only when `opensWindow`. */
export function countHardDeletion(window: SafeguardWindow, settings: SafeguardSettings, usersNow: number, now: string): CountedDeletion {
  if (!settings.enabled) return { window, held: false, trip: undefined };
  if (window.trippedAt !== undefined) return { window: { ...window, deletions: window.deletions + 1 }, held: true, trip: undefined };
  const current = opensWindow(window, settings, now) ? { startedAt: now, users: usersNow, deletions: 0, trippedAt: undefined } : window;
  const deletions = current.deletions + 1;
  const threshold = safeguardThreshold(settings, current.users);
  if (deletions <= threshold) return { window: { ...current, deletions }, held: false, trip: undefined };
  const startedAt = current.startedAt ?? now;
  return {
    window: { ...current, deletions, trippedAt: now },
    held: true,
    trip: { windowStartedAt: startedAt, windowMinutes: settings.windowMinutes, users: current.users, deletions, threshold },
  };
}

/** The window after an operator's decision: counting starts afresh at the next deletion. */
export const FRESH_WINDOW: SafeguardWindow = Object.freeze({ startedAt: undefined, users: 0, deletions: 0, trippedAt: undefined });
