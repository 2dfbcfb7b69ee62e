/**
 * How every instance learns, within milliseconds, that a token was revoked
 * or re-expired or a tenant deleted, wherever it happened (another instance,
 * the CLI): the tenant store sends NOTIFY on CREDENTIALS_CHANNEL in the
 * statement that changes them, which PostgreSQL delivers at commit to every
 * session that has run LISTEN on it. One connection per instance listens.
 *
 * The watch is `live` only while that connection is up and listening. When
 * it is lost (restart, failover, network), notices sent meanwhile are lost
 * too: the watch turns not-live at once, so the cache of authenticated
 * tokens stops answering, and reconnects with a growing pause; once
 * listening again it turns live (the cache starts from empty).
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { quoteSqlString, rawSql } from '../sql/fragment.js';
import type { CredentialChanges } from '../store.js';

export const CREDENTIALS_CHANNEL = 'scimitar_credentials';

/**
 * The driver's `afterCredentialChange` (see SqlSessions): sent in the
 * transaction of the change, so PostgreSQL delivers it when, and only if,
 * that transaction commits.
 */
export const CREDENTIALS_NOTICE = rawSql(`SELECT pg_notify(${quoteSqlString(CREDENTIALS_CHANNEL)}, '')`);
const FIRST_RECONNECT_PAUSE_MS = 100;
const LONGEST_RECONNECT_PAUSE_MS = 5_000;

export class PostgresCredentialWatch implements CredentialChanges {
  private readonly listeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private listening = false;
  private closed = false;
  /** Cuts short the pause between reconnection attempts when the store closes. */
  private readonly closing = new AbortController();
  private running: Promise<void> | undefined;
  /** Resolves when the current connection ends, so the loop reconnects. */
  private lost: (() => void) | undefined;

  constructor(private readonly connect: () => pg.Client) {}

  get live(): boolean {
    return this.listening;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts listening; resolves once the first LISTEN is in place or has
   * failed. A failure is not fatal (a pooler in transaction mode refuses
   * LISTEN): the watch stays not-live, so tokens are read on every request,
   * and it keeps trying.
   */
  async start(): Promise<void> {
    try {
      await this.listen();
    } catch {
      // Retried by keepListening.
    }
    this.running = this.keepListening();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    this.setListening(false);
    this.lost?.();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.running;
  }

  private async listen(): Promise<void> {
    const client = this.connect();
    // Without a listener, the 'error' of a dropped connection would end the process.
    client.on('error', () => this.dropped(client));
    client.on('end', () => this.dropped(client));
    client.on('notification', () => this.changed());
    await client.connect();
    try {
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.setListening(true);
  }

  private async keepListening(): Promise<void> {
    let pauseMs = FIRST_RECONNECT_PAUSE_MS;
    while (!this.closed) {
      if (this.listening) {
        await new Promise<void>((resolve) => (this.lost = resolve));
        pauseMs = FIRST_RECONNECT_PAUSE_MS;
        continue;
      }
      await delay(pauseMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
      if (this.closed) return;
      try {
        await this.listen();
      } catch {
        pauseMs = Math.min(pauseMs * 2, LONGEST_RECONNECT_PAUSE_MS);
      }
    }
  }

  private dropped(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.setListening(false);
    this.lost?.();
  }

  private setListening(listening: boolean): void {
    if (this.listening === listening) return;
    this.listening = listening;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
