/**
 * A resource type the store has no table of its own for (one an embedding
 * app registers) is stored in the shared `resources` table with the same
 * guarantees as Users and Groups: versions, 404/412, filters, sorting,
 * kept counts, member checks, tenant isolation and deletion with the tenant.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/core/filter/parser.js';
import { attribute, type ResourceTypeName } from '../../src/core/schema/attribute.js';
import { ResourceSchemas } from '../../src/core/schema/registry.js';
import { defineResourceType } from '../../src/core/schema/resource-types.js';
import type { ResourceAttributes, Store, StoredResource } from '../../src/store/store.js';
import { ensureTenants, group, insert, LATER, NOW, OTHER_TENANT, scimErrorOf, TENANT, user, type OpenStore } from './support.js';

const DEVICE_SCHEMA = 'urn:example:scim:schemas:Device';

function typeWithSchemas(name: string): { readonly type: ResourceTypeName; readonly schemas: ResourceSchemas } {
  const type = name as ResourceTypeName;
  const { facts, schema } = defineResourceType({
    name: type,
    endpoint: `/${name}s`,
    schema: {
      id: DEVICE_SCHEMA,
      name,
      description: name,
      attributes: [attribute('serialNumber', 'string', { caseExact: true }), attribute('displayName', 'string'), attribute('storageGb', 'integer')],
    },
  });
  return { type, schemas: new ResourceSchemas(facts, schema, []) };
}

const DEVICE = typeWithSchemas('Device');
/** A second such type: the two share the table and must never see each other's rows. */
const GADGET = typeWithSchemas('Gadget');

function device(id: string, serialNumber: string, extra: ResourceAttributes = {}, options: { tenantId?: string } = {}) {
  return { id, tenantId: options.tenantId, resourceType: DEVICE.type, attributes: { schemas: [DEVICE_SCHEMA], serialNumber, ...extra } };
}

async function listIds(store: Store, of: typeof DEVICE, filter?: string, options: { tenantId?: string; sortBy?: string } = {}): Promise<string[]> {
  const attribute = options.sortBy === undefined ? undefined : of.schemas.resolvePath(options.sortBy);
  const result = await store.reader.listResources(options.tenantId ?? TENANT, of.type, {
    schemas: of.schemas,
    filter: filter === undefined ? undefined : parseFilter(filter),
    sort: attribute === undefined ? undefined : { attribute, order: 'ascending' },
    startIndex: 1,
    count: 100,
  });
  expect(result.totalResults).toBe(result.resources.length);
  return result.resources.map((resource) => resource.id);
}

async function total(store: Store, of: typeof DEVICE, tenantId: string = TENANT): Promise<number> {
  return (await store.reader.listResources(tenantId, of.type, { schemas: of.schemas, filter: undefined, sort: undefined, startIndex: 1, count: 0 })).totalResults;
}

