/** Admin API (and CLI --json) representations of consumers and their deliveries. */
import type { ConsumerSummary } from '../consumers/consumer-service.js';
import type { StoredDelivery } from '../store/webhook-store.js';
import type { DeliveryDetails, DeliveryPage } from '../webhooks/target-deliveries.js';
import { deliveryDetailsView, deliveryView } from './webhook-views.js';

export function consumerView(consumer: ConsumerSummary) {
  return {
    name: consumer.name,
    tenant: consumer.tenantId,
    eventTypes: [...consumer.eventTypes],
    cursor: consumer.cursor,
    createdAt: consumer.createdAt,
    updatedAt: consumer.updatedAt,
  };
}

export function consumerDeliveryView(consumer: string, delivery: StoredDelivery) {
  const { webhookId: _webhookId, ...fields } = deliveryView(delivery);
  return { ...fields, consumer };
}

export function consumerDeliveryDetailsView(consumer: string, details: DeliveryDetails) {
  const { webhookId: _webhookId, ...fields } = deliveryDetailsView(details);
  return { ...fields, consumer };
}

export function consumerDeliveryPageView(consumer: string, page: DeliveryPage) {
  return { deliveries: page.deliveries.map((delivery) => consumerDeliveryView(consumer, delivery)), next: page.next ?? null };
}
