/**
 * The event feed: a tenant's events in sequence order, read with a cursor,
 * for apps that prefer to pull (GET /admin/v1/tenants/{tenant}/events).
 *
 * The cursor is the last sequence read, as an opaque string. Sequence order
 * is commit order (see migration 0003-events), so a reader that continues
 * from its cursor never misses an event, also with several instances.
 * Long-polling: with `waitSeconds`, an empty read waits for the next commit
 * (woken at once by this instance's notifier, and polling the database for
 * other instances' commits) until the wait is over, the reader leaves, or
 * the instance shuts down (`close`).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { scimErrors } from '../core/errors/scim-error.js';
import type { EventStore } from '../store/store.js';
import type { ScimitarEvent } from './event.js';
import type { EventNotifier } from './notifier.js';

export const MAX_FEED_PAGE = 1000;
export const MAX_FEED_WAIT_SECONDS = 60;

export interface FeedRequest {
  /** A cursor from an earlier page; `latest` starts at the newest event (reads only what comes next); absent: the oldest retained event. */
  readonly after: string | undefined;
  readonly limit: number;
  readonly waitSeconds: number;
}

export interface FeedPage {
  readonly events: readonly ScimitarEvent[];
  /** Pass as `after` for the next page; the same cursor again when there were no events. */
  readonly nextCursor: string;
}

export interface EventFeedDependencies {
  readonly events: EventStore;
  readonly notifier: EventNotifier;
  /** How often a waiting reader checks the database for other instances' events (default 500 ms). */
  readonly pollIntervalMs?: number;
  /** Told how long events are kept, for the error of a cursor older than that. */
  readonly retentionDays: number;
}

/** The cursor points before events that retention already removed: the reader may have missed changes (HTTP 410 Gone). */
export class ExpiredFeedCursorError extends Error {
  override readonly name = 'ExpiredFeedCursorError';
}

export class EventFeed {
  private readonly pollIntervalMs: number;
  /** Aborted by `close`: every wait under way ends, and no new one begins. */
  private readonly closing = new AbortController();

  constructor(private readonly dependencies: EventFeedDependencies) {
    this.pollIntervalMs = dependencies.pollIntervalMs ?? 500;
  }

  async read(tenantId: string, request: FeedRequest, signal?: AbortSignal): Promise<FeedPage> {
    const { events } = this.dependencies;
    const position = await events.position(tenantId);
    const after = request.after === 'latest' ? position.lastSequence : parseCursor(request.after);
    if (after < position.prunedThrough) {
      throw new ExpiredFeedCursorError(
        `Events after cursor "${after}" up to ${position.prunedThrough} were removed by retention (kept ${this.dependencies.retentionDays} days): ` +
          'changes may have been missed. Resynchronise (e.g. list the Users and Groups), then continue with after=latest.',
      );
    }
    const limit = Math.min(Math.max(1, request.limit), MAX_FEED_PAGE);
    const deadline = Date.now() + Math.min(Math.max(0, request.waitSeconds), MAX_FEED_WAIT_SECONDS) * 1000;
    for (;;) {
      const page = await events.listEvents(tenantId, after, limit);
      const last = page.at(-1);
      if (last !== undefined) return { events: page, nextCursor: String(last.sequence) };
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted === true || this.closing.signal.aborted) return { events: [], nextCursor: String(after) };
      await this.nextCommitOrPoll(tenantId, Math.min(remaining, this.pollIntervalMs), signal);
    }
  }

  /**
   * For shutdown: long-polls under way answer at once with what they have
   * (an empty page and the cursor they were given, so the reader continues
   * where it was), and later reads do not wait. A SIGTERM drain then never
   * waits for a long-poll, which may be asked to wait up to 60 s, longer
   * than orchestrators' usual 30 s grace period.
   */
  close(): void {
    this.closing.abort();
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Resolves at this instance's next commit of the tenant's events, after `ms`, when the reader goes away, or at shutdown. */
  private async nextCommitOrPoll(tenantId: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal?.addEventListener('abort', abort, { once: true });
    this.closing.signal.addEventListener('abort', abort, { once: true });
    const unsubscribe = this.dependencies.notifier.subscribe((committedTenant) => {
      if (committedTenant === tenantId) stop.abort();
    });
    try {
      await delay(ms, undefined, { signal: stop.signal });
    } catch {
      // Woken early: by a commit or by the reader leaving.
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', abort);
      this.closing.signal.removeEventListener('abort', abort);
    }
  }
}

function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  if (!/^\d{1,15}$/.test(cursor)) {
    throw scimErrors.badRequest(`"after" must be a cursor returned by this feed (nextCursor) or "latest", got "${cursor.slice(0, 40)}"`);
  }
  return Number(cursor);
}
