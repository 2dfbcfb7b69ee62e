/**
 * The client credentials grant (RFC 6749 §4.4): authenticates a client by
 * its id and secret and issues a short-lived access token.
 *
 * Access tokens are opaque random strings stored as keyed hashes in the
 * `tokens` table, each row naming the secret that issued it — not signed
 * JWTs. The SCIM API then authenticates them on the one bearer path every
 * token takes (src/auth/tokens.ts), and revocation works as it does for
 * any token: revoking the client or rotating its secret with no overlap
 * deletes or re-expires the rows in the transaction that notifies every
 * instance (PostgreSQL NOTIFY; SQLite reads the row per request), so the
 * tokens stop within milliseconds everywhere. A JWT would be checked
 * without the database and so stay valid until it expired, unless every
 * instance also kept a revocation list — the same database read, plus
 * signing keys to rotate. The cost is a row per token, removed once
 * expired (access-token-purge.ts).
 */
import { randomUUID } from 'node:crypto';
import { sameKeyedHash, type KeyedHasher } from '../auth/keyed-hash.js';
import type { OAuthClientStore, StoredOAuthClient, StoredOAuthSecret } from '../store/oauth-client-store.js';
import { generateAccessToken, displayPrefix } from './credentials.js';
import { clientAuthenticationFailed } from './oauth-error.js';
import { secretIsUsable } from './oauth-client-service.js';
import { grantedScope, type ClientCredentialsRequest } from './token-request.js';

/** RFC 6749 §5.1. */
export interface AccessTokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  /** Seconds. */
  readonly expires_in: number;
  readonly scope?: string;
}

export interface IssuedAccessToken {
  readonly response: AccessTokenResponse;
  readonly tenantId: string;
  readonly clientId: string;
}

/** A client whose credentials were checked, and the scope it is granted. */
export interface AuthenticatedOAuthClient {
  readonly client: StoredOAuthClient;
  readonly secret: StoredOAuthSecret;
  readonly scope: string | undefined;
}

export interface TokenIssuerDependencies {
  readonly clients: OAuthClientStore;
  readonly hasher: KeyedHasher;
  readonly now: () => Date;
  /** Lifetime of an access token, in seconds (SCIMITAR_OAUTH_TOKEN_LIFETIME). */
  readonly accessTokenLifetimeSeconds: number;
}

export class TokenIssuer {
  constructor(private readonly dependencies: TokenIssuerDependencies) {}

  /**
   * Authenticates the client; throws an OAuthError. `tenantId` is the
   * tenant the token endpoint's URL names (undefined: the client's own, at
   * /oauth/token); a client of another tenant fails exactly like a wrong
   * secret, so the answer tells nothing of either.
   */
  async authenticate(request: ClientCredentialsRequest, tenantId: string | undefined): Promise<AuthenticatedOAuthClient> {
    const { clients, hasher, now: clock } = this.dependencies;
    const hash = hasher.hash(request.clientSecret);
    const match = await clients.findSecretByHash(hash);
    // Looked up by hash; compared again in constant time, as bearer tokens are.
    if (match === undefined || !sameKeyedHash(hash, match.secret.hash) || match.client.clientId !== request.clientId) throw clientAuthenticationFailed('unknown');
    const { client, secret } = match;
    if (tenantId !== undefined && client.tenantId !== tenantId) throw clientAuthenticationFailed('wrong_tenant');
    if (client.revokedAt !== undefined) throw clientAuthenticationFailed('revoked', client.tenantId);
    if (!secretIsUsable(secret, clock())) throw clientAuthenticationFailed('expired', client.tenantId);
    return { client, secret, scope: grantedScope(request.scope) };
  }

  /** Issues an access token to an authenticated client. */
  async issue(authenticated: AuthenticatedOAuthClient): Promise<IssuedAccessToken> {
    const { clients, hasher, now: clock } = this.dependencies;
    const { client, secret, scope } = authenticated;
    const now = clock();
    // A token never outlives the secret that issued it (a rotation's overlap).
    const lifetimeEnd = now.getTime() + this.dependencies.accessTokenLifetimeSeconds * 1000;
    const expiresAtMs = secret.expiresAt === undefined ? lifetimeEnd : Math.min(lifetimeEnd, Date.parse(secret.expiresAt));
    const accessToken = generateAccessToken();
    const nowText = now.toISOString();
    await clients.insertAccessToken({
      id: randomUUID(),
      tenantId: client.tenantId,
      secretId: secret.id,
      name: `oauth ${client.clientId}`,
      prefix: displayPrefix(accessToken),
      hash: hasher.hash(accessToken),
      createdAt: nowText,
      expiresAt: new Date(expiresAtMs).toISOString(),
    });
    // Informational, like a token's last use: a failed write must not fail the grant.
    clients.markSecretUsed(secret.id, nowText).catch(() => undefined);
    return {
      tenantId: client.tenantId,
      clientId: client.clientId,
      response: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: Math.max(0, Math.floor((expiresAtMs - now.getTime()) / 1000)),
        ...(scope !== undefined ? { scope } : {}),
      },
    };
  }
}
