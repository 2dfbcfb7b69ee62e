/**
 * Reading the request log and a user's history: the one place that turns
 * the admin API's and the CLI's filter text into a store query, so both
 * accept and refuse exactly the same things (a bad filter, range or cursor
 * is a 400 that says what to send instead).
 */
import { scimErrors } from '../core/errors/scim-error.js';
import { userResourceType } from '../core/schema/resource-types.js';
import type { EventHistoryStore, StoreReader } from '../store/store.js';
import type { CausedEvent, RequestLogQuery, RequestLogStore, StatusFilter, StoredRequestLogEntry } from './entry.js';

export const MAX_REQUEST_LOG_PAGE = 1000;
export const DEFAULT_REQUEST_LOG_PAGE = 100;
const EXPORT_PAGE = 500;

/** The filters as text, as they come from a query string or command-line options. */
export interface RequestLogFilters {
  /** ISO 8601 date-time, or a duration back from now: `90s`, `15m`, `2h`, `7d`. */
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  /** `404`, or a class: `4xx`. */
  readonly status?: string | undefined;
  readonly method?: string | undefined;
  /** A path prefix, e.g. `/scim/v2/Users` or `/t/acme/scim/v2/Groups/`. */
  readonly path?: string | undefined;
  readonly resourceId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly idp?: string | undefined;
  /** `newest` (default) or `oldest`, which is how the log is tailed. */
  readonly order?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

export interface RequestLogPage {
  readonly entries: readonly StoredRequestLogEntry[];
  /**
   * Newest first: the cursor of the next (older) page, null on the last.
   * Oldest first: always set — the place to continue from once more entries arrive.
   */
  readonly nextCursor: string | null;
}

export interface RequestLogDetail {
  readonly entry: StoredRequestLogEntry;
  readonly events: readonly CausedEvent[];
}

export interface HistoryChange {
  readonly sequence: number;
  readonly eventId: string;
  readonly type: string;
  readonly timestamp: string;
  readonly changedAttributes: readonly string[] | null;
  readonly requestId: string | null;
  /** From the request's log entry while it is retained; null otherwise. */
  readonly request: { readonly method: string; readonly path: string; readonly status: number; readonly idp: string | null; readonly userAgent: string | null } | null;
}

export interface HistoryPage {
  readonly changes: readonly HistoryChange[];
  /** Sequence to pass as `after` for more; null when there is no more. */
  readonly nextAfter: number | null;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const DURATION = /^(\d{1,9})([smhd])$/;
const DURATION_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const CURSOR = /^([no])(\d{1,15})$/;

function invalid(message: string): Error {
  return scimErrors.badRequest(message);
}

export function encodeRequestLogCursor(order: 'newest' | 'oldest', position: number): string {
  return Buffer.from(`${order === 'newest' ? 'n' : 'o'}${position}`).toString('base64url');
}

function decodeCursor(cursor: string, order: 'newest' | 'oldest'): number {
  const match = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('latin1')) : null;
  if (match === null) throw invalid('cursor is not a cursor of this log: pass the nextCursor of a previous page unchanged');
  if ((match[1] === 'n') !== (order === 'newest')) throw invalid(`cursor belongs to a page in the other order: keep order=${match[1] === 'n' ? 'newest' : 'oldest'} while paging`);
  return Number(match[2]);
}

export class RequestLogService {
  constructor(
    private readonly dependencies: {
      readonly requestLog: RequestLogStore;
      readonly history: EventHistoryStore;
      readonly reader: StoreReader;
      readonly now: () => Date;
    },
  ) {}

  async list(tenantId: string, filters: RequestLogFilters): Promise<RequestLogPage> {
    const query = this.query(filters, false);
    const rows = await this.dependencies.requestLog.list(tenantId, { ...query, limit: query.limit + (query.order === 'newest' ? 1 : 0) });
    if (query.order === 'newest') {
      const entries = rows.slice(0, query.limit);
      const last = entries.at(-1);
      return { entries, nextCursor: rows.length > query.limit && last !== undefined ? encodeRequestLogCursor('newest', last.position) : null };
    }
    const last = rows.at(-1)?.position ?? query.after ?? 0;
    return { entries: rows, nextCursor: encodeRequestLogCursor('oldest', last) };
  }

  /** Every matching entry, with bodies, a page at a time (an export of any size in bounded memory). */
  async *export(tenantId: string, filters: RequestLogFilters): AsyncGenerator<StoredRequestLogEntry> {
    const query = this.query({ ...filters, limit: undefined }, true);
    let after = query.after;
    for (;;) {
      const rows = await this.dependencies.requestLog.list(tenantId, { ...query, limit: EXPORT_PAGE, ...(after !== undefined ? { after } : {}) });
      yield* rows;
      const last = rows.at(-1);
      if (rows.length < EXPORT_PAGE || last === undefined) return;
      after = last.position;
    }
  }

