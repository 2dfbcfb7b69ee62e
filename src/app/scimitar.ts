/**
 * The composition root: builds the store, services and HTTP app from a
 * configuration. The CLI, the tests and an embedding app all start here.
 */
import type { FastifyInstance } from 'fastify';
import { AdminKeyAuthenticator, AdminKeyService } from '../auth/admin-keys.js';
import { AuthFailureThrottle } from '../auth/failure-throttle.js';
import { createKeyedHasher, type KeyedHasher } from '../auth/keyed-hash.js';
import { loadServerSecret, type ServerSecret } from '../auth/server-secret.js';
import { TokenService } from '../auth/token-service.js';
import { TokenAuthenticator } from '../auth/tokens.js';
import type { ScimitarConfig } from '../config/config.js';
import type { ServiceProviderSettings } from '../core/discovery/index.js';
import { createDefaultRegistry, type SchemaRegistry } from '../core/schema/registry.js';
import { buildHttpApp } from '../http/app.js';
import { BulkService } from '../services/bulk/index.js';
import { createScryptHasher, type PasswordHasher } from '../services/passwords.js';
import { ResourceService } from '../services/resources/resource-service.js';
import type { Store } from '../store/store.js';
import { TenantRateLimiter } from '../tenancy/tenant-rate-limiter.js';
import { TenantService } from '../tenancy/tenant-service.js';
import { openStore } from './open-store.js';

export const DEFAULT_TENANT_ID = 'default';
export const DEFAULT_TENANT_NAME = 'Default directory';

/** The services over one store, shared by the HTTP server and the CLI. */
export interface ScimitarServices {
  readonly resources: ResourceService;
  readonly tenants: TenantService;
  readonly tokens: TokenService;
  readonly adminKeys: AdminKeyService;
  /** Keys the hashes of tokens and admin keys with the server secret. */
  readonly hasher: KeyedHasher;
}

export interface ScimitarServiceDependencies {
  readonly store: Store;
  readonly registry: SchemaRegistry;
  /** The server secret's value (loadServerSecret). */
  readonly secret: string;
  readonly passwords: PasswordHasher;
  readonly now: () => Date;
}

export function createScimitarServices(dependencies: ScimitarServiceDependencies): ScimitarServices {
  const { store, registry, now } = dependencies;
  const hasher = createKeyedHasher(dependencies.secret);
  const tokens = new TokenService({ tenants: store.tenants, hasher, now });
  return {
    resources: new ResourceService({ store, registry, passwords: dependencies.passwords, now }),
    tenants: new TenantService({ tenants: store.tenants, tokens, defaultTenantId: DEFAULT_TENANT_ID, now }),
    tokens,
    adminKeys: new AdminKeyService({ tenants: store.tenants, hasher, now }),
    hasher,
  };
}

export interface Scimitar extends ScimitarServices {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly registry: SchemaRegistry;
  /** Set on the very first start without SCIMITAR_TOKEN: the generated token, to show once. */
  readonly generatedToken: string | undefined;
  /** Where the server secret came from (never its value). */
  readonly secret: Pick<ServerSecret, 'source' | 'file'>;
  close(): Promise<void>;
}

export interface ScimitarOverrides {
  readonly registry?: SchemaRegistry;
  readonly passwords?: PasswordHasher;
  /** The clock of everything time-dependent: timestamps, token expiry, throttling, rate limits. */
  readonly now?: () => Date;
}

export async function createScimitar(config: ScimitarConfig, overrides: ScimitarOverrides = {}): Promise<Scimitar> {
  const registry = overrides.registry ?? createDefaultRegistry();
  const now = overrides.now ?? (() => new Date());
  // Before the store opens: with PostgreSQL and no SCIMITAR_SECRET this stops the start.
  const secret = loadServerSecret(config.secret, config.database);
  const store = await openStore(config.database, registry);
  try {
    await store.tenants.ensureTenant(DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME, now().toISOString());
    const services = createScimitarServices({ store, registry, secret: secret.value, passwords: overrides.passwords ?? createScryptHasher(), now });
    let generatedToken: string | undefined;
    if (config.token === undefined && (await store.tenants.listTokens(DEFAULT_TENANT_ID)).length === 0) {
      generatedToken = (await services.tokens.create(DEFAULT_TENANT_ID, { name: 'initial token' })).token;
    }
    const serviceProvider: ServiceProviderSettings = {
      maxPageSize: config.maxPageSize,
      bulk: { supported: true, maxOperations: config.bulk.maxOperations, maxPayloadSize: config.bulk.maxPayloadSize },
      changePasswordSupported: true,
      sortSupported: true,
      etagSupported: true,
      // RFC 9865: keyset cursors hold a position, not server state, so they never expire (no cursorTimeout).
      pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize },
    };
    const list = { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize };
    const throttleSettings = { limit: config.authFailures.limit, windowMs: config.authFailures.windowSeconds * 1000 };
    const app = await buildHttpApp({
      store,
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
      bodyLimit: config.bodyLimit,
      scim: {
        resources: services.resources,
        registry,
        authenticator: new TokenAuthenticator(store.tenants, services.hasher, DEFAULT_TENANT_ID, config.token, now),
        authFailures: new AuthFailureThrottle(throttleSettings, now),
        rateLimiter: new TenantRateLimiter(config.rateLimit, now),
        serviceProvider,
        list,
        publicUrl: config.publicUrl,
        bulk: {
          service: new BulkService({ resources: services.resources, maxOperations: config.bulk.maxOperations }),
          maxPayloadSize: config.bulk.maxPayloadSize,
        },
      },
      admin: {
        tenants: services.tenants,
        tokens: services.tokens,
        resources: services.resources,
        authenticator: new AdminKeyAuthenticator(store.tenants, services.hasher, now),
        authFailures: new AuthFailureThrottle(throttleSettings, now),
        list,
        publicUrl: config.publicUrl,
      },
    });
    return {
      ...services,
      app,
      store,
      registry,
      generatedToken,
      secret: { source: secret.source, file: secret.file },
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
