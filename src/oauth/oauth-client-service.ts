/**
 * The life of a tenant's OAuth 2.0 clients: create, list, rotate the
 * secret, revoke. The CLI and the admin API both call this. Only `create`
 * and `rotate` return a secret, once; only its keyed hash is stored.
 */
import { randomUUID } from 'node:crypto';
import { assertCredentialName } from '../auth/credential-name.js';
import type { KeyedHasher } from '../auth/keyed-hash.js';
import type { AuthenticatedTokenCache } from '../auth/token-cache.js';
import { scimErrors } from '../core/errors/scim-error.js';
import type { OAuthClientStore, OAuthClientWithSecrets, StoredOAuthSecret } from '../store/oauth-client-store.js';
import type { TenantStore } from '../store/store.js';
import { displayPrefix, generateClientId, generateClientSecret } from './credentials.js';

export type OAuthSecretStatus = 'active' | 'expired';

export interface OAuthSecretSummary {
  readonly id: string;
  readonly prefix: string;
  readonly status: OAuthSecretStatus;
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

/** A client as shown to operators: never a secret's hash. */
export interface OAuthClientSummary {
  readonly clientId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly status: 'active' | 'revoked';
  readonly createdAt: string;
  readonly revokedAt: string | undefined;
  readonly secrets: readonly OAuthSecretSummary[];
}

export interface IssuedClientSecret {
  /** The client secret: shown this once. */
  readonly clientSecret: string;
  readonly client: OAuthClientSummary;
}

export interface OAuthClientServiceDependencies {
  readonly tenants: TenantStore;
  readonly clients: OAuthClientStore;
  readonly hasher: KeyedHasher;
  readonly now: () => Date;
  /** The bearer authenticator's cache, so that a revocation or rotation here holds from the next request in this process. */
  readonly cache?: AuthenticatedTokenCache | undefined;
}

/** Whether a secret may authenticate at `now`: a rotation gives the old one an expiry. */
export function secretIsUsable(secret: Pick<StoredOAuthSecret, 'expiresAt'>, now: Date): boolean {
  return secret.expiresAt === undefined || Date.parse(secret.expiresAt) > now.getTime();
}

export function summarizeClient(client: OAuthClientWithSecrets, now: Date): OAuthClientSummary {
  return {
    clientId: client.clientId,
    tenantId: client.tenantId,
    name: client.name,
    status: client.revokedAt === undefined ? 'active' : 'revoked',
    createdAt: client.createdAt,
    revokedAt: client.revokedAt,
    secrets: client.secrets.map((secret) => ({
      id: secret.id,
      prefix: secret.prefix,
      status: secretIsUsable(secret, now) ? 'active' : 'expired',
      createdAt: secret.createdAt,
      expiresAt: secret.expiresAt,
      lastUsedAt: secret.lastUsedAt,
    })),
  };
}

export class OAuthClientService {
  private readonly tenants: TenantStore;
  private readonly clients: OAuthClientStore;
  private readonly hasher: KeyedHasher;
  private readonly now: () => Date;
  private readonly cache: AuthenticatedTokenCache | undefined;

  constructor(dependencies: OAuthClientServiceDependencies) {
    this.tenants = dependencies.tenants;
    this.clients = dependencies.clients;
    this.hasher = dependencies.hasher;
    this.now = dependencies.now;
    this.cache = dependencies.cache;
  }

  async create(tenantId: string, options: { readonly name: string }): Promise<IssuedClientSecret> {
    assertCredentialName(options.name, 'OAuth client');
    await this.requireTenant(tenantId);
    const now = this.now().toISOString();
    const clientId = generateClientId();
    const { clientSecret, record } = this.newSecret(clientId, now);
    await this.clients.insertClient({ clientId, tenantId, name: options.name, createdAt: now, revokedAt: undefined }, record);
    return { clientSecret, client: await this.summary(tenantId, clientId) };
  }

  async list(tenantId: string): Promise<OAuthClientSummary[]> {
    await this.requireTenant(tenantId);
    const now = this.now();
    return (await this.clients.listClients(tenantId)).map((client) => summarizeClient(client, now));
  }

  async get(tenantId: string, clientId: string): Promise<OAuthClientSummary> {
    await this.requireTenant(tenantId);
    return this.summary(tenantId, clientId);
  }

  /**
   * A new secret now; the previous ones (and the access tokens they issued)
   * keep working for `overlapMs` more, never longer than they already
   * would, so the identity provider can be given the new secret without a
   * failed request. An overlap of 0 ends them at once.
   */
  async rotate(tenantId: string, clientId: string, options: { readonly overlapMs: number }): Promise<IssuedClientSecret> {
    if (!Number.isSafeInteger(options.overlapMs) || options.overlapMs < 0) {
      throw scimErrors.invalidValue('The overlap must be a whole, non-negative duration');
    }
    const client = await this.find(tenantId, clientId);
    if (client.revokedAt !== undefined) {
      throw scimErrors.invalidValue(`OAuth client ${clientId} is revoked and cannot be rotated; create a new client instead`);
    }
    const now = this.now();
    const { clientSecret, record } = this.newSecret(clientId, now.toISOString());
    await this.clients.rotateSecret(record, new Date(now.getTime() + options.overlapMs).toISOString());
    this.cache?.forgetTenant(tenantId);
    return { clientSecret, client: await this.summary(tenantId, clientId) };
  }

  /** The client stops authenticating, and every access token it was issued stops working, from the next request on every instance. */
  async revoke(tenantId: string, clientId: string): Promise<OAuthClientSummary> {
    await this.find(tenantId, clientId);
    await this.clients.revokeClient(tenantId, clientId, this.now().toISOString());
    this.cache?.forgetTenant(tenantId);
    return this.summary(tenantId, clientId);
  }

  /** Removes the access tokens expired by now (every tenant's); returns how many. Run hourly by AccessTokenPurge. */
  purgeExpiredAccessTokens(): Promise<number> {
    return this.clients.deleteExpiredAccessTokens(this.now().toISOString());
  }

  private newSecret(clientId: string, now: string): { clientSecret: string; record: StoredOAuthSecret } {
    const clientSecret = generateClientSecret();
    return {
      clientSecret,
      record: {
        id: randomUUID(),
        clientId,
        prefix: displayPrefix(clientSecret),
        hash: this.hasher.hash(clientSecret),
        createdAt: now,
        expiresAt: undefined,
        lastUsedAt: undefined,
      },
    };
  }

  private async summary(tenantId: string, clientId: string): Promise<OAuthClientSummary> {
    return summarizeClient(await this.find(tenantId, clientId), this.now());
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.tenants.getTenant(tenantId))) throw scimErrors.notFound(`No tenant "${tenantId}"`);
  }

  private async find(tenantId: string, clientId: string): Promise<OAuthClientWithSecrets> {
    await this.requireTenant(tenantId);
    const client = await this.clients.getClient(tenantId, clientId);
    if (!client) throw scimErrors.notFound(`No OAuth client "${clientId}" in tenant "${tenantId}"`);
    return client;
  }
}
