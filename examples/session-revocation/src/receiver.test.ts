import { describe, expect, it } from 'vitest';
import { MemoryEventLedger } from './event-ledger.js';
import { EventReceiver, type ReceiverLog } from './receiver.js';
import type { ReceivedEvent } from './scimitar-event.js';
import { MemorySessionStore, type SessionStore } from './session-store.js';

/** The user's `active` after each type (a deletion carries the user as it was: active). */
const ACTIVE_AFTER: Record<string, boolean | undefined> = { 'user.deactivated': false, 'user.reactivated': true, 'user.created': true, 'user.updated': true, 'user.deleted': true };

function event(sequence: number, type: string, resourceId: string, options: { tenant?: string; active?: boolean } = {}): ReceivedEvent {
  const tenant = options.tenant ?? 'acme';
  const isUser = type.startsWith('user.');
  return {
    id: `evt_${tenant}_${sequence}`,
    type,
    tenant,
    sequence,
    resourceType: isUser ? 'User' : 'Group',
    resourceId,
    active: 'active' in options ? options.active : isUser ? ACTIVE_AFTER[type] : undefined,
  };
}

function setup(sessions: SessionStore = new MemorySessionStore()) {
  const warnings: string[] = [];
  const log: ReceiverLog = { info: () => undefined, warn: (_fields, message) => warnings.push(message) };
  const ledger = new MemoryEventLedger();
  const receiver = new EventReceiver({ sessions, ledger, log });
  return { sessions, ledger, warnings, receiver, deliver: (webhookId: string, received: ReceivedEvent) => receiver.receive(webhookId, received) };
}

describe('EventReceiver', () => {
  it.each(['user.deactivated', 'user.deleted'])('revokes every session of the user on %s, and no one else’s', async (type) => {
    const { sessions, deliver } = setup();
    const first = await sessions.open('u1');
    const second = await sessions.open('u1');
    const bystander = await sessions.open('u2');
    expect(await deliver('evt_1', event(1, type, 'u1'))).toEqual({ kind: 'applied', revokedSessions: 2 });
    expect(await sessions.userOf(first)).toBeUndefined();
    expect(await sessions.userOf(second)).toBeUndefined();
    expect(await sessions.userOf(bystander)).toBe('u2');
  });

  it.each(['user.created', 'user.updated', 'user.reactivated', 'group.member_removed', 'group.deleted', 'something.new'])('leaves sessions alone on %s', async (type) => {
    const { sessions, deliver } = setup();
    const token = await sessions.open('u1');
    expect(await deliver('evt_1', event(1, type, 'u1'))).toEqual({ kind: 'applied', revokedSessions: 0 });
    expect(await sessions.userOf(token)).toBe('u1');
  });

  it('revokes on any event of an inactive user: a deactivation whose delivery failed is acted on at the next change', async () => {
    const { sessions, deliver } = setup();
    const token = await sessions.open('u1');
    // Sequence 1 (user.deactivated) never arrived; then the user's title changed.
    expect(await deliver('evt_2', event(2, 'user.updated', 'u1', { active: false }))).toEqual({ kind: 'applied', revokedSessions: 1 });
    expect(await sessions.userOf(token)).toBeUndefined();
  });

  it('applies a redelivery (same webhook-id) once: a session opened in between survives it', async () => {
    const { sessions, ledger, deliver } = setup();
    await sessions.open('u1');
    expect(await deliver('evt_1', event(1, 'user.deactivated', 'u1'))).toEqual({ kind: 'applied', revokedSessions: 1 });
    expect(await deliver('evt_1', event(1, 'user.deactivated', 'u1'))).toEqual({ kind: 'duplicate' });
    expect((await ledger.arrivals()).map((arrival) => [arrival.eventId, arrival.outcome])).toEqual([
      ['evt_acme_1', 'applied'],
      ['evt_acme_1', 'duplicate'],
    ]);
  });

  it('does not apply an old deactivation replayed after the user’s reactivation', async () => {
    const { sessions, deliver } = setup();
    await deliver('d1', event(1, 'user.deactivated', 'u1'));
    await deliver('d2', event(2, 'user.reactivated', 'u1'));
    const fresh = await sessions.open('u1');
    // A new delivery id: an operator replayed the event (or it reached us through another webhook).
    expect(await deliver('d1-replayed', event(1, 'user.deactivated', 'u1'))).toEqual({ kind: 'stale' });
    expect(await sessions.userOf(fresh)).toBe('u1');
  });

  it('tracks the last applied sequence per tenant and warns of a gap', async () => {
    const { ledger, deliver, warnings } = setup();
    await deliver('a1', event(1, 'user.created', 'u1', { tenant: 'acme' }));
    await deliver('a2', event(2, 'user.updated', 'u1', { tenant: 'acme' }));
    await deliver('g7', event(7, 'user.created', 'u9', { tenant: 'globex' })); // a tenant's first event: no gap to speak of
    expect(warnings).toEqual([]);
    await deliver('a5', event(5, 'user.updated', 'u2', { tenant: 'acme' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^sequence gap: events 3–4 of tenant acme not received/);
    // Another resource's event arriving late is no gap, and is applied.
    expect(await deliver('a4', event(4, 'user.deleted', 'u3', { tenant: 'acme' }))).toEqual({ kind: 'applied', revokedSessions: 0 });
    expect(warnings).toHaveLength(1);
    expect(ledger.snapshot().tenantSequences).toEqual({ acme: 5, globex: 7 });
  });

  it('does not record an event whose revocation failed, so that the retry applies it', async () => {
    const real = new MemorySessionStore();
    let failNext = true;
    const flaky: SessionStore = {
      open: (userId) => real.open(userId),
      userOf: (token) => real.userOf(token),
      revokeAll: async (userId) => {
        if (failNext) {
          failNext = false;
          throw new Error('session database unavailable');
        }
        return real.revokeAll(userId);
      },
    };
    const { ledger, deliver } = setup(flaky);
    const token = await real.open('u1');
    await expect(deliver('evt_1', event(1, 'user.deleted', 'u1'))).rejects.toThrow(/unavailable/);
    expect(await ledger.arrivals()).toEqual([]);
    expect(await deliver('evt_1', event(1, 'user.deleted', 'u1'))).toEqual({ kind: 'applied', revokedSessions: 1 });
    expect(await real.userOf(token)).toBeUndefined();
  });
});
