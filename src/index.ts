/**
 * Scimitar's public API for embedding (what `import … from 'scimitar'`
 * gives): build the whole server from a configuration, with in-process hooks
 * on every change, and mount it in an existing app (`scimitar.fastifyPlugin`,
 * `scimitar.handler()` for Express, Connect and node:http; docs/embedding.md). The
 * types named in these signatures are exported with them, so a host app can
 * write them down.
 */
export { createScimitar, DEFAULT_TENANT_ID, type Scimitar, type ScimitarOverrides, type ScimitarServices } from './app/scimitar.js';
export type { MountPluginOptions } from './embedding/mounts.js';
export type { NodeHandler, NodeHandlerOptions } from './embedding/node-handler.js';
export { loadConfig, ConfigError, type ScimitarConfig, type DatabaseConfig, type WebhookSettings } from './config/config.js';
export { scimPlugin, type ScimPluginOptions } from './http/scim/plugin.js';
export { buildHttpApp, SCIM_PREFIX } from './http/app.js';
export { ResourceService, type RequestContext, type ResourceResponse } from './services/resources/resource-service.js';
export { createScryptHasher, type PasswordHasher } from './services/passwords.js';
export { TokenAuthenticator, issueToken, hashToken } from './auth/tokens.js';
export { ScimError, scimErrors, type ScimType } from './core/errors/scim-error.js';
export { createDefaultRegistry, SchemaRegistry, ResourceSchemas, type SchemaExtensionDefinition } from './core/schema/registry.js';
export type { SchemaResolver } from './core/schema/schema-resolver.js';
export type { SchemaOptions } from './app/schema-registry.js';
export { runCli, type CliOptions } from './cli/program.js';
export { defineResourceType, type CustomResourceType, type CustomResourceTypeOptions, type ResourceTypeFacts } from './core/schema/resource-types.js';
export { attribute, complex, multiValuedComplex, type AttributeDefinition, type SchemaDefinition } from './core/schema/attribute.js';
export type { Store, StoreReader, StoreWriter, TenantStore, StoredResource } from './store/store.js';
export { EVENT_TYPES, MAX_MEMBERS_PER_EVENT, type EventType, type ScimitarEvent, type EventData, type EventMember } from './events/event.js';
export type { EventHooks, EventHandler, ExistingUserCandidate, LinkExistingUser } from './events/hooks.js';
export type { AppTransaction, AppSqlValue, AppSqlPart, AppTableName, AppRow } from './events/app-transaction.js';
export { EventNotifier } from './events/notifier.js';
export { DEFAULT_CONSUMER_MAX_ATTEMPTS, type ConsumerOptions, type ConsumerHandle, type ConsumerHandler } from './consumers/consumer.js';
export type { EventStore, EventPosition } from './store/store.js';
