/**
 * Declaring, listing and removing a tenant's extension schemas, and
 * switching its policy for undeclared ones; the admin API and the CLI call
 * this. No stored value is ever rewritten or dropped here: a declaration
 * that existing values do not fit reports them, and a change that would
 * orphan values is refused unless the operator forces it (the values then
 * stay stored as they are).
 */
import { isScimError, scimErrors } from '../core/errors/scim-error.js';
import { isJsonObject } from '../core/resource/json-value.js';
import type { UndeclaredExtensionPolicy } from '../core/resource/undeclared-extensions.js';
import { validateResource } from '../core/resource/validate.js';
import type { ResourceTypeName } from '../core/schema/attribute.js';
import { incompatibleChanges, parseDeclaredExtension } from '../core/schema/declared-extension.js';
import type { ResourceSchemas, SchemaRegistry } from '../core/schema/registry.js';
import type { SchemaDeclarationStore, StoredSchemaDeclaration } from '../store/schema-declarations.js';
import type { StoredResource, StoreReader, TenantStore } from '../store/store.js';
import { tenantRegistry } from './tenant-registry.js';
import type { TenantSchemaResolver } from './tenant-schema-resolver.js';

export interface TenantSchemaServiceDependencies {
  readonly base: SchemaRegistry;
  readonly declarations: SchemaDeclarationStore;
  readonly tenants: TenantStore;
  readonly reader: StoreReader;
  readonly resolver: TenantSchemaResolver;
  readonly now?: () => Date;
}

/** A stored value the declaration does not fit: it stays stored, and the operator sees why. */
export interface NonConformingResource {
  readonly id: string;
  readonly detail: string;
}

export interface DeclarationReport {
  readonly declaration: StoredSchemaDeclaration;
  /** Resources of the type that already held values under the URN (kept while undeclared). */
  readonly checked: number;
  /** The first of those the declaration does not fit, at most REPORTED_NON_CONFORMING. */
  readonly nonConforming: readonly NonConformingResource[];
  readonly nonConformingCount: number;
}

export interface TenantSchemas {
  readonly undeclaredExtensions: UndeclaredExtensionPolicy;
  readonly declarations: readonly StoredSchemaDeclaration[];
}

export const REPORTED_NON_CONFORMING = 100;
/** Resources read per statement while checking stored values. */
const SCAN_PAGE = 500;

export class TenantSchemaService {
  constructor(private readonly dependencies: TenantSchemaServiceDependencies) {}

  async list(tenantId: string): Promise<TenantSchemas> {
    await this.requireTenant(tenantId);
    const { declarations } = this.dependencies;
    const [list, policy] = await Promise.all([declarations.listDeclarations(tenantId), declarations.undeclaredExtensions(tenantId)]);
    return { undeclaredExtensions: policy, declarations: list };
  }

  /** Declares (or re-declares) an extension schema for the tenant. */
  async declare(tenantId: string, body: unknown, options: { readonly force?: boolean } = {}): Promise<DeclarationReport> {
    await this.requireTenant(tenantId);
    const { base, declarations: store } = this.dependencies;
    const parsed = parseDeclaredExtension(body, base);
    const [existing, policy] = await Promise.all([store.listDeclarations(tenantId), store.undeclaredExtensions(tenantId)]);
    const previous = existing.find((declaration) => declaration.schemaId.toLowerCase() === parsed.schema.id.toLowerCase());
    if (previous !== undefined && options.force !== true) {
      const changed =
        previous.resourceType === parsed.resourceType
          ? incompatibleChanges({ id: previous.schemaId, name: previous.name, description: previous.description, attributes: previous.attributes }, parsed.schema)
          : previous.attributes.map((definition) => definition.name);
      if (changed.length > 0) {
        const current = tenantRegistry(base, existing, policy).forResourceType(previous.resourceType);
        const holder = await this.firstHolding(tenantId, current, previous.schemaId, changed);
        if (holder !== undefined) {
          throw scimErrors.conflict(
            `${previous.resourceType} "${holder}" holds values of ${changed.map((name) => `"${previous.schemaId}:${name}"`).join(', ')}, which this declaration removes or retypes; ` +
              'declare again with force to change it anyway (stored values are kept as they are, and reported when they no longer fit)',
          );
        }
      }
    }
    const declaration: StoredSchemaDeclaration = {
      tenantId,
      schemaId: parsed.schema.id,
      resourceType: parsed.resourceType,
      name: parsed.schema.name,
      description: parsed.schema.description,
      attributes: parsed.schema.attributes,
      updatedAt: this.now(),
    };
    const others = existing.filter((candidate) => candidate !== previous);
    const schemas = tenantRegistry(base, [...others, declaration], policy).forResourceType(parsed.resourceType);
    const report = await this.checkStoredValues(tenantId, schemas, declaration.schemaId);
    await store.putDeclaration(declaration);
    this.dependencies.resolver.forget(tenantId);
    return { declaration, ...report };
  }

