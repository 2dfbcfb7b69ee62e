/**
 * What every management command runs against: the configured database,
 * opened directly (SQLite or PostgreSQL, no HTTP), with the same services
 * and the same server secret as the server, so tokens created here work
 * there.
 */
import { openStore } from '../app/open-store.js';
import { createScimitarServices, DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME, type ScimitarServices } from '../app/scimitar.js';
import { loadServerSecret } from '../auth/server-secret.js';
import { loadConfig, type ScimitarConfig } from '../config/config.js';
import { buildSchemaRegistry, type SchemaOptions } from '../app/schema-registry.js';
import { createScryptHasher } from '../services/passwords.js';
import type { Store } from '../store/store.js';

export interface CliContext {
  readonly config: ScimitarConfig;
  readonly store: Store;
  readonly services: ScimitarServices;
  /** The server's public origin, for tenants' SCIM base URLs: SCIMITAR_PUBLIC_URL, else a guess from HOST and PORT. */
  readonly origin: string;
  /** Set when `origin` is a guess (no SCIMITAR_PUBLIC_URL): says so, and what to set, next to every URL printed. */
  readonly originGuess: string | undefined;
  readonly now: () => Date;
}

/** How the commands of one run reach their context; the run's schema options go with it. */
export interface CliContexts {
  /** Opens the configured database, runs `work` with the services over it, and closes it. */
  withCliContext<T>(work: (context: CliContext) => Promise<T>): Promise<T>;
}

/** The contexts of a run of the CLI with these schemas: an embedding app passes the options its server has. */
export function cliContexts(schemaOptions: SchemaOptions): CliContexts {
  return { withCliContext: (work) => withCliContext(schemaOptions, work) };
}

async function withCliContext<T>(schemaOptions: SchemaOptions, work: (context: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const now = () => new Date();
  const secret = loadServerSecret(config.secret, config.database);
  const registry = buildSchemaRegistry(schemaOptions);
  const store = await openStore(config.database, registry);
  try {
    // The server creates the default tenant on start; the CLI may run first.
    await store.tenants.ensureTenant(DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME, now().toISOString());
    const services = createScimitarServices({ store, registry, secret: secret.value, passwords: createScryptHasher(), now, webhookSettings: config.webhooks });
    const origin = config.publicUrl ?? guessedOrigin(config);
    const originGuess = config.publicUrl === undefined ? ORIGIN_GUESS : undefined;
    return await work({ config, store, services, origin, originGuess, now });
  } finally {
    await store.close();
  }
}

const ORIGIN_GUESS = 'a guess from HOST and PORT: set SCIMITAR_PUBLIC_URL to the address identity providers reach';

/**
 * Where a server started with this configuration listens, as seen from this
 * machine: an identity provider elsewhere needs the public address
 * (SCIMITAR_PUBLIC_URL), which only the operator knows.
 */
function guessedOrigin(config: Pick<ScimitarConfig, 'host' | 'port'>): string {
  const listensEverywhere = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = listensEverywhere ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
