/**
 * Records SCIM requests in the request log without ever slowing or failing
 * one. The HTTP layer hands over cheap references (capture) after the
 * response is sent; everything costly — redaction, serialising, the insert —
 * happens later, in batches: the queue is flushed every `flushIntervalMs`,
 * or as soon as it holds `batchSize` entries, one multi-row INSERT per batch.
 *
 * When the queue is full or a batch cannot be written (disk full, table
 * gone, database away), entries are dropped and counted, never retried
 * into a growing backlog: the log is evidence, the directory is the job.
 */
import type { AuthFailureReason, RequestLogEntry, RequestLogStore } from './entry.js';
import { identityProviderOf } from './idp.js';
import { createRedaction, cut, type Redaction } from './redaction.js';

export interface RequestLogSettings {
  /** Off: nothing is captured or written (the admin API then reads what was kept before). */
  readonly enabled: boolean;
  readonly retentionDays: number;
  readonly maxRowsPerTenant: number;
  /** Request and response bodies are cut to this many bytes each. */
  readonly maxBodyBytes: number;
  /** Personal attributes masked in bodies besides secrets (e.g. emails, phoneNumbers, name; `filter` masks list filters). */
  readonly redact: readonly string[];
  /** Default 250 ms. */
  readonly flushIntervalMs?: number;
  /** Flush as soon as this many entries wait (default 500). */
  readonly batchSize?: number;
  /** Entries beyond this many waiting are dropped (default 10,000). */
  readonly queueCapacity?: number;
  /** Default one hour. */
  readonly pruneIntervalMs?: number;
}

/** What the HTTP layer captures of one request: references and numbers, nothing computed. */
export interface CapturedRequest {
  readonly tenantId: string;
  readonly receivedAt: number;
  readonly requestId: string;
  readonly method: string;
  /** The raw URL, query included. */
  readonly url: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly clientAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly resourceId: string | undefined;
  readonly authFailure: AuthFailureReason | undefined;
  /** The parsed request body (undefined without one) and its declared size. */
  readonly requestBody: unknown;
  readonly requestBodyBytes: number;
  /** The response text, or 'streamed' for a streamed Group. */
  readonly responseBody: string | 'streamed' | undefined;
}

export interface RequestLogStats {
  /** Entries written to the database. */
  readonly written: number;
  /** Entries lost: queue full or a failed write. */
  readonly dropped: number;
  /** Batches whose write failed. */
  readonly failedWrites: number;
  /** Entries waiting to be written. */
  readonly queued: number;
}

/** Bodies far above the cap are not even serialised: the time would go into text that is cut away. */
const SERIALISE_FACTOR = 64;
const DETAIL_MAX_CHARACTERS = 2000;

export class RequestLogRecorder {
  private queue: CapturedRequest[] = [];
  private written = 0;
  private dropped = 0;
  private failedWrites = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private pruning: Promise<unknown> = Promise.resolve();
  private readonly redaction: Redaction;
  private readonly batchSize: number;
  private readonly queueCapacity: number;
  private readonly identityProviders = new Map<string, string | null>();

