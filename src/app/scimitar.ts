/**
 * The composition root: builds the store, services and HTTP app from a
 * configuration. The CLI, the tests and an embedding app all start here.
 */
import type { FastifyInstance } from 'fastify';
import { issueToken, TokenAuthenticator } from '../auth/tokens.js';
import type { ScimitarConfig } from '../config/config.js';
import type { ServiceProviderSettings } from '../core/discovery/index.js';
import { createDefaultRegistry, type SchemaRegistry } from '../core/schema/registry.js';
import { buildHttpApp } from '../http/app.js';
import { createScryptHasher, type PasswordHasher } from '../services/passwords.js';
import { ResourceService } from '../services/resources/resource-service.js';
import { openStore } from './open-store.js';
import type { Store } from '../store/store.js';

export const DEFAULT_TENANT_ID = 'default';

export interface Scimitar {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly registry: SchemaRegistry;
  readonly resources: ResourceService;
  /** Set on the very first start without SCIMITAR_TOKEN: the generated token, to show once. */
  readonly generatedToken: string | undefined;
  close(): Promise<void>;
}

export interface ScimitarOverrides {
  readonly registry?: SchemaRegistry;
  readonly passwords?: PasswordHasher;
  readonly now?: () => Date;
}

export async function createScimitar(config: ScimitarConfig, overrides: ScimitarOverrides = {}): Promise<Scimitar> {
  const registry = overrides.registry ?? createDefaultRegistry();
  const now = overrides.now ?? (() => new Date());
  const store = await openStore(config.database, registry);
  try {
    await store.tenants.ensureTenant(DEFAULT_TENANT_ID, 'Default directory', now().toISOString());
    let generatedToken: string | undefined;
    if (config.token === undefined && (await store.tenants.listTokens(DEFAULT_TENANT_ID)).length === 0) {
      generatedToken = (await issueToken(store.tenants, DEFAULT_TENANT_ID, 'initial token', now())).token;
    }
    const resources = new ResourceService({ store, registry, passwords: overrides.passwords ?? createScryptHasher(), now });
    const serviceProvider: ServiceProviderSettings = {
      maxPageSize: config.maxPageSize,
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: config.bodyLimit },
      changePasswordSupported: true,
      sortSupported: true,
      etagSupported: true,
    };
    const app = await buildHttpApp({
      store,
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
      bodyLimit: config.bodyLimit,
      scim: {
        resources,
        registry,
        authenticator: new TokenAuthenticator(store.tenants, DEFAULT_TENANT_ID, config.token, now),
        serviceProvider,
        list: { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize },
        publicUrl: config.publicUrl,
      },
    });
    return {
      app,
      store,
      registry,
      resources,
      generatedToken,
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
