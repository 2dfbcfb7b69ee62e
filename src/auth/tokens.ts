/**
 * Bearer tokens of SCIM clients (identity providers). A token is 32 random
 * bytes (base64url) behind a readable prefix; only its keyed hash is stored
 * (keyed-hash.ts). A 256-bit random secret needs no slow hash: there is
 * nothing to brute-force, and the key keeps a leaked table useless.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthFailureReason } from '../request-log/entry.js';
import type { StoredToken, TenantStore } from '../store/store.js';
import { sameKeyedHash, type KeyedHasher } from './keyed-hash.js';
import type { AuthenticatedTokenCache } from './token-cache.js';

export const TOKEN_PREFIX = 'scim_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The part shown in listings: enough to recognise a token, useless to an attacker. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

/** The stored form of a token (see keyed-hash.ts for the format). */
export function hashToken(hasher: KeyedHasher, token: string): string {
  return hasher.hash(token);
}

export interface IssuedToken {
  /** The secret: shown once, never stored. */
  readonly token: string;
  readonly record: StoredToken;
}

/** Generates a token for a tenant and stores its keyed hash. The tenant must exist. */
export async function issueToken(
  tenants: TenantStore,
  hasher: KeyedHasher,
  tenantId: string,
  name: string,
  now: Date,
  expiresAt?: Date,
  setupLinkId?: string,
): Promise<IssuedToken> {
  const token = generateToken();
  const record: StoredToken = {
    id: randomUUID(),
    tenantId,
    name,
    prefix: tokenDisplayPrefix(token),
    hash: hasher.hash(token),
    createdAt: now.toISOString(),
    expiresAt: expiresAt?.toISOString(),
    revokedAt: undefined,
    lastUsedAt: undefined,
    setupLinkId,
  };
  await tenants.insertToken(record);
  return { token, record };
}

export interface AuthenticatedClient {
  readonly tenantId: string;
  /** undefined for the operator's fixed SCIMITAR_TOKEN. */
  readonly tokenId: string | undefined;
}

/** A credential's check: the client, or why it was refused (and the tenant a known token belongs to). */
export type AuthenticationOutcome =
  | { readonly client: AuthenticatedClient }
  | { readonly failure: Exclude<AuthFailureReason, 'wrong_tenant' | 'throttled'>; readonly tenantId: string | undefined };

/** Whether a stored token may authenticate at `now`. */
export function tokenIsUsable(token: Pick<StoredToken, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  if (token.revokedAt !== undefined) return false;
  return token.expiresAt === undefined || Date.parse(token.expiresAt) > now.getTime();
}

/** How often last-use timestamps are written, at most, per token. */
const LAST_USE_WRITE_INTERVAL_MS = 60_000;
/**
 * How long a last use waits for others to be written with it. With
 * thousands of tenants each token's first request in a minute is a write;
 * gathered, they are one transaction every quarter second instead of a
 * commit per request (on SQLite, the one writer's time).
 */
const LAST_USE_FLUSH_MS = 250;

export interface TokenAuthenticatorOptions {
  /**
   * Tokens that authenticated recently (token-cache.ts). Share it with the
   * TokenService (and tenant deletion) so that revocations made in this
   * process hold from the next request; those made elsewhere are seen within
   * its time to live. Left out, the token row is read on every request.
   */
  readonly cache?: AuthenticatedTokenCache | undefined;
}

/**
 * Resolves `Authorization: Bearer …` to a tenant. The credential is hashed
 * once (HMAC under the server secret), and that keyed hash is compared in
 * constant time with the fixed operator token's (SCIMITAR_TOKEN), looked up
 * in the cache of recently authenticated tokens, and else looked up in the
 * store and compared with the row found.
 */
export class TokenAuthenticator {
  private readonly fixedTokenHash: string | undefined;
  private readonly lastUseWrites = new Map<string, number>();
  /** Last uses not yet written, by token id (see LAST_USE_FLUSH_MS). */
  private pendingUses = new Map<string, string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly cache: AuthenticatedTokenCache | undefined;

