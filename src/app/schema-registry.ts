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
  /**
   * A registry the app built itself with createDefaultRegistry (its
   * extensions and resource types of its own), instead of `schemaExtensions`.
   */
  readonly registry?: SchemaRegistry;
}

export function buildSchemaRegistry(options: SchemaOptions = {}): SchemaRegistry {
  if (options.registry !== undefined) {
    if (options.schemaExtensions !== undefined) throw new TypeError('Give schemaExtensions or a registry built with them, not both');
    return options.registry;
  }
  return createDefaultRegistry(options.schemaExtensions ?? []);
}
