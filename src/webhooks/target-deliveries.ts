/**
 * The deliveries of one delivery target, a webhook or a consumer in a
 * tenant (src/consumers): paging, details with every attempt, replays.
 * The services find the target (and answer 404 for another tenant's);
 * what is done with its deliveries is the same for both kinds.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import type { DeliveryStatus, StoredAttempt, StoredDelivery, WebhookStore } from '../store/webhook-store.js';

export interface DeliveryQuery {
  readonly status?: string | undefined;
  readonly limit?: number | undefined;
  /** The `next` of the previous page. */
  readonly after?: number | undefined;
}

export interface DeliveryPage {
  readonly deliveries: readonly StoredDelivery[];
  /** Pass as `after` for the next page; undefined on the last page. */
  readonly next: number | undefined;
}

export interface DeliveryDetails {
  readonly delivery: StoredDelivery;
  readonly attempts: readonly StoredAttempt[];
}

export const DEFAULT_DELIVERY_PAGE_SIZE = 50;
export const MAX_DELIVERY_PAGE_SIZE = 500;

/** A found target: its row id, and how messages name it ("webhook \"…\"", "consumer \"…\""). */
export interface DeliveryTarget {
  readonly id: string;
  readonly label: string;
}

export class TargetDeliveries {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly now: () => Date,
  ) {}

  /** Checks the query (a SCIM 400 for a bad one) before any look-up. */
  checkQuery(query: DeliveryQuery): { status: DeliveryStatus | undefined; limit: number; after: number | undefined } {
    const status = query.status;
    if (status !== undefined && status !== 'pending' && status !== 'succeeded' && status !== 'failed') {
      throw scimErrors.invalidValue(`status must be pending, succeeded or failed, not ${JSON.stringify(status)}`);
    }
    const limit = query.limit ?? DEFAULT_DELIVERY_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DELIVERY_PAGE_SIZE) throw scimErrors.invalidValue(`limit must be from 1 to ${MAX_DELIVERY_PAGE_SIZE}`);
    if (query.after !== undefined && (!Number.isSafeInteger(query.after) || query.after < 0)) throw scimErrors.invalidValue('after must be a whole number (the next of the previous page)');
    return { status, limit, after: query.after };
  }

  async page(target: DeliveryTarget, query: DeliveryQuery): Promise<DeliveryPage> {
    const { status, limit, after } = this.checkQuery(query);
    // One more than asked: whether a next page exists, without a count.
    const rows = await this.webhooks.listDeliveries(target.id, { status, limit: limit + 1, afterSequence: after });
    const deliveries = rows.slice(0, limit);
    return { deliveries, next: rows.length > limit ? deliveries.at(-1)?.sequence : undefined };
  }

  async details(target: DeliveryTarget, deliveryId: string): Promise<DeliveryDetails> {
    const delivery = await this.find(target, deliveryId);
    return { delivery, attempts: await this.webhooks.listAttempts(deliveryId) };
  }

  /** A failed delivery is sent again, with a fresh retry schedule; its earlier attempts stay recorded. */
  async replay(target: DeliveryTarget, deliveryId: string): Promise<StoredDelivery> {
    const delivery = await this.find(target, deliveryId);
    if (delivery.status !== 'failed') throw scimErrors.invalidValue(`Delivery ${deliveryId} is ${delivery.status}; only failed deliveries can be replayed`);
    await this.webhooks.replayDelivery(target.id, deliveryId, this.now().toISOString());
    return this.find(target, deliveryId);
  }

  /** Every failed delivery of the target is sent again; returns how many. */
  replayFailed(target: DeliveryTarget): Promise<number> {
    return this.webhooks.replayFailed(target.id, this.now().toISOString());
  }

  private async find(target: DeliveryTarget, deliveryId: string): Promise<StoredDelivery> {
    const delivery = await this.webhooks.getDelivery(target.id, deliveryId);
    if (!delivery) throw scimErrors.notFound(`No delivery "${deliveryId.slice(0, 80)}" of ${target.label}`);
    return delivery;
  }
}
