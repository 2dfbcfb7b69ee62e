/**
 * Tokens that authenticated recently, so a busy identity provider's requests
 * need not read the token row every time.
 *
 * What it holds, and for how long:
 *
 * - only successes: a presented token that is unknown, revoked or expired is
 *   never remembered, so the cache answers nothing an attacker could not
 *   learn from the database, and guessing still costs a database read per
 *   attempt (and the failure throttle's count);
 * - keyed by the token's keyed hash (keyed-hash.ts), never by the token: the
 *   map's lookup time then depends on a value nobody can choose without the
 *   server secret;
 * - only while the store's signal of credential changes is live
 *   (`Store.credentialChanges`: on PostgreSQL, a NOTIFY sent in the very
 *   statement that revokes a token, changes its expiry or deletes a tenant,
 *   wherever that runs — another instance, the CLI). Every signal empties the
 *   cache, so a change made elsewhere is seen here within the notice's
 *   delivery, milliseconds after its commit; while the signal is not live
 *   (not yet listening, connection lost) nothing is answered from the cache.
 *   A store without such a signal (SQLite) gets no cache at all. Changes made
 *   through this process's TokenService and tenant deletion are seen by the
 *   next request (`forgetToken`, `forgetTenant`), before any notice;
 * - each entry for `ttlMs` at most (default 5 s), after which the row is read
 *   again: a backstop, not what makes revocation prompt;
 * - the token's own expiry is kept with the entry and checked on every hit,
 *   so a cached token stops working at its expiry to the millisecond;
 * - at most `maxEntries` tokens (memory bound); past it the oldest entry goes.
 */

import type { CredentialChanges } from '../store/store.js';

export interface CachedToken {
  readonly tenantId: string;
  readonly tokenId: string;
  /** The token's expiry in epoch milliseconds; undefined when it never expires. */
  readonly expiresAtMs: number | undefined;
}

interface Entry extends CachedToken {
  /** Epoch milliseconds after which the row must be read again. */
  readonly freshUntilMs: number;
}

export interface AuthenticatedTokenCacheSettings {
  /** The store's signal of credential changes: the cache answers only while it is live, and forgets everything at each signal. */
  readonly changes: CredentialChanges;
  /** How long a successful lookup is trusted without reading the row again; 0 turns the cache off. Default 5,000 ms. */
  readonly ttlMs?: number;
  /** Most tokens remembered. Default 10,000. */
  readonly maxEntries?: number;
}

const DEFAULT_TOKEN_CACHE_TTL_MS = 5_000;
const DEFAULT_MAX_ENTRIES = 10_000;

export class AuthenticatedTokenCache {
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();
  /**
   * Bumped by every invalidation. A lookup that read the row before an
   * invalidation and finishes after it must not store what it read: the row
   * may be the one just revoked.
   */
  private invalidations = 0;

  private readonly changes: CredentialChanges;

  constructor(settings: AuthenticatedTokenCacheSettings) {
    const ttlMs = settings.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
    const maxEntries = settings.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 0) throw new TypeError(`Invalid token cache time to live: ${ttlMs} ms`);
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError(`Invalid token cache size: ${maxEntries}`);
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.changes = settings.changes;
    // Kept for the life of the process, like the cache itself.
    this.changes.subscribe(() => this.forgetAll());
  }

  /** The cached token for this keyed hash, if it is fresh and not expired at `nowMs`. */
  get(hash: string, nowMs: number): CachedToken | undefined {
    if (!this.changes.live) return undefined;
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.freshUntilMs || (entry.expiresAtMs !== undefined && nowMs >= entry.expiresAtMs)) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  /** A marker to pass to `set`: taken before reading the row. */
  version(): number {
    return this.invalidations;
  }

  /** Remembers a token that just authenticated, unless an invalidation happened since `version` was taken. */
  set(hash: string, token: CachedToken, nowMs: number, version: number): void {
    if (this.ttlMs === 0 || version !== this.invalidations || !this.changes.live) return;
    this.entries.delete(hash);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { ...token, freshUntilMs: nowMs + this.ttlMs });
  }

  /** After a revocation or an expiry change of this token. */
  forgetToken(tokenId: string): void {
    this.invalidations += 1;
    for (const [hash, entry] of this.entries) if (entry.tokenId === tokenId) this.entries.delete(hash);
  }

  /** When credentials changed somewhere, or changes may have been missed. */
  forgetAll(): void {
    this.invalidations += 1;
    this.entries.clear();
  }

  /** After a tenant (and with it every token of it) is deleted. */
  forgetTenant(tenantId: string): void {
    this.invalidations += 1;
    for (const [hash, entry] of this.entries) if (entry.tenantId === tenantId) this.entries.delete(hash);
  }

  get size(): number {
    return this.entries.size;
  }
}
