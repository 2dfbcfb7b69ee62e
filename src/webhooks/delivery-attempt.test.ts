import { describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from '../store/webhook-store.js';
import { batchMessageId, messageOf } from './delivery-attempt.js';

function claimed(eventId: string, maxEventsPerRequest: number): ClaimedDelivery {
  const payload = JSON.stringify({ id: eventId, type: 'user.updated', resourceId: `user-of-${eventId}` });
  return {
    id: `delivery-${eventId}`,
    webhookId: 'webhook-1',
    tenantId: 'acme',
    sequence: 1,
    eventId,
    eventType: 'user.updated',
    resourceType: 'User',
    resourceId: `user-of-${eventId}`,
    payload,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: '2030-01-01T00:00:00.000Z',
    retryWindow: { start: '2030-01-01T00:00:00.000Z', attempts: 0 },
    claimedUntil: '2030-01-01T00:01:00.000Z',
    lastError: undefined,
    createdAt: '2030-01-01T00:00:00.000Z',
    completedAt: undefined,
    claimToken: 'claim-1',
    consumerName: undefined,
    url: 'https://hooks.example.com/scim',
    secret: 'sealed',
    previousSecret: undefined,
    previousSecretExpiresAt: undefined,
    maxEventsPerRequest,
  };
}

describe('what one webhook request carries', () => {
  it('for a webhook of one event per request: the stored event as the body, its id as the webhook-id', () => {
    const delivery = claimed('evt-1', 1);
    expect(messageOf([delivery])).toEqual({ messageId: 'evt-1', body: delivery.payload });
    expect(() => messageOf([delivery, claimed('evt-2', 1)])).toThrow(TypeError);
  });

  it('for a webhook that takes several: a JSON array of the stored events in the order given, even of one', () => {
    const deliveries = ['evt-1', 'evt-2', 'evt-3'].map((eventId) => claimed(eventId, 10));
    const { body } = messageOf(deliveries);
    expect(body).toBe(`[${deliveries.map((delivery) => delivery.payload).join(',')}]`);
    expect(JSON.parse(body)).toEqual(deliveries.map((delivery) => JSON.parse(delivery.payload)));
    expect(JSON.parse(messageOf([deliveries[0]!]).body)).toEqual([JSON.parse(deliveries[0]!.payload)]);
  });

  it('names a request of several events by its events in order: the same set again, the same webhook-id; any other set or order, another', () => {
    const id = batchMessageId(['evt-1', 'evt-2']);
    expect(id).toMatch(/^batch_[A-Za-z0-9_-]{43}$/);
    expect(messageOf([claimed('evt-1', 5), claimed('evt-2', 5)]).messageId).toBe(id);
    expect(batchMessageId(['evt-2', 'evt-1'])).not.toBe(id);
    expect(batchMessageId(['evt-1', 'evt-2', 'evt-3'])).not.toBe(id);
  });
});