  constructor(
    private readonly tenants: TenantStore,
    private readonly hasher: KeyedHasher,
    private readonly defaultTenantId: string,
    fixedToken: string | undefined,
    private readonly clock: () => Date = () => new Date(),
    options: TokenAuthenticatorOptions = {},
  ) {
    this.fixedTokenHash = fixedToken === undefined ? undefined : hasher.hash(fixedToken);
    this.cache = options.cache;
  }

  /** undefined for a missing, malformed, unknown, revoked or expired credential: callers cannot tell which. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedClient | undefined> {
    const outcome = await this.check(authorization);
    return 'client' in outcome ? outcome.client : undefined;
  }

  /**
   * The same check, telling why it failed: for the request log, never for
   * the client (which always gets the same 401). A revoked or expired
   * token names its tenant, so the failure lands in that tenant's log.
   */
  async check(authorization: string | undefined): Promise<AuthenticationOutcome> {
    if (authorization === undefined || authorization === '') return { failure: 'missing', tenantId: undefined };
    const token = parseBearer(authorization);
    if (token === undefined) return { failure: 'malformed', tenantId: undefined };
    const hash = this.hasher.hash(token);
    if (this.fixedTokenHash !== undefined && sameKeyedHash(hash, this.fixedTokenHash)) {
      return { client: { tenantId: this.defaultTenantId, tokenId: undefined } };
    }
    if (this.cache !== undefined) {
      const now = this.clock();
      const cached = this.cache.get(hash, now.getTime());
      if (cached !== undefined) {
        this.recordUse(cached.tokenId, now);
        return { client: { tenantId: cached.tenantId, tokenId: cached.tokenId } };
      }
    }
    const cacheVersion = this.cache?.version();
    const stored = await this.tenants.findTokenByHash(hash);
    // The store looked the row up by hash; checking it again in constant time
    // keeps an adapter's lookup quirk (collation, case folding) from ever letting a near-miss in.
    if (!stored || !sameKeyedHash(hash, stored.hash)) return { failure: 'unknown', tenantId: undefined };
    const now = this.clock();
    if (stored.revokedAt !== undefined) return { failure: 'revoked', tenantId: stored.tenantId };
    if (!tokenIsUsable(stored, now)) return { failure: 'expired', tenantId: stored.tenantId };
    if (this.cache !== undefined && cacheVersion !== undefined) {
      const expiresAtMs = stored.expiresAt === undefined ? undefined : Date.parse(stored.expiresAt);
      this.cache.set(hash, { tenantId: stored.tenantId, tokenId: stored.id, expiresAtMs }, now.getTime(), cacheVersion);
    }
    this.recordUse(stored.id, now);
    return { client: { tenantId: stored.tenantId, tokenId: stored.id } };
  }

  private recordUse(tokenId: string, now: Date): void {
    const last = this.lastUseWrites.get(tokenId) ?? 0;
    if (now.getTime() - last < LAST_USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrites.set(tokenId, now.getTime());
    this.pendingUses.set(tokenId, now.toISOString());
    if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => void this.writeLastUses(), LAST_USE_FLUSH_MS);
      // Last use is informational: it never keeps the process alive (close() writes what still waits: flushLastUses).
      this.flushTimer.unref();
    }
  }

  /** Writes the last uses still waiting for their batch (at shutdown, so the last minute's uses are not lost). */
  flushLastUses(): Promise<void> {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    return this.writeLastUses();
  }

  private writeLastUses(): Promise<void> {
    this.flushTimer = undefined;
    if (this.pendingUses.size === 0) return Promise.resolve();
    const uses = [...this.pendingUses].map(([tokenId, usedAt]) => ({ tokenId, usedAt }));
    this.pendingUses = new Map();
    // A failed write must not fail anything: the next use a minute later writes again.
    return this.tenants.markTokensUsed(uses).catch(() => undefined);
  }
}

/** RFC 6750 §2.1: `Bearer` is case-insensitive, then one or more spaces, then the token. */
export function parseBearer(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer +([\x21-\x7e]+)\s*$/i.exec(authorization);
  return match?.[1];
}
