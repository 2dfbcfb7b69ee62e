/**
 * The one place the server's schemas are assembled. The server, every CLI
 * command and `migrate` build them from the same options, so `scimitar users
 * show` reads a resource with the attributes the server validated it with,
 * an embedding app's extensions included.
 */
import { createDefaultRegistry, type SchemaExtensionDefinition, type SchemaRegistry } from '../core/schema/registry.js';

/** What an embedding app adds to the built-in schemas: give the same to createScimitar and runCli. */
export interface SchemaOptions {
  /** Extension schemas of the built-in resource types, for every tenant. */
  readonly schemaExtensions?: readonly SchemaExtensionDefinition[];
}

export function buildSchemaRegistry(options: SchemaOptions = {}): SchemaRegistry {
  return createDefaultRegistry(options.schemaExtensions ?? []);
}
