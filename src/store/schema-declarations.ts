/**
 * The storage port of each tenant's own schemas: the extension schemas its
 * operator declared (src/tenant-schemas) and what the tenant does with
 * extension namespaces nobody declared.
 */
import type { AttributeDefinition, ResourceTypeName } from '../core/schema/attribute.js';
import type { UndeclaredExtensionPolicy } from '../core/resource/undeclared-extensions.js';

/** An extension schema as declared for one tenant (RFC 7643 §7 shape, attached to one resource type). */
export interface StoredSchemaDeclaration {
  readonly tenantId: string;
  /** The schema URN as the operator wrote it; unique per tenant whatever its case. */
  readonly schemaId: string;
  readonly resourceType: ResourceTypeName;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
  readonly updatedAt: string;
}

export interface SchemaDeclarationStore {
  /** The tenant's declarations, by schema URN. */
  listDeclarations(tenantId: string): Promise<readonly StoredSchemaDeclaration[]>;
  /** Creates or replaces the declaration of `schemaId` (compared case-insensitively). */
  putDeclaration(declaration: StoredSchemaDeclaration): Promise<void>;
  /** False when the tenant declared no such schema. */
  deleteDeclaration(tenantId: string, schemaId: string): Promise<boolean>;
  /** `keep` unless the tenant was made strict. */
  undeclaredExtensions(tenantId: string): Promise<UndeclaredExtensionPolicy>;
  setUndeclaredExtensions(tenantId: string, policy: UndeclaredExtensionPolicy, now: string): Promise<void>;
  /**
   * The last time any tenant's schemas changed (a declaration or the
   * policy), '' when never: instances compare it to drop their caches.
   */
  lastChange(): Promise<string>;
}