  constructor(
    private readonly store: RequestLogStore,
    readonly settings: RequestLogSettings,
    private readonly now: () => Date,
    /** Told when a batch or a prune fails (the server logs it); never throws into a request. */
    private readonly reportFailure: (error: unknown, what: 'write' | 'prune') => void,
  ) {
    this.redaction = createRedaction(settings.redact);
    this.batchSize = settings.batchSize ?? 500;
    this.queueCapacity = settings.queueCapacity ?? 10_000;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Flushes every interval and prunes every hour (both timers never keep the process alive). */
  start(): void {
    if (!this.settings.enabled || this.flushTimer !== undefined) return;
    this.flushTimer = setInterval(() => void this.flush(), this.settings.flushIntervalMs ?? 250);
    this.flushTimer.unref();
    void this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), this.settings.pruneIntervalMs ?? 3_600_000);
    this.pruneTimer.unref();
  }

  /** Queues one request; O(1) and never throws. */
  record(capture: CapturedRequest): void {
    if (!this.settings.enabled) return;
    if (this.queue.length >= this.queueCapacity) {
      this.dropped += 1;
      return;
    }
    this.queue.push(capture);
    if (this.queue.length >= this.batchSize && this.flushing === undefined) void this.flush();
  }

  stats(): RequestLogStats {
    return { written: this.written, dropped: this.dropped, failedWrites: this.failedWrites, queued: this.queue.length };
  }

  /** Writes what is queued; resolves when it is written (or dropped). One flush runs at a time. */
  flush(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing.then(() => (this.queue.length > 0 ? this.flush() : undefined));
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Removes entries past retention or beyond the per-tenant cap. */
  prune(): Promise<unknown> {
    const cutAt = new Date(this.now().getTime() - this.settings.retentionDays * 86_400_000).toISOString();
    this.pruning = this.store.prune(cutAt, this.settings.maxRowsPerTenant).catch((error: unknown) => this.reportFailure(error, 'prune'));
    return this.pruning;
  }

  /** Stops the timers and writes what is still queued (shutdown). */
  async stop(): Promise<void> {
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    this.flushTimer = undefined;
    this.pruneTimer = undefined;
    await this.pruning;
    await this.flush();
  }

  private async write(batch: readonly CapturedRequest[]): Promise<void> {
    let entries: RequestLogEntry[];
    try {
      entries = batch.map((capture) => this.entryOf(capture));
      await this.store.append(entries);
      this.written += entries.length;
    } catch (error) {
      this.dropped += batch.length;
      this.failedWrites += 1;
      this.reportFailure(error, 'write');
    }
  }

  /** Redaction and serialisation happen here, off the request's path. */
  entryOf(capture: CapturedRequest): RequestLogEntry {
    const queryAt = capture.url.indexOf('?');
    const path = queryAt === -1 ? capture.url : capture.url.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : capture.url.slice(queryAt + 1);
    const error = capture.status >= 400 && typeof capture.responseBody === 'string' && capture.responseBody !== 'streamed' ? scimErrorOf(capture.responseBody) : undefined;
    return {
      tenantId: capture.tenantId,
      occurredAt: new Date(capture.receivedAt).toISOString(),
      requestId: capture.requestId,
      method: capture.method,
      path,
      query: rawQuery === '' ? null : this.redaction.query(rawQuery),
      status: capture.status,
      scimType: error?.scimType ?? null,
      detail: error?.detail ?? null,
      authFailure: capture.authFailure ?? null,
      latencyMs: Math.round(capture.latencyMs * 1000) / 1000,
      clientAddress: capture.clientAddress ?? null,
      userAgent: capture.userAgent === undefined ? null : capture.userAgent.slice(0, 512),
      idp: this.identityProvider(capture.userAgent),
      resourceId: capture.resourceId ?? null,
      requestBody: this.requestBodyOf(capture),
      responseBody: this.responseBodyOf(capture),
    };
  }

  /** An IdP sends the same User-Agent on every request: the match is remembered (a few hundred agents at most). */
  private identityProvider(userAgent: string | undefined): string | null {
    if (userAgent === undefined) return null;
    let known = this.identityProviders.get(userAgent);
    if (known === undefined) {
      known = identityProviderOf(userAgent);
      if (this.identityProviders.size >= 256) this.identityProviders.clear();
      this.identityProviders.set(userAgent, known);
    }
    return known;
  }

  private requestBodyOf(capture: CapturedRequest): string | null {
    if (capture.requestBody === undefined) return null;
    const max = this.settings.maxBodyBytes;
    if (capture.requestBodyBytes > max * SERIALISE_FACTOR) return `[a body of ${capture.requestBodyBytes} bytes, not kept]`;
    return this.redaction.body(capture.requestBody, max);
  }

  private responseBodyOf(capture: CapturedRequest): string | null {
    const body = capture.responseBody;
    if (body === undefined || body === '') return null;
    if (!keepsResponseBody(capture.method, capture.status)) return null;
    if (body === 'streamed') return '[a streamed response, not kept]';
    const max = this.settings.maxBodyBytes;
    if (body.length > max * SERIALISE_FACTOR) return `[a body of ${Buffer.byteLength(body)} bytes, not kept]`;
    if (!this.redaction.mayHoldRedacted(body)) return cut(body, max);
    try {
      return this.redaction.body(JSON.parse(body) as unknown, max);
    } catch {
      // Not JSON (cannot happen for SCIM answers): keep nothing rather than something unredacted.
      return '[a response that is not JSON, not kept]';
    }
  }
}

/**
 * A successful read answers with what the directory holds: keeping it would make reads — most
 * of an IdP's traffic — most of the log's volume and cost, and tell nothing the resource does
 * not. Writes and errors keep their answers: there the answer is the evidence.
 */
export function keepsResponseBody(method: string, status: number): boolean {
  return status >= 400 || (method !== 'GET' && method !== 'HEAD');
}

/**
 * The scimType and detail of a SCIM error body (RFC 7644 §3.12), or of the
 * token endpoint's OAuth error (RFC 6749 §5.2: `error` is kept as the type,
 * `error_description` as the detail).
 */
function scimErrorOf(body: string): { scimType: string | null; detail: string | null } | undefined {
  try {
    const parsed = JSON.parse(body) as { scimType?: unknown; detail?: unknown; error?: unknown; error_description?: unknown };
    const type = typeof parsed.scimType === 'string' ? parsed.scimType : typeof parsed.error === 'string' ? parsed.error : null;
    const detail = typeof parsed.detail === 'string' ? parsed.detail : typeof parsed.error_description === 'string' ? parsed.error_description : null;
    return { scimType: type, detail: detail === null ? null : detail.slice(0, DETAIL_MAX_CHARACTERS) };
  } catch {
    return undefined;
  }
}
