/**
 * What the receiver remembers of Scimitar's deliveries: which were applied
 * (by `webhook-id`, to apply each event once although delivery is
 * at-least-once), the last sequence applied per tenant and per resource,
 * and — for the demo's `GET /events-seen` — every verified arrival in order.
 *
 * In a real app these are rows in the app's database (the per-resource
 * sequence is a column of the app's user row), and `claim` is an
 * `INSERT … ON CONFLICT DO NOTHING` in the same transaction as the
 * revocation, so an event is applied exactly when it is recorded.
 */

/** What became of a verified delivery. */
export type ArrivalOutcome =
  | 'applied'
  /** A redelivery of an event already applied (same webhook-id). */
  | 'duplicate'
  /** Not newer than an event of the same resource already applied (a replayed old delivery): acknowledged, not applied. */
  | 'stale';

export interface Arrival {
  readonly webhookId: string;
  readonly eventId: string;
  readonly type: string;
  readonly tenant: string;
  readonly sequence: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly outcome: ArrivalOutcome;
  readonly receivedAt: string;
}

/** A resource of a tenant. */
export interface ResourceKey {
  readonly tenant: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

export interface EventLedger {
  /** Records a delivery id as being applied; false when it already was (a duplicate). */
  claim(webhookId: string): Promise<boolean>;
  /** Forgets a claim whose application failed, so that Scimitar's retry applies it. */
  release(webhookId: string): Promise<void>;
  /** The highest sequence applied for this resource. */
  lastAppliedFor(resource: ResourceKey): Promise<number | undefined>;
  /** Records an applied event's sequence, for its resource and its tenant; returns the tenant's highest sequence applied before it. */
  recordApplied(resource: ResourceKey, sequence: number): Promise<number | undefined>;
  recordArrival(arrival: Arrival): Promise<void>;
  /** Verified arrivals, oldest first (the most recent MAX_ARRIVALS). */
  arrivals(): Promise<readonly Arrival[]>;
}

export interface LedgerSnapshot {
  readonly appliedIds: readonly string[];
  readonly tenantSequences: Readonly<Record<string, number>>;
  readonly resourceSequences: Readonly<Record<string, number>>;
  readonly arrivals: readonly Arrival[];
}

/** The arrival log is for watching the demo; it need not grow without end. */
export const MAX_ARRIVALS = 1000;

function resourceKey(resource: ResourceKey): string {
  return JSON.stringify([resource.tenant, resource.resourceType, resource.resourceId]);
}

export class MemoryEventLedger implements EventLedger {
  /**
   * Kept for the life of the process. A long-running app prunes ids older
   * than the longest Scimitar keeps retrying a delivery: a retry can come
   * that late, a replay by a third party cannot (the signature's timestamp
   * window refuses it).
   */
  private readonly appliedIds: Set<string>;
  private readonly tenantSequences: Map<string, number>;
  private readonly resourceSequences: Map<string, number>;
  private readonly arrivalLog: Arrival[];
  private readonly onChange: () => void;

  constructor(options: { readonly initial?: LedgerSnapshot; readonly onChange?: () => void } = {}) {
    this.appliedIds = new Set(options.initial?.appliedIds ?? []);
    this.tenantSequences = new Map(Object.entries(options.initial?.tenantSequences ?? {}));
    this.resourceSequences = new Map(Object.entries(options.initial?.resourceSequences ?? {}));
    this.arrivalLog = [...(options.initial?.arrivals ?? [])];
    this.onChange = options.onChange ?? (() => undefined);
  }

  async claim(webhookId: string): Promise<boolean> {
    if (this.appliedIds.has(webhookId)) return false;
    this.appliedIds.add(webhookId);
    this.onChange();
    return true;
  }

  async release(webhookId: string): Promise<void> {
    if (this.appliedIds.delete(webhookId)) this.onChange();
  }

  async lastAppliedFor(resource: ResourceKey): Promise<number | undefined> {
    return this.resourceSequences.get(resourceKey(resource));
  }

  async recordApplied(resource: ResourceKey, sequence: number): Promise<number | undefined> {
    const key = resourceKey(resource);
    this.resourceSequences.set(key, Math.max(sequence, this.resourceSequences.get(key) ?? 0));
    const previous = this.tenantSequences.get(resource.tenant);
    this.tenantSequences.set(resource.tenant, Math.max(sequence, previous ?? 0));
    this.onChange();
    return previous;
  }

  async recordArrival(arrival: Arrival): Promise<void> {
    this.arrivalLog.push(arrival);
    if (this.arrivalLog.length > MAX_ARRIVALS) this.arrivalLog.splice(0, this.arrivalLog.length - MAX_ARRIVALS);
    this.onChange();
  }

  async arrivals(): Promise<readonly Arrival[]> {
    return [...this.arrivalLog];
  }

  snapshot(): LedgerSnapshot {
    return {
      appliedIds: [...this.appliedIds],
      tenantSequences: Object.fromEntries(this.tenantSequences),
      resourceSequences: Object.fromEntries(this.resourceSequences),
      arrivals: [...this.arrivalLog],
    };
  }
}
