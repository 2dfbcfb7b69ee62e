/**
 * Many Scimitar instances on one database: two stores, each with its own
 * pool, on one schema. Whatever keeps the data right between them must be
 * in PostgreSQL (unique index, row locks, version checks), since the
 * instances share no memory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { ScimError } from '../../../src/core/errors/scim-error.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import type { StoreWriter } from '../../../src/store/store.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';

const registry = createDefaultRegistry();
const TENANT = 'acme';
const NOW = '2024-01-01T00:00:00.000Z';
const LATER = '2024-01-02T00:00:00.000Z';

/** A promise and the function that settles it, to order steps across transactions. */
function signal(): { readonly promise: Promise<void>; readonly fire: () => void } {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

const available = await postgresAvailableFor('the PostgreSQL concurrency test');

describe.skipIf(!available)('PostgreSQL store: two instances on one database', () => {
  let schema: string;
  let first: PostgresStore;
  let second: PostgresStore;

  beforeEach(async () => {
    schema = await createTestSchema();
    [first, second] = await Promise.all([
      openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 5 }),
      openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 5 }),
    ]);
    await first.tenants.ensureTenant(TENANT, 'Acme', NOW);
  });

  afterEach(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await dropTestSchema(schema);
  });

  const insertUser = (writer: StoreWriter, id: string, userName: string) =>
    writer.insertResource({ tenantId: TENANT, resourceType: 'User', id, attributes: { userName }, passwordHash: undefined, now: NOW });

  it('RFC 7643 §4.1.1: of 20 concurrent creations of one userName, exactly one succeeds and the others get 409 uniqueness', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? first : second).transaction((writer) => insertUser(writer, `u${index}`, index % 3 === 0 ? 'BJensen' : 'bjensen')),
      ),
    );
    const created = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(ScimError);
      expect((reason as ScimError).status).toBe(409);
      expect((reason as ScimError).scimType).toBe('uniqueness');
    }
    const all = await second.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 100 });
    expect(all.totalResults).toBe(1);
  });

  it('serialises read-modify-write of one group: one adds a member, the other removes one, both apply and the version moves by 2', async () => {
    await first.transaction(async (writer) => {
      await insertUser(writer, 'u-a', 'alice');
      await insertUser(writer, 'u-b', 'bob');
      await writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: 'Staff' }, passwordHash: undefined, now: NOW });
      await writer.addMembers(TENANT, 'g1', [{ value: 'u-b', type: 'User' }]);
    });
    const locked = signal();
    const versionsRead: number[] = [];
    // The same steps the services take for a PATCH: read (and lock), change the rows, bump the version read.
    const adding = first.transaction(async (writer) => {
      const group = await writer.getResource(TENANT, 'Group', 'g1');
      versionsRead.push(group?.version ?? 0);
      locked.fire();
      // Hold the row while the other instance tries to read it.
      await delay(150);
      await writer.addMembers(TENANT, 'g1', [{ value: 'u-a', type: 'User' }]);
      return writer.touchResource(TENANT, 'Group', 'g1', group?.version ?? 0, LATER);
    });
    await locked.promise;
    const removing = second.transaction(async (writer) => {
      const group = await writer.getResource(TENANT, 'Group', 'g1');
      versionsRead.push(group?.version ?? 0);
      await writer.removeMembers(TENANT, 'g1', ['u-b']);
      return writer.touchResource(TENANT, 'Group', 'g1', group?.version ?? 0, LATER);
    });
    const [added, removed] = await Promise.all([adding, removing]);
    // The second read waited for the first transaction and saw what it committed.
    expect(versionsRead).toEqual([1, 2]);
    expect([added.version, removed.version]).toEqual([2, 3]);
    expect((await first.reader.getResource(TENANT, 'Group', 'g1'))?.version).toBe(3);
    expect((await second.reader.listMembers(TENANT, 'g1')).map((member) => member.value)).toEqual(['u-a']);
  });

  it('lets 20 concurrent PATCH-like updates of one user from both instances all apply, in turn', async () => {
    await first.transaction((writer) => insertUser(writer, 'u1', 'counter'));
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? first : second).transaction(async (writer) => {
          const current = await writer.getResource(TENANT, 'User', 'u1');
          await delay(index % 3);
          return writer.updateResource({
            tenantId: TENANT,
            resourceType: 'User',
            id: 'u1',
            attributes: { userName: 'counter', nickName: String(index) },
            passwordHash: undefined,
            expectedVersion: current?.version ?? 0,
            now: LATER,
          });
        }),
      ),
    );
    expect((await second.reader.getResource(TENANT, 'User', 'u1'))?.version).toBe(21);
  });

  it('a stale version from another instance is still 412 (the check is in the UPDATE, not in memory)', async () => {
    await first.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    const update = (store: PostgresStore, nickName: string) =>
      store.transaction((writer) =>
        writer.updateResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen', nickName }, passwordHash: undefined, expectedVersion: 1, now: LATER }),
      );
    await update(first, 'first');
    await expect(update(second, 'second')).rejects.toMatchObject({ status: 412 });
    expect((await second.reader.getResource(TENANT, 'User', 'u1'))?.attributes['nickName']).toBe('first');
  });

  it('runs a transaction again when PostgreSQL aborts it to break a deadlock (40P01)', async () => {
    await first.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'one');
      await insertUser(writer, 'u2', 'two');
    });
    const bothLocked = { count: 0, ready: signal() };
    let attempts = 0;
    // Each locks one user, waits until the other has locked the other user, then asks for it:
    // a lock cycle PostgreSQL breaks by aborting one of them after deadlock_timeout (1 s by default).
    const crossing = (store: PostgresStore, firstId: string, secondId: string) =>
      store.transaction(async (writer) => {
        attempts += 1;
        const own = await writer.getResource(TENANT, 'User', firstId);
        if (bothLocked.count < 2) {
          bothLocked.count += 1;
          if (bothLocked.count === 2) bothLocked.ready.fire();
          await bothLocked.ready.promise;
        }
        const other = await writer.getResource(TENANT, 'User', secondId);
        await writer.touchResource(TENANT, 'User', firstId, own?.version ?? 0, LATER);
        return other?.id;
      });
    const results = await Promise.all([crossing(first, 'u1', 'u2'), crossing(second, 'u2', 'u1')]);
    expect(results).toEqual(['u2', 'u1']);
    // Two first attempts, one of them aborted and run again (on a loaded machine the
    // retried one may collide once more before it gets through: at least three runs).
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect((await first.reader.getResource(TENANT, 'User', 'u1'))?.version).toBe(2);
    expect((await first.reader.getResource(TENANT, 'User', 'u2'))?.version).toBe(2);
  });

  it('never leaves a membership of a resource deleted meanwhile: the existence check holds until commit', async () => {
    await first.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'doomed');
      await writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: 'Staff' }, passwordHash: undefined, now: NOW });
    });
    const checked = signal();
    // What the services do for "add member u1": check it exists, then add the row.
    const adding = first.transaction(async (writer) => {
      const group = await writer.getResource(TENANT, 'Group', 'g1');
      const found = await writer.findResourceTypes(TENANT, ['u1']);
      checked.fire();
      await delay(150);
      if (found.get('u1') !== 'User') return 'member gone';
      await writer.addMembers(TENANT, 'g1', [{ value: 'u1', type: 'User' }]);
      await writer.touchResource(TENANT, 'Group', 'g1', group?.version ?? 0, LATER);
      return 'added';
    });
    await checked.promise;
    // Another instance deletes the member meanwhile: it waits for the add, then removes the new row too.
    const deleted = await second.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', LATER));
    expect([await adding, deleted]).toEqual(['added', { groupsLosingMember: [expect.objectContaining({ id: 'g1', version: 3 })] }]);
    expect(await first.reader.listMembers(TENANT, 'g1')).toEqual([]);
    expect((await first.reader.getResource(TENANT, 'Group', 'g1'))?.version).toBe(3);

    // The other way round: the delete holds the row, and the check waits for it, then finds nothing.
    await first.transaction((writer) => insertUser(writer, 'u2', 'doomed-too'));
    const removedFirst = signal();
    const deleting = second.transaction(async (writer) => {
      await writer.deleteResource(TENANT, 'User', 'u2', LATER);
      removedFirst.fire();
      await delay(150);
    });
    await removedFirst.promise;
    const found = await first.transaction((writer) => writer.findResourceTypes(TENANT, ['u2']));
    await deleting;
    expect(found.size).toBe(0);
  });

  it('deleting members concurrently with changes of their groups never loses a version bump', async () => {
    await first.transaction(async (writer) => {
      for (let index = 0; index < 10; index += 1) await insertUser(writer, `u${index}`, `user${index}`);
      for (const groupId of ['g1', 'g2']) {
        await writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: groupId, attributes: { displayName: groupId }, passwordHash: undefined, now: NOW });
        await writer.addMembers(TENANT, groupId, Array.from({ length: 10 }, (_, index) => ({ value: `u${index}`, type: 'User' as const })));
      }
    });
    // Each deletion locks both groups (in id order), as does nothing else here: no deadlock, ten bumps each.
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first : second).transaction((writer) => writer.deleteResource(TENANT, 'User', `u${index}`, LATER))),
    );
    for (const groupId of ['g1', 'g2']) {
      expect((await first.reader.getResource(TENANT, 'Group', groupId))?.version).toBe(11);
      expect(await first.reader.listMembers(TENANT, groupId)).toEqual([]);
    }
  });
});