export function describeGenericTypeContract(open: OpenStore): void {
  describe('a resource type without a table of its own', () => {
    let store: Store;

    beforeEach(async (context) => {
      const opened = await open();
      store = opened.store;
      context.onTestFinished(() => opened.close());
      await ensureTenants(store);
    });

    it('stores and reads it back like a User, and only as its own type', async () => {
      const [stored] = await insert(store, device('d1', 'SN-1', { displayName: 'Laptop', externalId: 'asset-1' }));
      expect(stored).toEqual({
        tenantId: TENANT,
        resourceType: DEVICE.type,
        id: 'd1',
        attributes: { schemas: [DEVICE_SCHEMA], serialNumber: 'SN-1', displayName: 'Laptop', externalId: 'asset-1' },
        created: NOW,
        lastModified: NOW,
        version: 1,
      });
      expect(await store.reader.getResource(TENANT, DEVICE.type, 'd1')).toEqual(stored);
      expect(await store.reader.getResource(TENANT, GADGET.type, 'd1')).toBeUndefined();
      expect(await store.reader.getResource(TENANT, 'User', 'd1')).toBeUndefined();
      expect(await store.reader.getResource(OTHER_TENANT, DEVICE.type, 'd1')).toBeUndefined();
      expect(Object.fromEntries(await store.reader.findResourceTypes(TENANT, ['d1', 'nobody']))).toEqual({ d1: DEVICE.type });
    });

    it('filters, sorts and counts within the type and the tenant', async () => {
      await insert(
        store,
        device('d1', 'SN-3', { displayName: 'Tablet', storageGb: 64, externalId: 'asset-1' }),
        device('d2', 'SN-1', { displayName: 'laptop', storageGb: 512 }),
        device('d3', 'sn-2', { displayName: 'Phone', storageGb: 128 }),
        device('d4', 'SN-9', {}, { tenantId: OTHER_TENANT }),
        { id: 'x1', resourceType: GADGET.type, attributes: { schemas: [DEVICE_SCHEMA], serialNumber: 'SN-1' } },
        user('u1', 'bjensen'),
      );
      expect(await listIds(store, DEVICE)).toEqual(['d1', 'd2', 'd3']);
      expect(await listIds(store, GADGET)).toEqual(['x1']);
      // serialNumber is caseExact; displayName is not.
      expect(await listIds(store, DEVICE, 'serialNumber eq "SN-1"')).toEqual(['d2']);
      expect(await listIds(store, DEVICE, 'serialNumber sw "SN"')).toEqual(['d1', 'd2']);
      expect(await listIds(store, DEVICE, 'displayName eq "LAPTOP"')).toEqual(['d2']);
      expect(await listIds(store, DEVICE, 'storageGb gt 100')).toEqual(['d2', 'd3']);
      expect(await listIds(store, DEVICE, 'externalId eq "asset-1"')).toEqual(['d1']);
      expect(await listIds(store, DEVICE, 'meta.resourceType eq "Device"')).toEqual(['d1', 'd2', 'd3']);
      expect(await listIds(store, DEVICE, undefined, { sortBy: 'displayName' })).toEqual(['d2', 'd3', 'd1']);
      expect(await listIds(store, DEVICE, undefined, { tenantId: OTHER_TENANT })).toEqual(['d4']);
      expect(await total(store, DEVICE)).toBe(3);
      expect(await total(store, GADGET)).toBe(1);
      expect(await total(store, DEVICE, OTHER_TENANT)).toBe(1);
      expect(await store.tenants.countResources(TENANT)).toEqual({ users: 1, groups: 0 });
    });

    it('changes it by version: 412 when the version moved on, 404 when it is gone', async () => {
      await insert(store, device('d1', 'SN-1'));
      const updated = await store.transaction((writer) =>
        writer.updateResource({ tenantId: TENANT, resourceType: DEVICE.type, id: 'd1', attributes: { schemas: [DEVICE_SCHEMA], serialNumber: 'SN-2' }, passwordHash: undefined, expectedVersion: 1, now: LATER }),
      );
      expect(updated).toMatchObject({ version: 2, created: NOW, lastModified: LATER, attributes: { serialNumber: 'SN-2' } });
      const stale = await scimErrorOf(
        store.transaction((writer) =>
          writer.updateResource({ tenantId: TENANT, resourceType: DEVICE.type, id: 'd1', attributes: { serialNumber: 'SN-3' }, passwordHash: undefined, expectedVersion: 1, now: LATER }),
        ),
      );
      expect(stale.status).toBe(412);
      const asGadget = await scimErrorOf(store.transaction((writer) => writer.touchResource(TENANT, GADGET.type, 'd1', 2, LATER)));
      expect(asGadget.status).toBe(404);
      expect((await store.transaction((writer) => writer.touchResource(TENANT, DEVICE.type, 'd1', 2, LATER))).version).toBe(3);
      expect(await listIds(store, DEVICE, 'serialNumber eq "SN-2"')).toEqual(['d1']);
    });

    it('deletes it, with its count, and only as its own type', async () => {
      await insert(store, device('d1', 'SN-1'), device('d2', 'SN-2'), group('g1', 'Admins'));
      expect(await store.transaction((writer) => writer.deleteResource(TENANT, GADGET.type, 'd1', LATER))).toBeUndefined();
      expect(await store.transaction((writer) => writer.deleteResource(TENANT, DEVICE.type, 'd1', LATER))).toEqual({ groupsLosingMember: [] });
      expect(await store.reader.getResource(TENANT, DEVICE.type, 'd1')).toBeUndefined();
      expect(await listIds(store, DEVICE)).toEqual(['d2']);
      expect(await total(store, DEVICE)).toBe(1);
      expect((await store.reader.getResource(TENANT, 'Group', 'g1'))?.version).toBe(1);
    });

    it('refuses what the port keeps out of attributes, and a password, as the caller’s mistakes', async () => {
      const attempts = [
        { attributes: { serialNumber: 'x', id: 'd9' }, passwordHash: undefined },
        { attributes: { serialNumber: 'x', meta: {} }, passwordHash: undefined },
        { attributes: { serialNumber: 'x' }, passwordHash: 'hash' },
      ];
      for (const attempt of attempts) {
        await expect(store.transaction((writer) => writer.insertResource({ tenantId: TENANT, resourceType: DEVICE.type, id: 'd9', now: NOW, ...attempt }))).rejects.toBeInstanceOf(TypeError);
      }
      expect(await listIds(store, DEVICE)).toEqual([]);
    });

    it('goes with its tenant', async () => {
      await insert(store, device('d1', 'SN-1'), device('d2', 'SN-2', {}, { tenantId: OTHER_TENANT }));
      expect(await store.tenants.deleteTenant(TENANT)).toBe(true);
      await store.tenants.ensureTenant(TENANT, 'Acme again', LATER);
      expect(await store.reader.getResource(TENANT, DEVICE.type, 'd1')).toBeUndefined();
      expect(await total(store, DEVICE)).toBe(0);
      expect(await listIds(store, DEVICE, undefined, { tenantId: OTHER_TENANT })).toEqual(['d2']);
    });

    it('has its own kept count of what was written and deleted in one transaction', async () => {
      const stored: StoredResource | undefined = await store.transaction(async (writer) => {
        await writer.insertResource({ tenantId: TENANT, resourceType: DEVICE.type, id: 'd1', attributes: { serialNumber: 'a' }, passwordHash: undefined, now: NOW });
        await writer.insertResource({ tenantId: TENANT, resourceType: DEVICE.type, id: 'd2', attributes: { serialNumber: 'b' }, passwordHash: undefined, now: NOW });
        await writer.deleteResource(TENANT, DEVICE.type, 'd1', NOW);
        return writer.getResource(TENANT, DEVICE.type, 'd2');
      });
      expect(stored?.id).toBe('d2');
      expect(await total(store, DEVICE)).toBe(1);
    });
  });
}
