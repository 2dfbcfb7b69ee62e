/**
 * Webhooks of a tenant: configuration, signing secrets, and the deliveries
 * made to them. The admin API and the CLI both call this, so both validate
 * and behave the same. A signing secret leaves it only from `create` and
 * `rotateSecret`, once; it is stored sealed (secret-box.ts).
 */
import { randomUUID } from 'node:crypto';
import { scimErrors } from '../core/errors/scim-error.js';
import { EVENT_TYPES, type EventType } from '../events/event.js';
import type { TenantStore } from '../store/store.js';
import type { StoredDelivery, StoredWebhook, WebhookChanges, WebhookStore } from '../store/webhook-store.js';
import type { SecretBox } from './secret-box.js';
import { generateSigningSecret } from './signing-secret.js';
import { checkWebhookUrl, type UrlPolicy } from './url-policy.js';
import { TargetDeliveries, type DeliveryDetails, type DeliveryPage, type DeliveryQuery, type DeliveryTarget } from './target-deliveries.js';

/** A webhook as shown to operators: never its secret. */
export interface WebhookSummary {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly eventTypes: readonly EventType[];
  readonly enabled: boolean;
  readonly description: string;
  /** Why Scimitar disabled it (the endpoint answered 410 Gone), until it is enabled again. */
  readonly disabledReason: string | undefined;
  /** Above 1: up to this many events per request, as a JSON array (docs/webhooks.md, "Several events per request"). */
  readonly maxEventsPerRequest: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookInput {
  readonly url: string;
  /** Empty or absent: every event type. */
  readonly eventTypes?: readonly string[] | undefined;
  readonly enabled?: boolean | undefined;
  readonly description?: string | undefined;
  /** Absent: 1, one event per request (the event itself the body). */
  readonly maxEventsPerRequest?: number | undefined;
}

export interface WebhookUpdate {
  readonly url?: string | undefined;
  readonly eventTypes?: readonly string[] | undefined;
  readonly enabled?: boolean | undefined;
  readonly description?: string | undefined;
  readonly maxEventsPerRequest?: number | undefined;
}

export interface CreatedWebhook {
  readonly webhook: WebhookSummary;
  /** The signing secret (`whsec_…`): shown this once. */
  readonly secret: string;
}

export interface RotatedSecret {
  readonly webhook: WebhookSummary;
  readonly secret: string;
  /** Until then deliveries carry a signature with the previous secret too. */
  readonly previousSecretExpiresAt: string;
}

export type { DeliveryDetails, DeliveryPage, DeliveryQuery } from './target-deliveries.js';
export { DEFAULT_DELIVERY_PAGE_SIZE, MAX_DELIVERY_PAGE_SIZE } from './target-deliveries.js';

export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 86_400;
export const MAX_DESCRIPTION_LENGTH = 500;
/**
 * The most events one request may carry. A bound keeps a request's body and
 * the receiver's work per request in reason (an event holds its resource),
 * and one failing request puts at most this many deliveries into retry.
 */
export const MAX_EVENTS_PER_REQUEST = 100;

export interface WebhookServiceDependencies {
  readonly webhooks: WebhookStore;
  readonly tenants: TenantStore;
  readonly secrets: SecretBox;
  readonly urlPolicy: UrlPolicy;
  readonly now: () => Date;
  /** The event types a webhook may subscribe to (eventCatalogue): the built-in ones when absent. */
  readonly eventTypes?: readonly EventType[];
}

export function summarizeWebhook(webhook: StoredWebhook): WebhookSummary {
  return {
    id: webhook.id,
    tenantId: webhook.tenantId,
    url: webhook.url,
    eventTypes: webhook.eventTypes,
    enabled: webhook.enabled,
    description: webhook.description,
    disabledReason: webhook.disabledReason,
    maxEventsPerRequest: webhook.maxEventsPerRequest,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}

function checkEventTypes(value: readonly string[] | undefined, catalogue: readonly EventType[]): EventType[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw scimErrors.invalidValue('eventTypes must be an array of event types');
  const unknown = value.filter((type) => !(catalogue as readonly string[]).includes(type));
  if (unknown.length > 0) {
    throw scimErrors.invalidValue(`Unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.map((type) => JSON.stringify(type)).join(', ')}; known types: ${catalogue.join(', ')}`);
  }
  // Kept in the catalogue's order, once each: two spellings of one subscription read the same.
  return catalogue.filter((type) => value.includes(type));
}

function checkDescription(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw scimErrors.invalidValue('description must be a string');
  if (value.length > MAX_DESCRIPTION_LENGTH) throw scimErrors.invalidValue(`description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw scimErrors.invalidValue('description must not contain control characters');
  return value;
}

function checkMaxEventsPerRequest(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_EVENTS_PER_REQUEST) {
    throw scimErrors.invalidValue(`maxEventsPerRequest must be a whole number from 1 to ${MAX_EVENTS_PER_REQUEST}`);
  }
  return value;
}

export class WebhookService {
  private readonly eventTypes: readonly EventType[];

  private readonly deliveries: TargetDeliveries;

  constructor(private readonly dependencies: WebhookServiceDependencies) {
    this.deliveries = new TargetDeliveries(dependencies.webhooks, dependencies.now);
    this.eventTypes = dependencies.eventTypes ?? EVENT_TYPES;
  }

  async create(tenantId: string, input: WebhookInput): Promise<CreatedWebhook> {
    const url = checkWebhookUrl(this.dependencies.urlPolicy, input.url);
    const eventTypes = checkEventTypes(input.eventTypes, this.eventTypes);
    const description = checkDescription(input.description);
    const maxEventsPerRequest = input.maxEventsPerRequest === undefined ? 1 : checkMaxEventsPerRequest(input.maxEventsPerRequest);
    await this.requireTenant(tenantId);
    const id = randomUUID();
    const secret = generateSigningSecret();
    const stored = await this.dependencies.webhooks.insertWebhook({
      id,
      tenantId,
      url,
      eventTypes,
      enabled: input.enabled ?? true,
      description,
      maxEventsPerRequest,
      secret: this.dependencies.secrets.seal(secret, id),
      now: this.dependencies.now().toISOString(),
    });
    return { webhook: summarizeWebhook(stored), secret };
  }

  async list(tenantId: string): Promise<readonly WebhookSummary[]> {
    await this.requireTenant(tenantId);
    return (await this.dependencies.webhooks.listWebhooks(tenantId)).map(summarizeWebhook);
  }

  async get(tenantId: string, webhookId: string): Promise<WebhookSummary> {
    return summarizeWebhook(await this.find(tenantId, webhookId));
  }

  /** A webhook by id alone, whatever its tenant: for operators' tools that are not scoped to one tenant. */
  async locate(webhookId: string): Promise<WebhookSummary> {
    const webhook = await this.dependencies.webhooks.getWebhook(webhookId);
    if (!webhook) throw scimErrors.notFound(`No webhook "${webhookId.slice(0, 80)}"`);
    return summarizeWebhook(webhook);
  }

  /**
   * Enabling a webhook that Scimitar disabled (410 Gone) clears the reason.
   * A disabled webhook skipped the events of its disabled time, so enabling
   * it delivers the changes made from then on.
   */
  async update(tenantId: string, webhookId: string, update: WebhookUpdate): Promise<WebhookSummary> {
    const changes: { -readonly [K in keyof WebhookChanges]: WebhookChanges[K] } = {};
    if (update.url !== undefined) changes.url = checkWebhookUrl(this.dependencies.urlPolicy, update.url);
    if (update.eventTypes !== undefined) changes.eventTypes = checkEventTypes(update.eventTypes, this.eventTypes);
    if (update.description !== undefined) changes.description = checkDescription(update.description);
    if (update.maxEventsPerRequest !== undefined) changes.maxEventsPerRequest = checkMaxEventsPerRequest(update.maxEventsPerRequest);
    if (update.enabled !== undefined) {
      changes.enabled = update.enabled;
      if (update.enabled) changes.disabledReason = null;
    }
    await this.find(tenantId, webhookId);
    const updated = await this.dependencies.webhooks.updateWebhook(webhookId, changes, this.dependencies.now().toISOString());
    if (!updated) throw this.notFound(tenantId, webhookId);
    return summarizeWebhook(updated);
  }

  /** Deletes the webhook with its deliveries and their attempts; one in flight is let finish. */
  async delete(tenantId: string, webhookId: string): Promise<void> {
    await this.find(tenantId, webhookId);
    if (!(await this.dependencies.webhooks.deleteWebhook(webhookId))) throw this.notFound(tenantId, webhookId);
  }

  /**
   * A new secret now; the current one keeps signing for `overlapSeconds`
   * (every delivery carries both signatures meanwhile), so the receiver can
   * switch without rejecting a delivery. A secret still overlapping from an
   * earlier rotation is dropped: only the current secret has been handed out
   * most recently.
   */
  async rotateSecret(tenantId: string, webhookId: string, options: { readonly overlapSeconds?: number | undefined } = {}): Promise<RotatedSecret> {
    const overlapSeconds = options.overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS;
    if (!Number.isSafeInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_ROTATION_OVERLAP_SECONDS) {
      throw scimErrors.invalidValue(`overlapSeconds must be a whole number from 0 to ${MAX_ROTATION_OVERLAP_SECONDS}`);
    }
    const current = await this.find(tenantId, webhookId);
    const now = this.dependencies.now();
    const secret = generateSigningSecret();
    const previousSecretExpiresAt = new Date(now.getTime() + overlapSeconds * 1000).toISOString();
    const rotated = await this.dependencies.webhooks.updateWebhook(
      webhookId,
      // The previous secret is moved sealed as it is: it never needs opening here.
      { rotation: { secret: this.dependencies.secrets.seal(secret, webhookId), previousSecret: current.secret, previousSecretExpiresAt } },
      now.toISOString(),
    );
    if (!rotated) throw this.notFound(tenantId, webhookId);
    return { webhook: summarizeWebhook(rotated), secret, previousSecretExpiresAt };
  }

  async listDeliveries(tenantId: string, webhookId: string, query: DeliveryQuery = {}): Promise<DeliveryPage> {
    this.deliveries.checkQuery(query);
    return this.deliveries.page(await this.target(tenantId, webhookId), query);
  }

  async getDelivery(tenantId: string, webhookId: string, deliveryId: string): Promise<DeliveryDetails> {
    return this.deliveries.details(await this.target(tenantId, webhookId), deliveryId);
  }

  /** A failed delivery is sent again, with a fresh retry schedule; its earlier attempts stay recorded. */
  async replayDelivery(tenantId: string, webhookId: string, deliveryId: string): Promise<StoredDelivery> {
    return this.deliveries.replay(await this.target(tenantId, webhookId), deliveryId);
  }

  /** Every failed delivery of the webhook is sent again; returns how many. */
  async replayFailed(tenantId: string, webhookId: string): Promise<number> {
    return this.deliveries.replayFailed(await this.target(tenantId, webhookId));
  }

  private async target(tenantId: string, webhookId: string): Promise<DeliveryTarget> {
    await this.find(tenantId, webhookId);
    return { id: webhookId, label: `webhook "${webhookId.slice(0, 80)}"` };
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.dependencies.tenants.getTenant(tenantId))) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
  }

  /** The webhook, if it exists in that tenant: another tenant's webhook is as missing as an unknown one. */
  private async find(tenantId: string, webhookId: string): Promise<StoredWebhook> {
    await this.requireTenant(tenantId);
    const webhook = await this.dependencies.webhooks.getWebhook(webhookId);
    if (!webhook || webhook.tenantId !== tenantId) throw this.notFound(tenantId, webhookId);
    return webhook;
  }

  private notFound(tenantId: string, webhookId: string) {
    return scimErrors.notFound(`No webhook "${webhookId.slice(0, 80)}" in tenant "${tenantId.slice(0, 80)}"`);
  }
}