  /** Removes a declaration; refused while resources hold values under it, unless forced (they are then kept as an undeclared namespace). */
  async remove(tenantId: string, schemaId: string, options: { readonly force?: boolean } = {}): Promise<void> {
    await this.requireTenant(tenantId);
    const { base, declarations: store } = this.dependencies;
    const [existing, policy] = await Promise.all([store.listDeclarations(tenantId), store.undeclaredExtensions(tenantId)]);
    const declaration = existing.find((candidate) => candidate.schemaId.toLowerCase() === schemaId.toLowerCase());
    if (declaration === undefined) throw scimErrors.notFound(`Tenant "${tenantId}" declares no schema "${schemaId.slice(0, 200)}"`);
    if (options.force !== true) {
      const current = tenantRegistry(base, existing, policy).forResourceType(declaration.resourceType);
      const holder = await this.firstHolding(tenantId, current, declaration.schemaId, undefined);
      if (holder !== undefined) {
        throw scimErrors.conflict(
          `${declaration.resourceType} "${holder}" holds values of "${declaration.schemaId}"; remove with force to keep them as an undeclared extension (returned as stored, not filterable)`,
        );
      }
    }
    await store.deleteDeclaration(tenantId, declaration.schemaId);
    this.dependencies.resolver.forget(tenantId);
  }

  async setUndeclaredExtensions(tenantId: string, policy: UndeclaredExtensionPolicy): Promise<TenantSchemas> {
    await this.requireTenant(tenantId);
    await this.dependencies.declarations.setUndeclaredExtensions(tenantId, policy, this.now());
    this.dependencies.resolver.forget(tenantId);
    return this.list(tenantId);
  }

  /** Validates every stored value under `schemaId` against the new schemas; nothing is written. */
  private async checkStoredValues(tenantId: string, schemas: ResourceSchemas, schemaId: string): Promise<Omit<DeclarationReport, 'declaration'>> {
    let checked = 0;
    let nonConformingCount = 0;
    const nonConforming: NonConformingResource[] = [];
    await this.scan(tenantId, schemas, (resource) => {
      if (namespaceOf(resource, schemaId) === undefined) return true;
      checked += 1;
      try {
        validateResource(resource.attributes, schemas);
      } catch (error) {
        if (!isScimError(error)) throw error;
        nonConformingCount += 1;
        if (nonConforming.length < REPORTED_NON_CONFORMING) nonConforming.push({ id: resource.id, detail: error.detail });
      }
      return true;
    });
    return { checked, nonConforming, nonConformingCount };
  }

  /** The id of a resource holding a value under `schemaId` (of one of `names`, or any), if one does. */
  private async firstHolding(tenantId: string, schemas: ResourceSchemas, schemaId: string, names: readonly string[] | undefined): Promise<string | undefined> {
    const wanted = names?.map((name) => name.toLowerCase());
    let found: string | undefined;
    await this.scan(tenantId, schemas, (resource) => {
      const namespace = namespaceOf(resource, schemaId);
      if (namespace === undefined) return true;
      if (wanted === undefined || Object.keys(namespace).some((key) => wanted.includes(key.toLowerCase()))) found = resource.id;
      return found === undefined;
    });
    return found;
  }

  /**
   * Reads the tenant's resources of one type in keyset pages until `visit`
   * returns false. A whole scan is the price of a declaration, a rare
   * operator action; requests never pay it.
   */
  private async scan(tenantId: string, schemas: ResourceSchemas, visit: (resource: StoredResource) => boolean): Promise<void> {
    const type: ResourceTypeName = schemas.resourceType.name;
    let after: string | undefined;
    for (;;) {
      const page = await this.dependencies.reader.listResources(tenantId, type, {
        schemas,
        filter: undefined,
        sort: undefined,
        startIndex: 1,
        count: SCAN_PAGE,
        keyset: { position: after === undefined ? undefined : { sortValue: undefined, id: after, direction: 'after' } },
      });
      for (const resource of page.resources) if (!visit(resource)) return;
      const last = page.keyset?.last;
      if (page.keyset?.hasNext !== true || last === undefined) return;
      after = last.id;
    }
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if ((await this.dependencies.tenants.getTenant(tenantId)) === undefined) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
  }

  private now(): string {
    return (this.dependencies.now?.() ?? new Date()).toISOString();
  }
}

/** The stored object under a URN key, whatever case the client wrote it in. */
function namespaceOf(resource: StoredResource, schemaId: string): Record<string, unknown> | undefined {
  const lower = schemaId.toLowerCase();
  for (const [key, value] of Object.entries(resource.attributes)) if (key.toLowerCase() === lower && isJsonObject(value)) return value;
  return undefined;
}
