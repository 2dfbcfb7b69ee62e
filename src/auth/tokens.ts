/**
 * Bearer tokens. A token is 32 random bytes (base64url) behind a readable
 * prefix; only its SHA-256 digest is stored. A digest of a 256-bit random
 * secret needs no slow hash: there is nothing to brute-force.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { StoredToken, TenantStore } from '../store/store.js';

export const TOKEN_PREFIX = 'scim_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The part shown in listings: enough to recognise a token, useless to an attacker. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

export interface IssuedToken {
  readonly token: string;
  readonly record: StoredToken;
}

export async function issueToken(tenants: TenantStore, tenantId: string, name: string, now: Date, expiresAt?: Date): Promise<IssuedToken> {
  const token = generateToken();
  const record: StoredToken = {
    id: randomUUID(),
    tenantId,
    name,
    prefix: tokenDisplayPrefix(token),
    hash: hashToken(token),
    createdAt: now.toISOString(),
    expiresAt: expiresAt?.toISOString(),
    revokedAt: undefined,
    lastUsedAt: undefined,
  };
  await tenants.insertToken(record);
  return { token, record };
}

export interface AuthenticatedClient {
  readonly tenantId: string;
  /** undefined for the operator's fixed SCIMITAR_TOKEN. */
  readonly tokenId: string | undefined;
}

/** How often last-use timestamps are written, at most, per token. */
const LAST_USE_WRITE_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer …` to a tenant. The fixed operator token
 * (SCIMITAR_TOKEN) is compared in constant time; stored tokens are looked up
 * by digest, which reveals nothing about the secret.
 */
export class TokenAuthenticator {
  private readonly fixedTokenDigest: Buffer | undefined;
  private readonly lastUseWrites = new Map<string, number>();

  constructor(
    private readonly tenants: TenantStore,
    private readonly defaultTenantId: string,
    fixedToken: string | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.fixedTokenDigest = fixedToken === undefined ? undefined : createHash('sha256').update(fixedToken, 'utf8').digest();
  }

  async authenticate(authorization: string | undefined): Promise<AuthenticatedClient | undefined> {
    const token = parseBearer(authorization);
    if (token === undefined) return undefined;
    if (this.fixedTokenDigest) {
      const digest = createHash('sha256').update(token, 'utf8').digest();
      if (timingSafeEqual(digest, this.fixedTokenDigest)) return { tenantId: this.defaultTenantId, tokenId: undefined };
    }
    const stored = await this.tenants.findTokenByHash(hashToken(token));
    if (!stored) return undefined;
    const now = this.clock();
    if (stored.revokedAt !== undefined) return undefined;
    if (stored.expiresAt !== undefined && Date.parse(stored.expiresAt) <= now.getTime()) return undefined;
    this.recordUse(stored.id, now);
    return { tenantId: stored.tenantId, tokenId: stored.id };
  }

  private recordUse(tokenId: string, now: Date): void {
    const last = this.lastUseWrites.get(tokenId) ?? 0;
    if (now.getTime() - last < LAST_USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrites.set(tokenId, now.getTime());
    // Last use is informational; a failed write must not fail the request.
    this.tenants.markTokenUsed(tokenId, now.toISOString()).catch(() => undefined);
  }
}

/** RFC 6750 §2.1: `Bearer` is case-insensitive, then one or more spaces, then the token. */
export function parseBearer(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer +([\x21-\x7e]+)\s*$/i.exec(authorization);
  return match?.[1];
}
