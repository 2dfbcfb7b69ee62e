/**
 * The storage of tenants' OAuth 2.0 clients (src/oauth): each client, its
 * secrets (only keyed hashes), and the access tokens its secrets issued —
 * rows of `tokens` that name their secret, so that the bearer path reads
 * them like any token and whatever ends a secret ends its tokens in the
 * same transaction.
 */

export interface StoredOAuthClient {
  /** The public identifier an identity provider is configured with; random, hence also the key. */
  readonly clientId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | undefined;
}

export interface StoredOAuthSecret {
  readonly id: string;
  readonly clientId: string;
  /** The first characters of the secret, safe to show in listings. */
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: string;
  /** Set by a rotation: the end of its overlap. */
  readonly expiresAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

export interface OAuthClientWithSecrets extends StoredOAuthClient {
  /** Oldest first. */
  readonly secrets: readonly StoredOAuthSecret[];
}

/** A secret found by its hash, with the client it belongs to. */
export interface OAuthSecretMatch {
  readonly secret: StoredOAuthSecret;
  readonly client: StoredOAuthClient;
}

/** An access token issued with a secret: the `tokens` row to insert. */
export interface NewAccessToken {
  readonly id: string;
  readonly tenantId: string;
  readonly secretId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface OAuthClientStore {
  /** The client and its first secret, together. The tenant must exist (a TypeError otherwise: the service checks it first). */
  insertClient(client: StoredOAuthClient, secret: StoredOAuthSecret): Promise<void>;
  /** The tenant's clients with their secrets, oldest first. */
  listClients(tenantId: string): Promise<readonly OAuthClientWithSecrets[]>;
  getClient(tenantId: string, clientId: string): Promise<OAuthClientWithSecrets | undefined>;
  findSecretByHash(hash: string): Promise<OAuthSecretMatch | undefined>;
  /**
   * A rotation: adds `successor`, and ends each of the client's other
   * secrets at `previousExpiresAt` (an earlier expiry is kept), their access
   * tokens with them (the bearer lookup reads a token's secret). One
   * transaction, signalled to every instance.
   */
  rotateSecret(successor: StoredOAuthSecret, previousExpiresAt: string): Promise<void>;
  /** Marks the client revoked (the first time is kept), and with it every access token its secrets issued (the bearer lookup reads the client); signalled to every instance. False when absent. */
  revokeClient(tenantId: string, clientId: string, now: string): Promise<boolean>;
  markSecretUsed(secretId: string, now: string): Promise<void>;
  /** Stores an access token issued with a secret. */
  insertAccessToken(token: NewAccessToken): Promise<void>;
  /** Deletes every access token expired at `now` (retention; a secret's or client's end is no row's expiry, but comes before it); returns how many. */
  deleteExpiredAccessTokens(now: string): Promise<number>;
}
