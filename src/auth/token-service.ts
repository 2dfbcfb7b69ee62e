/**
 * The life of a tenant's bearer tokens: create, list, revoke, rotate. The
 * CLI and the admin API both call this, so both behave the same. What it
 * returns never holds a hash: only `create` and `rotate` return a secret,
 * once.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import type { StoredToken, TenantStore } from '../store/store.js';
import { assertCredentialName } from './credential-name.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { AuthenticatedTokenCache } from './token-cache.js';
import { issueToken, tokenIsUsable } from './tokens.js';

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** A token as shown to operators: everything but the hash. */
export interface TokenSummary {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** The first characters of the token, to recognise it. */
  readonly prefix: string;
  readonly status: TokenStatus;
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
  /** The setup link through which the customer's IT admin created it in the setup portal; undefined when the operator did. */
  readonly setupLinkId: string | undefined;
}

export interface NewTokenResult {
  /** The bearer token itself: shown this once, only its keyed hash is stored. */
  readonly token: string;
  readonly summary: TokenSummary;
}

export interface RotationResult extends NewTokenResult {
  /** The rotated token, now expiring at the end of the overlap. */
  readonly previous: TokenSummary;
}

export interface TokenServiceDependencies {
  readonly tenants: TenantStore;
  readonly hasher: KeyedHasher;
  readonly now: () => Date;
  /** The TokenAuthenticator's cache, so that a revocation or rotation here holds from the next request. */
  readonly cache?: AuthenticatedTokenCache | undefined;
}

export function summarizeToken(token: StoredToken, now: Date): TokenSummary {
  const status: TokenStatus = token.revokedAt !== undefined ? 'revoked' : tokenIsUsable(token, now) ? 'active' : 'expired';
  return {
    id: token.id,
    tenantId: token.tenantId,
    name: token.name,
    prefix: token.prefix,
    status,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
    setupLinkId: token.setupLinkId,
  };
}

/** What a new token is: its name, its expiry (none by default), and the setup link creating it, if any. */
export interface NewTokenOptions {
  readonly name: string;
  readonly expiresAt?: Date | undefined;
  /** Set by the setup portal (src/setup-links/portal-tokens.ts), so the operator sees which tokens the customer made. */
  readonly setupLinkId?: string | undefined;
}

export class TokenService {
  private readonly tenants: TenantStore;
  private readonly hasher: KeyedHasher;
  private readonly now: () => Date;
  private readonly cache: AuthenticatedTokenCache | undefined;

  constructor(dependencies: TokenServiceDependencies) {
    this.tenants = dependencies.tenants;
    this.hasher = dependencies.hasher;
    this.now = dependencies.now;
    this.cache = dependencies.cache;
  }

  async create(tenantId: string, options: NewTokenOptions): Promise<NewTokenResult> {
    assertCredentialName(options.name, 'token');
    await this.requireTenant(tenantId);
    const now = this.now();
    if (options.expiresAt !== undefined && options.expiresAt.getTime() <= now.getTime()) {
      throw scimErrors.invalidValue(`The expiry ${options.expiresAt.toISOString()} is not in the future`);
    }
    const issued = await issueToken(this.tenants, this.hasher, tenantId, options.name, now, options.expiresAt, options.setupLinkId);
    return { token: issued.token, summary: summarizeToken(issued.record, now) };
  }

  async list(tenantId: string): Promise<TokenSummary[]> {
    await this.requireTenant(tenantId);
    const now = this.now();
    return (await this.tenants.listTokens(tenantId)).map((token) => summarizeToken(token, now));
  }

  /**
   * Effective from the next request on this instance (its authentication
   * cache forgets the token); other instances see it within their cache's
   * time to live (token-cache.ts).
   */
  async revoke(tenantId: string, tokenId: string): Promise<TokenSummary> {
    await this.find(tenantId, tokenId);
    const now = this.now();
    await this.tenants.revokeToken(tenantId, tokenId, now.toISOString());
    this.cache?.forgetToken(tokenId);
    return summarizeToken(await this.find(tenantId, tokenId), now);
  }

  /**
   * Issues a successor with the same name and lets the old token work for
   * `overlapMs` more, so an identity provider can be reconfigured without a
   * failed request. An old token already expiring sooner keeps its expiry:
   * rotating must never extend a token's life. The successor names the
   * setup link given (the portal rotating it), else the old token's.
   */
  async rotate(
    tenantId: string,
    tokenId: string,
    options: { readonly overlapMs: number; readonly expiresAt?: Date | undefined; readonly setupLinkId?: string | undefined },
  ): Promise<RotationResult> {
    if (!Number.isSafeInteger(options.overlapMs) || options.overlapMs < 0) {
      throw scimErrors.invalidValue('The overlap must be a whole, non-negative duration');
    }
    const current = await this.find(tenantId, tokenId);
    const now = this.now();
    if (current.revokedAt !== undefined) {
      throw scimErrors.invalidValue(`Token ${tokenId} is revoked and cannot be rotated; create a new token instead`);
    }
    if (!tokenIsUsable(current, now)) {
      throw scimErrors.invalidValue(`Token ${tokenId} has expired and cannot be rotated; create a new token instead`);
    }
    const created = await this.create(tenantId, { name: current.name, expiresAt: options.expiresAt, setupLinkId: options.setupLinkId ?? current.setupLinkId });
    const overlapEnd = now.getTime() + options.overlapMs;
    const previousExpiry = current.expiresAt === undefined ? overlapEnd : Math.min(Date.parse(current.expiresAt), overlapEnd);
    await this.tenants.expireToken(tenantId, tokenId, new Date(previousExpiry).toISOString());
    this.cache?.forgetToken(tokenId);
    return { ...created, previous: summarizeToken(await this.find(tenantId, tokenId), now) };
  }

  /** For tenant deletion: the deleted tenant's tokens stop authenticating on this instance from the next request. */
  forgetTenant(tenantId: string): void {
    this.cache?.forgetTenant(tenantId);
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.tenants.getTenant(tenantId))) throw scimErrors.notFound(`No tenant "${tenantId}"`);
  }

  private async find(tenantId: string, tokenId: string): Promise<StoredToken> {
    await this.requireTenant(tenantId);
    const token = (await this.tenants.listTokens(tenantId)).find((candidate) => candidate.id === tokenId);
    if (!token) throw scimErrors.notFound(`No token "${tokenId}" in tenant "${tenantId}"`);
    return token;
  }
}