  async get(tenantId: string, requestId: string): Promise<RequestLogDetail> {
    const entry = await this.dependencies.requestLog.get(tenantId, requestId);
    if (entry === undefined) throw scimErrors.notFound(`No request ${JSON.stringify(requestId)} in this tenant's request log (it may be older than the retention period)`);
    return { entry, events: await this.dependencies.requestLog.eventsOfRequest(tenantId, requestId) };
  }

  /** A User's changes from the events (as retained), each with the request that made it. */
  async userHistory(tenantId: string, userId: string, after: number, limit: number): Promise<HistoryPage> {
    const records = await this.dependencies.history.history(tenantId, userId, after, limit + 1);
    if (records.length === 0 && after === 0 && (await this.dependencies.reader.getResource(tenantId, userResourceType.name, userId)) === undefined) {
      throw scimErrors.notFound(`User ${JSON.stringify(userId)} not found, and no retained event names it`);
    }
    const page = records.slice(0, limit);
    const requests = new Map<string, HistoryChange['request']>();
    const changes: HistoryChange[] = [];
    for (const { event, requestId } of page) {
      let request: HistoryChange['request'] = null;
      if (requestId !== null) {
        if (!requests.has(requestId)) {
          const entry = await this.dependencies.requestLog.get(tenantId, requestId);
          requests.set(requestId, entry === undefined ? null : { method: entry.method, path: entry.path, status: entry.status, idp: entry.idp, userAgent: entry.userAgent });
        }
        request = requests.get(requestId) ?? null;
      }
      changes.push({
        sequence: event.sequence,
        eventId: event.id,
        type: event.type,
        timestamp: event.timestamp,
        changedAttributes: event.data.changedAttributes ?? null,
        requestId,
        request,
      });
    }
    return { changes, nextAfter: records.length > limit ? (page.at(-1)?.event.sequence ?? null) : null };
  }

  private query(filters: RequestLogFilters, withBodies: boolean): RequestLogQuery & { readonly after: number | undefined } {
    const order = filters.order ?? 'newest';
    if (order !== 'newest' && order !== 'oldest') throw invalid(`order must be "newest" or "oldest", not ${JSON.stringify(order)}`);
    const since = filters.since === undefined ? undefined : this.instant(filters.since, 'since');
    const until = filters.until === undefined ? undefined : this.instant(filters.until, 'until');
    if (since !== undefined && until !== undefined && since >= until) throw invalid(`since (${since}) must be before until (${until})`);
    const limit = filters.limit ?? DEFAULT_REQUEST_LOG_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REQUEST_LOG_PAGE) throw invalid(`limit must be a whole number from 1 to ${MAX_REQUEST_LOG_PAGE}`);
    const method = filters.method?.toUpperCase();
    if (method !== undefined && !METHODS.has(method)) throw invalid(`method must be one of ${[...METHODS].join(', ')}, not ${JSON.stringify(filters.method)}`);
    if (filters.path !== undefined && !filters.path.startsWith('/')) throw invalid(`path is a prefix of the URL path and starts with "/", e.g. /scim/v2/Users`);
    return {
      order,
      limit,
      withBodies,
      after: filters.cursor === undefined ? undefined : decodeCursor(filters.cursor, order),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(filters.status !== undefined ? { status: statusFilter(filters.status) } : {}),
      ...(method !== undefined ? { method } : {}),
      ...(filters.path !== undefined ? { pathPrefix: filters.path } : {}),
      ...(filters.resourceId !== undefined ? { resourceId: filters.resourceId } : {}),
      ...(filters.requestId !== undefined ? { requestId: filters.requestId } : {}),
      ...(filters.idp !== undefined ? { idp: filters.idp } : {}),
    };
  }

  /** An ISO 8601 date-time, or a duration back from now. */
  private instant(text: string, name: string): string {
    const duration = DURATION.exec(text.trim());
    if (duration !== null) return new Date(this.dependencies.now().getTime() - Number(duration[1]) * DURATION_MS[duration[2]!]!).toISOString();
    // A date-time with a zone, so the range does not depend on the server's time zone.
    const parsed = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(parsed)) throw invalid(`${name} must be an ISO 8601 date-time with a zone (2026-12-01T09:00:00Z) or a duration back from now (15m, 2h, 7d), not ${JSON.stringify(text)}`);
    return new Date(parsed).toISOString();
  }
}

function statusFilter(text: string): StatusFilter {
  const trimmed = text.trim().toLowerCase();
  if (/^[1-5]xx$/.test(trimmed)) return { kind: 'class', hundreds: Number(trimmed[0]) };
  if (/^[1-5]\d\d$/.test(trimmed)) return { kind: 'exact', status: Number(trimmed) };
  throw invalid(`status must be a status code (404) or a class (4xx, 5xx), not ${JSON.stringify(text)}`);
}
