/**
 * One tenant's schemas: the server's own, plus the extension schemas its
 * operator declared, with its policy for namespaces nobody declared.
 */
import type { UndeclaredExtensionPolicy } from '../core/resource/undeclared-extensions.js';
import type { SchemaDefinition } from '../core/schema/attribute.js';
import { SchemaRegistry } from '../core/schema/registry.js';
import type { ResourceTypeFacts } from '../core/schema/resource-types.js';
import type { StoredSchemaDeclaration } from '../store/schema-declarations.js';

/**
 * The registry of the tenants that declared nothing, one per base and
 * policy. Most tenants declare nothing; sharing theirs keeps one copy of the
 * schemas and of what is computed per registry and kept with it (projection
 * tables, compiled serialisers) instead of 10,000 copies, each cold on its
 * tenant's first requests.
 */
const undeclaredRegistries = new WeakMap<SchemaRegistry, Map<UndeclaredExtensionPolicy, SchemaRegistry>>();

function sharedRegistry(base: SchemaRegistry, policy: UndeclaredExtensionPolicy): SchemaRegistry {
  let byPolicy = undeclaredRegistries.get(base);
  if (byPolicy === undefined) undeclaredRegistries.set(base, (byPolicy = new Map()));
  let registry = byPolicy.get(policy);
  if (registry === undefined) byPolicy.set(policy, (registry = new SchemaRegistry(base.schemas, base.resourceTypes, policy)));
  return registry;
}

export function tenantRegistry(base: SchemaRegistry, declarations: readonly StoredSchemaDeclaration[], policy: UndeclaredExtensionPolicy): SchemaRegistry {
  // A declaration for a resource type the server no longer serves (an app
  // dropped it) stays stored but has nothing to extend.
  const usable = declarations.filter((declaration) => base.resourceType(declaration.resourceType) !== undefined && base.schema(declaration.schemaId) === undefined);
  if (usable.length === 0) return sharedRegistry(base, policy);
  const schemas: SchemaDefinition[] = usable.map((declaration) =>
    Object.freeze({ id: declaration.schemaId, name: declaration.name, description: declaration.description, attributes: declaration.attributes }),
  );
  const resourceTypes: ResourceTypeFacts[] = base.resourceTypes.map((resourceType) => {
    const declared = usable.filter((declaration) => declaration.resourceType === resourceType.name);
    if (declared.length === 0) return resourceType;
    return { ...resourceType, schemaExtensions: [...resourceType.schemaExtensions, ...declared.map((declaration) => ({ schema: declaration.schemaId, required: false }))] };
  });
  return new SchemaRegistry([...base.schemas, ...schemas], resourceTypes, policy);
}
