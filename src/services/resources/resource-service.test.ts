import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScimError } from '../../core/errors/scim-error.js';
import { alwaysReturnedOnly, noProjection } from '../../core/projection/index.js';
import { attribute, type ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { sameSchemasForEveryTenant, type SchemaResolver } from '../../core/schema/schema-resolver.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/index.js';
import type { Store, StoreWriter } from '../../store/store.js';
import { createScryptHasher } from '../passwords.js';
import { ResourceService } from './resource-service.js';

const TENANT = 'default';
const context = { tenantId: TENANT, baseUrl: 'https://scim.example.com/scim/v2' };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The real SQLite store, with a count of the calls that read a whole group's membership. */
function countingMemberReads(store: SqliteStore): { store: Store; memberReads: () => number } {
  let memberReads = 0;
  const counted = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        if (property === 'listMembers') memberReads += 1;
        const value: unknown = Reflect.get(object, property, receiver);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const wrapped: Store = Object.create(store, {
    reader: { value: counted(store.reader) },
    transaction: { value: <T>(work: (writer: StoreWriter) => Promise<T>) => store.transaction((writer) => work(counted(writer))) },
  });
  return { store: wrapped, memberReads: () => memberReads };
}

describe('ResourceService: cost of a group member change', () => {
  let directory: string;
  let sqlite: SqliteStore;
  let service: ResourceService;
  let memberReads: () => number;
  let groupId: string;
  const userIds: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'scimitar-service-'));
    sqlite = await openSqliteStore({ filename: path.join(directory, 'scimitar.db'), registry: createDefaultRegistry() });
    await sqlite.tenants.ensureTenant(TENANT, 'Default', new Date().toISOString());
    const counting = countingMemberReads(sqlite);
    memberReads = counting.memberReads;
    service = new ResourceService({ store: counting.store, schemas: sameSchemasForEveryTenant(createDefaultRegistry()), passwords: createScryptHasher({ N: 1024, r: 8, p: 1 }) });
    for (let index = 0; index < 3; index += 1) {
      const created = await service.create(context, 'User', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `member-${index}` }, alwaysReturnedOnly);
      userIds.push(String(created.resource['id']));
    }
    const group = await service.create(context, 'Group', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Big', members: [{ value: userIds[0] }] }, alwaysReturnedOnly);
    groupId = String(group.resource['id']);
  });

  afterAll(async () => {
    await sqlite.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('a member add answered without a representation never reads the whole membership', async () => {
    const before = memberReads();
    const response = await service.patch(context, 'Group', groupId, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: userIds[1] }] }] }, undefined, alwaysReturnedOnly);
    expect(memberReads()).toBe(before);
    expect(response.version).toBe(2);
    expect((await sqlite.reader.listMembers(TENANT, groupId)).map((member) => member.value).sort()).toEqual([userIds[0], userIds[1]].sort());
  });

  it('a member remove by filter answered without a representation never reads the whole membership either', async () => {
    const before = memberReads();
    await service.patch(context, 'Group', groupId, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${userIds[0]}"]` }] }, undefined, alwaysReturnedOnly);
    expect(memberReads()).toBe(before);
  });

  it('reads the members once when the representation is asked for', async () => {
    const before = memberReads();
    const response = await service.patch(context, 'Group', groupId, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: userIds[2] }] }] }, undefined, noProjection);
    expect(memberReads()).toBe(before + 1);
    expect((response.resource['members'] as unknown[]).length).toBe(2);
  });
});

describe('ResourceService: each request’s schemas are resolved from its tenant', () => {
  const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
  const plain = createDefaultRegistry();
  const withBadges = createDefaultRegistry([
    { resourceType: 'User', schema: { id: ACME, name: 'AcmeUser', description: 'Acme badge data', attributes: [attribute('badgeId', 'string')] } },
  ]);
  /** Only tenant "acme" has the badge extension; every question asked is noted. */
  const asked: string[] = [];
  const perTenant: SchemaResolver = {
    resourceTypes: plain.types,
    async schemasFor(tenantId: string, resourceType: ResourceTypeName) {
      asked.push(`${tenantId}/${resourceType}`);
      return (tenantId === 'acme' ? withBadges : plain).forResourceType(resourceType);
    },
    async registryFor(tenantId: string) {
      return tenantId === 'acme' ? withBadges : plain;
    },
  };
  let directory: string;
  let sqlite: SqliteStore;
  let service: ResourceService;
  const acme = { tenantId: 'acme', baseUrl: 'https://scim.example.com/t/acme/scim/v2' };
  const globex = { tenantId: 'globex', baseUrl: 'https://scim.example.com/t/globex/scim/v2' };
  const badgeHolder = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME], userName, [ACME]: { badgeId: 'B-1' } });

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'scimitar-service-'));
    sqlite = await openSqliteStore({ filename: path.join(directory, 'scimitar.db'), registry: plain });
    for (const tenantId of ['acme', 'globex']) await sqlite.tenants.ensureTenant(tenantId, tenantId, new Date().toISOString());
    service = new ResourceService({ store: sqlite, schemas: perTenant, passwords: createScryptHasher({ N: 1024, r: 8, p: 1 }) });
  });

  afterAll(async () => {
    await sqlite.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes and reads an extension attribute in the tenant whose schemas have it', async () => {
    asked.length = 0;
    const created = await service.create(acme, 'User', badgeHolder('badge@acme.example'), noProjection);
    expect(created.resource[ACME]).toEqual({ badgeId: 'B-1' });
    const id = String(created.resource['id']);
    const patched = await service.patch(
      acme,
      'User',
      id,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: `${ACME}:badgeId`, value: 'B-2' }] },
      undefined,
      noProjection,
    );
    expect(patched.resource[ACME]).toEqual({ badgeId: 'B-2' });
    expect((await service.get(acme, 'User', id, noProjection)).resource[ACME]).toEqual({ badgeId: 'B-2' });
    expect(asked).toEqual(['acme/User', 'acme/User', 'acme/User']);
  });

  it('refuses the same body in a tenant whose schemas lack the extension, and writes nothing', async () => {
    const refusal = await service.create(globex, 'User', badgeHolder('badge@globex.example'), noProjection).catch((error: unknown) => error);
    expect(isScimError(refusal)).toBe(true);
    expect(refusal).toMatchObject({ status: 400, detail: expect.stringContaining(ACME) });
    const stored = await sqlite.reader.listResources('globex', 'User', { schemas: plain.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 10 });
    expect(stored.totalResults).toBe(0);
  });

  it('answers discovery per tenant', async () => {
    expect((await service.registryFor('acme')).schema(ACME)?.id).toBe(ACME);
    expect((await service.registryFor('globex')).schema(ACME)).toBeUndefined();
  });
});
