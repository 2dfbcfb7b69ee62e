/**
 * Turns committed events into deliveries: asks the store to enqueue until
 * no webhook has unread events, in bounded batches so one busy tenant's
 * backlog of events does not hold a transaction open for long.
 */
import { randomUUID } from 'node:crypto';
import type { WebhookStore } from '../store/webhook-store.js';

export const ENQUEUE_WEBHOOK_BATCH = 50;
export const ENQUEUE_EVENT_BATCH = 500;
/** Batches per call: the rest waits for the next pass, so claiming is never starved by a huge backlog. */
const MAX_BATCHES_PER_CALL = 20;

/** How many deliveries were created, and whether events are left for the next pass. */
export async function enqueueNewEvents(webhooks: WebhookStore, now: () => Date): Promise<{ enqueued: number; more: boolean }> {
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_CALL; batch += 1) {
    const result = await webhooks.enqueueDeliveries({
      now: now().toISOString(),
      webhookLimit: ENQUEUE_WEBHOOK_BATCH,
      eventLimit: ENQUEUE_EVENT_BATCH,
      newDeliveryId: randomUUID,
    });
    total += result.enqueued;
    if (!result.more) return { enqueued: total, more: false };
  }
  return { enqueued: total, more: true };
}
