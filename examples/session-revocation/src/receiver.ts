/**
 * What the host app does with a verified Scimitar event: apply it once, in
 * order per user, and end the user's sessions when the user is deactivated
 * or deleted.
 */
import type { Arrival, ArrivalOutcome, EventLedger } from './event-ledger.js';
import { endsSessions, type ReceivedEvent } from './scimitar-event.js';
import type { SessionStore } from './session-store.js';

/** The two logger methods used (pino's signature: fields, then message). */
export interface ReceiverLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export type ReceiveOutcome =
  | { readonly kind: 'applied'; readonly revokedSessions: number }
  /** Acknowledged (so that Scimitar stops sending it) and not applied: see ArrivalOutcome. */
  | { readonly kind: 'duplicate' | 'stale' };

export interface EventReceiverDependencies {
  readonly sessions: SessionStore;
  readonly ledger: EventLedger;
  readonly log: ReceiverLog;
  readonly now?: () => Date;
}

export class EventReceiver {
  private readonly now: () => Date;

  constructor(private readonly dependencies: EventReceiverDependencies) {
    this.now = dependencies.now ?? (() => new Date());
  }

  async receive(webhookId: string, event: ReceivedEvent): Promise<ReceiveOutcome> {
    const { sessions, ledger, log } = this.dependencies;
    const arrive = (outcome: ArrivalOutcome) => ledger.recordArrival(this.arrival(webhookId, event, outcome));

    // Delivery is at-least-once: a delivery whose answer was lost is sent again, with the same webhook-id.
    if (!(await ledger.claim(webhookId))) {
      await arrive('duplicate');
      log.info({ webhookId, sequence: event.sequence }, 'duplicate delivery: already applied');
      return { kind: 'duplicate' };
    }

    // Scimitar sends a resource's events in order, but an operator may replay an old failed
    // delivery later: a deactivation from before the user's reactivation must not end today's sessions.
    // (An equal sequence is the same event again, under another delivery id: already applied.)
    const lastForResource = await ledger.lastAppliedFor(event);
    if (lastForResource !== undefined && event.sequence <= lastForResource) {
      await arrive('stale');
      log.info({ webhookId, sequence: event.sequence, lastForResource }, 'stale event: a later event of this resource was already applied');
      return { kind: 'stale' };
    }

    let revokedSessions = 0;
    try {
      if (endsSessions(event)) revokedSessions = await sessions.revokeAll(event.resourceId);
    } catch (error) {
      // Not applied: forget the claim so that Scimitar's retry (after our 5xx) applies it.
      await ledger.release(webhookId);
      throw error;
    }

    const lastForTenant = await ledger.recordApplied(event, event.sequence);
    if (lastForTenant !== undefined && event.sequence > lastForTenant + 1) {
      log.warn(
        { tenant: event.tenant, lastApplied: lastForTenant, received: event.sequence },
        `sequence gap: events ${lastForTenant + 1}–${event.sequence - 1} of tenant ${event.tenant} not received (yet): ` +
          'expected for event types this webhook does not subscribe to, and for other resources’ events still on their way ' +
          '(order is kept per resource); otherwise they are being retried — or failed, see the webhook’s deliveries',
      );
    } else if (lastForTenant !== undefined && event.sequence < lastForTenant) {
      log.info({ tenant: event.tenant, lastApplied: lastForTenant, received: event.sequence }, 'event arrived after a later event of another resource');
    }
    await arrive('applied');
    log.info(
      { tenant: event.tenant, sequence: event.sequence, resource: `${event.resourceType}/${event.resourceId}`, revokedSessions },
      `${event.type} #${event.sequence} applied${revokedSessions > 0 ? `: ${revokedSessions} session(s) revoked` : ''}`,
    );
    return { kind: 'applied', revokedSessions };
  }

  private arrival(webhookId: string, event: ReceivedEvent, outcome: ArrivalOutcome): Arrival {
    return {
      webhookId,
      eventId: event.id,
      type: event.type,
      tenant: event.tenant,
      sequence: event.sequence,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      outcome,
      receivedAt: this.now().toISOString(),
    };
  }
}
