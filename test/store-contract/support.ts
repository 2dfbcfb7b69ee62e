/**
 * Helpers shared by the store contract suites: writing resources in one
 * transaction and listing them with filters and sorts written as text.
 */
import { expect } from 'vitest';
import { ScimError } from '../../src/core/errors/scim-error.js';
import { parseFilter } from '../../src/core/filter/parser.js';
import type { ResourceTypeName } from '../../src/core/schema/attribute.js';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import type { ListResult, ResourceAttributes, Store, StoredResource } from '../../src/store/store.js';

/** The registry every store under contract is opened with. */
export const contractRegistry = createDefaultRegistry();

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export const TENANT = 'acme';
export const OTHER_TENANT = 'globex';
export const NOW = '2024-03-01T12:00:00.000Z';
export const LATER = '2024-03-02T08:30:00.000Z';

/** A fresh, empty store opened with `contractRegistry`, and how to dispose of it. */
export interface OpenedStore {
  readonly store: Store;
  close(): Promise<void>;
}

export type OpenStore = () => Promise<OpenedStore>;

export async function ensureTenants(store: Store): Promise<void> {
  await store.tenants.ensureTenant(TENANT, 'Acme', NOW);
  await store.tenants.ensureTenant(OTHER_TENANT, 'Globex', NOW);
}

export interface ResourceSeed {
  readonly tenantId?: string;
  readonly resourceType?: ResourceTypeName;
  readonly id: string;
  readonly attributes: ResourceAttributes;
  readonly now?: string;
  readonly passwordHash?: string;
}

export async function insert(store: Store, ...seeds: readonly ResourceSeed[]): Promise<StoredResource[]> {
  return store.transaction(async (writer) => {
    const stored: StoredResource[] = [];
    for (const seed of seeds) {
      stored.push(
        await writer.insertResource({
          tenantId: seed.tenantId ?? TENANT,
          resourceType: seed.resourceType ?? 'User',
          id: seed.id,
          attributes: seed.attributes,
          passwordHash: seed.passwordHash,
          now: seed.now ?? NOW,
        }),
      );
    }
    return stored;
  });
}

export function user(id: string, userName: string, extra: ResourceAttributes = {}, options: { tenantId?: string; now?: string } = {}): ResourceSeed {
  return { id, tenantId: options.tenantId, now: options.now, resourceType: 'User', attributes: { schemas: [CORE_USER], userName, ...extra } };
}

export function group(id: string, displayName: string, options: { tenantId?: string; now?: string } = {}): ResourceSeed {
  return { id, tenantId: options.tenantId, now: options.now, resourceType: 'Group', attributes: { schemas: [CORE_GROUP], displayName } };
}

export interface ListOptions {
  readonly tenantId?: string;
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sortOrder?: 'ascending' | 'descending';
  readonly startIndex?: number;
  readonly count?: number;
}

export async function list(store: Store, resourceType: ResourceTypeName, options: ListOptions = {}): Promise<ListResult> {
  const schemas = contractRegistry.forResourceType(resourceType);
  let sort;
  if (options.sortBy !== undefined) {
    const attribute = schemas.resolvePath(options.sortBy);
    if (attribute === undefined) throw new TypeError(`Unknown sortBy ${options.sortBy}`);
    sort = { attribute, order: options.sortOrder ?? ('ascending' as const) };
  }
  return store.reader.listResources(options.tenantId ?? TENANT, resourceType, {
    schemas,
    filter: options.filter === undefined ? undefined : parseFilter(options.filter),
    sort,
    startIndex: options.startIndex ?? 1,
    count: options.count ?? 1000,
  });
}

/** The ids a filter selects, in the store's default order (by id). */
export async function idsMatching(store: Store, resourceType: ResourceTypeName, filter: string, tenantId: string = TENANT): Promise<string[]> {
  const result = await list(store, resourceType, { filter, tenantId });
  expect(result.totalResults, `totalResults of ${filter}`).toBe(result.resources.length);
  return result.resources.map((resource) => resource.id);
}

/** Awaits `action` and returns the ScimError it must reject with. */
export async function scimErrorOf(action: Promise<unknown>): Promise<ScimError> {
  try {
    await action;
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new TypeError('Expected the action to fail with a ScimError');
}
