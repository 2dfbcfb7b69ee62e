import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import type { MemberRef, StoredResource } from '../../store/store.js';
import { MembershipChanges } from './members.js';
import { membershipEvents, updateEvents, type EventOrigin } from './resource-events.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const registry = createDefaultRegistry();
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');
let next = 0;
const origin: EventOrigin = { tenantId: 'acme', baseUrl: 'https://scim.example.com/scim/v2', newId: () => `evt-${(next += 1)}`, timestamp: '2026-01-01T00:00:00.000Z', requestId: null };

function stored(resourceType: 'User' | 'Group', attributes: Record<string, unknown>, version = 1): StoredResource {
  return { tenantId: 'acme', resourceType, id: 'r1', attributes, created: origin.timestamp, lastModified: origin.timestamp, version };
}

/** The changedAttributes of the update event(s) between two versions of a User whose `active` and password stay as they are. */
function changedAttributeNames(before: Record<string, unknown>, after: Record<string, unknown>): readonly string[] {
  return updateEvents(origin, users, stored('User', before), stored('User', after, 2), false).flatMap((event) => event.data.changedAttributes ?? []);
}

describe('the changed attributes an update event names', () => {
  it('names top-level attributes, extension attributes in full, and ignores key order and schemas', () => {
    const before = { schemas: ['a'], userName: 'b', name: { givenName: 'B', familyName: 'J' }, [ENTERPRISE]: { department: 'X', employeeNumber: '1' } };
    const after = { schemas: ['a', 'b'], userName: 'b', name: { familyName: 'J', givenName: 'B' }, [ENTERPRISE]: { department: 'Y', employeeNumber: '1', manager: { value: 'm' } }, title: 'T' };
    expect(changedAttributeNames(before, after)).toEqual(['title', `${ENTERPRISE}:department`, `${ENTERPRISE}:manager`]);
    expect(changedAttributeNames(after, after)).toEqual([]);
  });

  it('are none, and there is no update event, exactly when the attributes are equal as JSON', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }));
    // A Group's: a User's `active` has events of its own.
    const attributes = fc.dictionary(fc.constantFrom('displayName', 'title', 'nickName', 'emails', 'active'), value);
    fc.assert(
      fc.property(attributes, attributes, (left, right) => {
        const same = JSON.stringify(Object.entries(left).sort()) === JSON.stringify(Object.entries(right).sort());
        expect(updateEvents(origin, groups, stored('Group', left), stored('Group', right, 2), false).length === 0).toBe(same);
      }),
    );
  });
});

describe('updateEvents', () => {
  it('deactivation and reactivation are their own events; the rest is one update', () => {
    const events = updateEvents(origin, users, stored('User', { userName: 'b', active: true }), stored('User', { userName: 'b', active: false, title: 'T' }, 2), true);
    expect(events.map((event) => [event.type, event.data.changedAttributes])).toEqual([
      ['user.deactivated', undefined],
      ['user.updated', ['password', 'title']],
    ]);
    expect(updateEvents(origin, users, stored('User', { active: false }), stored('User', { active: true }, 2), false).map((event) => event.type)).toEqual(['user.reactivated']);
    // From unset to false is a deactivation; from false to unset is only an update.
    expect(updateEvents(origin, users, stored('User', {}), stored('User', { active: false }, 2), false).map((event) => event.type)).toEqual(['user.deactivated']);
    expect(updateEvents(origin, users, stored('User', { active: false }), stored('User', {}, 2), false).map((event) => event.data.changedAttributes)).toEqual([['active']]);
    expect(updateEvents(origin, users, stored('User', { active: true }), stored('User', { active: true }, 2), false)).toEqual([]);
  });

  it('never puts a group’s members in an event', () => {
    const [event] = membershipEvents(origin, groups, stored('Group', { displayName: 'G' }), { added: [{ value: 'u1', type: 'User' }], removed: [] });
    expect(event?.data.resource).not.toHaveProperty('members');
    expect(event?.data.members).toEqual([{ value: 'u1', type: 'User' }]);
  });
});

describe('MembershipChanges', () => {
  it('reports the net change: what is added or removed between the start and the end of the request', () => {
    const ids = fc.constantFrom('a', 'b', 'c', 'd');
    const step = fc.record({ kind: fc.constantFrom('add', 'remove'), ids: fc.uniqueArray(ids, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.uniqueArray(ids), fc.array(step, { maxLength: 8 }), (initial, steps) => {
        // Simulates the store: add reports only rows it inserted, remove only rows it deleted.
        const rows = new Set(initial);
        const changes = new MembershipChanges();
        for (const { kind, ids: stepIds } of steps) {
          const affected: MemberRef[] = [];
          for (const id of stepIds) {
            if (kind === 'add' && !rows.has(id)) {
              rows.add(id);
              affected.push({ value: id, type: 'User' });
            } else if (kind === 'remove' && rows.has(id)) {
              rows.delete(id);
              affected.push({ value: id, type: 'User' });
            }
          }
          if (kind === 'add') changes.recordAdded(affected);
          else changes.recordRemoved(affected);
        }
        const start = new Set(initial);
        expect(changes.added.map((member) => member.value).sort()).toEqual([...rows].filter((id) => !start.has(id)).sort());
        expect(changes.removed.map((member) => member.value).sort()).toEqual(initial.filter((id) => !rows.has(id)).sort());
        expect(changes.isEmpty).toBe(changes.added.length + changes.removed.length === 0);
      }),
    );
  });
});
