/**
 * Consumers as operators see them, per tenant: each consumer's cursor and
 * its deliveries, parked (`failed`) ones replayable, like a webhook's. The
 * admin API and the CLI both call this. Consumers are declared in the
 * app's code, so they are not created here; one the app no longer runs can
 * be deleted, so its cursor stops holding back event retention.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import type { EventType } from '../events/event.js';
import type { TenantStore } from '../store/store.js';
import type { StoredDelivery, StoredWebhook, WebhookStore } from '../store/webhook-store.js';
import { TargetDeliveries, type DeliveryDetails, type DeliveryPage, type DeliveryQuery, type DeliveryTarget } from '../webhooks/target-deliveries.js';

export interface ConsumerSummary {
  readonly name: string;
  readonly tenantId: string;
  /** Empty: every event type. */
  readonly eventTypes: readonly EventType[];
  /** The last sequence of the tenant's events it has taken (turned into deliveries or skipped as of another type). */
  readonly cursor: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ConsumerServiceDependencies {
  readonly webhooks: WebhookStore;
  readonly tenants: TenantStore;
  readonly now: () => Date;
}

function summarizeConsumer(row: StoredWebhook): ConsumerSummary {
  return { name: row.consumerName ?? '', tenantId: row.tenantId, eventTypes: row.eventTypes, cursor: row.enqueuedThrough, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export class ConsumerService {
  private readonly deliveries: TargetDeliveries;

  constructor(private readonly dependencies: ConsumerServiceDependencies) {
    this.deliveries = new TargetDeliveries(dependencies.webhooks, dependencies.now);
  }

  async list(tenantId: string): Promise<readonly ConsumerSummary[]> {
    await this.requireTenant(tenantId);
    return (await this.dependencies.webhooks.listConsumers(tenantId)).map(summarizeConsumer);
  }

  async get(tenantId: string, name: string): Promise<ConsumerSummary> {
    return summarizeConsumer(await this.find(tenantId, name));
  }

  async listDeliveries(tenantId: string, name: string, query: DeliveryQuery = {}): Promise<DeliveryPage> {
    this.deliveries.checkQuery(query);
    return this.deliveries.page(await this.target(tenantId, name), query);
  }

  async getDelivery(tenantId: string, name: string, deliveryId: string): Promise<DeliveryDetails> {
    return this.deliveries.details(await this.target(tenantId, name), deliveryId);
  }

  /** A parked event is handed to the consumer again, with a fresh retry budget; its attempts stay recorded. */
  async replayDelivery(tenantId: string, name: string, deliveryId: string): Promise<StoredDelivery> {
    return this.deliveries.replay(await this.target(tenantId, name), deliveryId);
  }

  /** Every event parked for the consumer in the tenant is handed over again; returns how many. */
  async replayFailed(tenantId: string, name: string): Promise<number> {
    return this.deliveries.replayFailed(await this.target(tenantId, name));
  }

  /**
   * Forgets a consumer in every tenant, with its deliveries: for one the app
   * no longer runs (a running one registers itself again, reading from the
   * oldest retained event). Returns how many tenants it read.
   */
  async delete(name: string): Promise<number> {
    const removed = await this.dependencies.webhooks.deleteConsumer(name);
    if (removed === 0) throw scimErrors.notFound(`No consumer "${name.slice(0, 80)}"`);
    return removed;
  }

  private async target(tenantId: string, name: string): Promise<DeliveryTarget> {
    const row = await this.find(tenantId, name);
    return { id: row.id, label: `consumer "${name.slice(0, 80)}"` };
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.dependencies.tenants.getTenant(tenantId))) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
  }

  private async find(tenantId: string, name: string): Promise<StoredWebhook> {
    await this.requireTenant(tenantId);
    const row = await this.dependencies.webhooks.findConsumer(name, tenantId);
    if (!row) throw scimErrors.notFound(`No consumer "${name.slice(0, 80)}" in tenant "${tenantId.slice(0, 80)}"`);
    return row;
  }
}
