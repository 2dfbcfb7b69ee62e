/** Admin API (and CLI --json) representations of webhooks and deliveries. Absent values are null, so scripts read one shape. */
import type { StoredAttempt, StoredDelivery } from '../store/webhook-store.js';
import type { CreatedWebhook, DeliveryDetails, DeliveryPage, RotatedSecret, WebhookSummary } from '../webhooks/webhook-service.js';

export function webhookView(webhook: WebhookSummary) {
  return {
    id: webhook.id,
    tenant: webhook.tenantId,
    url: webhook.url,
    eventTypes: [...webhook.eventTypes],
    enabled: webhook.enabled,
    description: webhook.description,
    disabledReason: webhook.disabledReason ?? null,
    maxEventsPerRequest: webhook.maxEventsPerRequest,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}

export function createdWebhookView(created: CreatedWebhook) {
  return { ...webhookView(created.webhook), secret: created.secret };
}

export function rotatedSecretView(rotated: RotatedSecret) {
  return { secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt };
}

export function deliveryView(delivery: StoredDelivery) {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    sequence: delivery.sequence,
    resourceType: delivery.resourceType,
    resourceId: delivery.resourceId,
    status: delivery.status,
    attemptCount: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt : null,
    lastError: delivery.lastError ?? null,
    createdAt: delivery.createdAt,
    completedAt: delivery.completedAt ?? null,
  };
}

export function attemptView(attempt: StoredAttempt) {
  return {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode ?? null,
    error: attempt.error ?? null,
    responseExcerpt: attempt.responseExcerpt ?? null,
  };
}

export function deliveryDetailsView(details: DeliveryDetails) {
  return { ...deliveryView(details.delivery), event: JSON.parse(details.delivery.payload) as Record<string, unknown>, attempts: details.attempts.map(attemptView) };
}

export function deliveryPageView(page: DeliveryPage) {
  return { deliveries: page.deliveries.map(deliveryView), next: page.next ?? null };
}
