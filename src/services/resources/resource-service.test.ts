import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alwaysReturnedOnly, noProjection } from '../../core/projection/index.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { sameSchemasForEveryTenant } from '../../core/schema/schema-resolver.js';
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
