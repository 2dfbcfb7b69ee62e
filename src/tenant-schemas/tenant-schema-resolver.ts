/**
 * The SchemaResolver of a server whose tenants may declare schemas of their
 * own. Each tenant's registry is built once from the store and cached.
 *
 * Invalidation: this instance forgets a tenant's registry as soon as it
 * changes its schemas itself. Other instances (and the CLI) learn of a
 * change from `tenant_schema_changes`, one row every declaration rewrites:
 * each instance reads it at most once per `recheckMs` (1 s by default),
 * during a request, and drops every cached registry when it moved. A
 * declaration made elsewhere is therefore seen within about a second on
 * every database, without a listening connection per instance; one
 * single-row read a second is the price.
 */
import type { ResourceTypeName } from '../core/schema/attribute.js';
import type { ResourceSchemas, SchemaRegistry } from '../core/schema/registry.js';
import type { ResourceTypes } from '../core/schema/resource-types.js';
import type { SchemaResolver } from '../core/schema/schema-resolver.js';
import type { SchemaDeclarationStore } from '../store/schema-declarations.js';
import { tenantRegistry } from './tenant-registry.js';

export interface TenantSchemaResolverOptions {
  /** The server's own schemas (app/schema-registry.ts), which every tenant sees. */
  readonly base: SchemaRegistry;
  readonly store: SchemaDeclarationStore;
  /** How long a cached registry is trusted before the change row is read again. */
  readonly recheckMs?: number;
  readonly clock?: () => number;
}

export const DEFAULT_SCHEMA_RECHECK_MS = 1000;

export class TenantSchemaResolver implements SchemaResolver {
  /** Declarations add extensions, never types: every tenant is served the server's types. */
  readonly resourceTypes: ResourceTypes;
  private readonly base: SchemaRegistry;
  private readonly store: SchemaDeclarationStore;
  private readonly recheckMs: number;
  private readonly clock: () => number;
  private readonly registries = new Map<string, Promise<SchemaRegistry>>();
  /** The registries of `registries` that have been read: what `knownSchemasFor` answers from. */
  private readonly loaded = new Map<string, SchemaRegistry>();
  private lastChange: string | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private check: Promise<void> | undefined;

  constructor(options: TenantSchemaResolverOptions) {
    this.base = options.base;
    this.resourceTypes = options.base.types;
    this.store = options.store;
    this.recheckMs = options.recheckMs ?? DEFAULT_SCHEMA_RECHECK_MS;
    this.clock = options.clock ?? Date.now;
  }

  async schemasFor(tenantId: string, resourceType: ResourceTypeName): Promise<ResourceSchemas> {
    return (await this.registryFor(tenantId)).forResourceType(resourceType);
  }

  /** At hand when the tenant's registry has been read and the change row need not be read again yet. */
  knownSchemasFor(tenantId: string, resourceType: ResourceTypeName): ResourceSchemas | undefined {
    if (this.clock() - this.checkedAt >= this.recheckMs) return undefined;
    return this.loaded.get(tenantId)?.forResourceType(resourceType);
  }

  async registryFor(tenantId: string): Promise<SchemaRegistry> {
    await this.recheck();
    let registry = this.registries.get(tenantId);
    if (registry === undefined) {
      const loading = this.load(tenantId);
      registry = loading;
      this.registries.set(tenantId, loading);
      loading.then(
        (loaded) => {
          // Not when it was forgotten (or everything dropped) while it was being read.
          if (this.registries.get(tenantId) === loading) this.loaded.set(tenantId, loaded);
        },
        // A failed read (database down) is not remembered: the next request tries again.
        () => {
          if (this.registries.get(tenantId) === loading) this.registries.delete(tenantId);
        },
      );
    }
    return registry;
  }

  /** Drops the cached registry of one tenant (this instance changed its schemas). */
  forget(tenantId: string): void {
    this.registries.delete(tenantId);
    this.loaded.delete(tenantId);
  }

  private async load(tenantId: string): Promise<SchemaRegistry> {
    const [declarations, policy] = await Promise.all([this.store.listDeclarations(tenantId), this.store.undeclaredExtensions(tenantId)]);
    return tenantRegistry(this.base, declarations, policy);
  }

  /** One read of the change row per `recheckMs`, shared by the requests that arrive meanwhile. */
  private recheck(): Promise<void> {
    if (this.clock() - this.checkedAt < this.recheckMs) return Promise.resolve();
    this.check ??= (async () => {
      try {
        const change = await this.store.lastChange();
        if (change !== this.lastChange) {
          this.registries.clear();
          this.loaded.clear();
          this.lastChange = change;
        }
        this.checkedAt = this.clock();
      } finally {
        this.check = undefined;
      }
    })();
    return this.check;
  }
}
