/**
 * Webhooks on SQLite. Every write runs in the store's serialised write
 * transaction, so enqueueing, claiming and recording are each atomic and
 * never interleave: one process owns an SQLite file, and its transactions
 * are serial, which is all exactly-once enqueueing and single claims need.
 */
import {
  ATTEMPT_COLUMNS,
  attemptFromRow,
  attemptSummary,
  claimedFromRow,
  DELIVERY_COLUMNS,
  deliveryColumnsOf,
  deliveryFromRow,
  ENQUEUE_CANDIDATE_COLUMNS,
  enqueueCandidateFromRow,
  eventsFromPayloads,
  planEnqueue,
  replayStatement,
  WEBHOOK_COLUMNS,
  webhookFromRow,
  type AttemptRow,
  type ClaimedRow,
  type DeliveryRow,
  type EnqueueCandidateRow,
  type WebhookRow,
} from '../webhook-rows.js';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimOptions,
  DeliveryPageQuery,
  EnqueueOptions,
  EnqueueResult,
  NewWebhook,
  StoredAttempt,
  StoredDelivery,
  StoredWebhook,
  WebhookChanges,
  WebhookStore,
} from '../webhook-store.js';
import type { SqliteConnection } from './connection.js';
import { canonicalTimestamp } from './resource-rows.js';
import type { SerialisedWrite } from './sqlite-store.js';

/** Due, unleased, pending deliveries of enabled webhooks with no earlier pending delivery of the same resource. */
export const CLAIMABLE_DELIVERIES = `
SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until <= ?) AND w.enabled = 1
  AND NOT EXISTS (
    SELECT 1 FROM webhook_deliveries e
    WHERE e.webhook_id = d.webhook_id AND e.resource_type = d.resource_type AND e.resource_id = d.resource_id
      AND e.status = 'pending' AND e.sequence < d.sequence)
ORDER BY d.next_attempt_at, d.sequence
LIMIT ?`;

export class SqliteWebhookStore implements WebhookStore {
  constructor(
    protected readonly reader: () => SqliteConnection,
    protected readonly write: SerialisedWrite,
  ) {}

  async insertWebhook(webhook: NewWebhook): Promise<StoredWebhook> {
    const now = canonicalTimestamp(webhook.now);
    return this.write((writer) => {
      // The start position is read in the insert itself: no event committed before it is delivered, none after it is missed.
      const row = writer
        .statement(
          `INSERT INTO webhooks (${WEBHOOK_COLUMNS})
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, COALESCE((SELECT last_sequence FROM event_sequences WHERE tenant_id = ?), 0))
           RETURNING ${WEBHOOK_COLUMNS}`,
        )
        .get(
          webhook.id,
          webhook.tenantId,
          webhook.url,
          JSON.stringify(webhook.eventTypes),
          webhook.enabled ? 1 : 0,
          webhook.description,
          webhook.secret,
          now,
          now,
          webhook.tenantId,
        ) as WebhookRow;
      return webhookFromRow(row);
    });
  }

  async getWebhook(webhookId: string): Promise<StoredWebhook | undefined> {
    const row = this.reader().statement(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?`).get(webhookId) as WebhookRow | undefined;
    return row === undefined ? undefined : webhookFromRow(row);
  }

  async listWebhooks(tenantId: string): Promise<readonly StoredWebhook[]> {
    const rows = this.reader().statement(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = ? ORDER BY created_at, id`).all(tenantId) as WebhookRow[];
    return rows.map(webhookFromRow);
  }

  async updateWebhook(webhookId: string, changes: WebhookChanges, now: string): Promise<StoredWebhook | undefined> {
    const updatedAt = canonicalTimestamp(now);
    const rotation = changes.rotation;
    const previousExpiry = rotation === undefined ? undefined : canonicalTimestamp(rotation.previousSecretExpiresAt);
    return this.write((writer) => {
      const row = writer
        .statement(
          `UPDATE webhooks SET
             url = COALESCE(?, url),
             event_types = COALESCE(?, event_types),
             enabled = COALESCE(?, enabled),
             description = COALESCE(?, description),
             disabled_reason = CASE WHEN ? THEN ? ELSE disabled_reason END,
             secret = COALESCE(?, secret),
             previous_secret = CASE WHEN ? THEN ? ELSE previous_secret END,
             previous_secret_expires_at = CASE WHEN ? THEN ? ELSE previous_secret_expires_at END,
             updated_at = ?
           WHERE id = ?
           RETURNING ${WEBHOOK_COLUMNS}`,
        )
        .get(
          changes.url ?? null,
          changes.eventTypes === undefined ? null : JSON.stringify(changes.eventTypes),
          changes.enabled === undefined ? null : changes.enabled ? 1 : 0,
          changes.description ?? null,
          changes.disabledReason !== undefined ? 1 : 0,
          changes.disabledReason ?? null,
          rotation?.secret ?? null,
          rotation !== undefined ? 1 : 0,
          rotation?.previousSecret ?? null,
          rotation !== undefined ? 1 : 0,
          previousExpiry ?? null,
          updatedAt,
          webhookId,
        ) as WebhookRow | undefined;
      return row === undefined ? undefined : webhookFromRow(row);
    });
  }

  async deleteWebhook(webhookId: string): Promise<boolean> {
    return this.write((writer) => writer.statement('DELETE FROM webhooks WHERE id = ?').run(webhookId).changes > 0);
  }

  async enqueueDeliveries(options: EnqueueOptions): Promise<EnqueueResult> {
    const now = canonicalTimestamp(options.now);
    // Every instance polls: the usual answer, "nothing new", is read without taking the write lock.
    const pending = this.reader()
      .statement('SELECT 1 FROM webhooks w JOIN event_sequences s ON s.tenant_id = w.tenant_id WHERE w.enqueued_through < s.last_sequence LIMIT 1')
      .get();
    if (pending === undefined) return { enqueued: 0, more: false };
    return this.write((writer) => {
      const candidates = writer
        .statement(
          `SELECT ${ENQUEUE_CANDIDATE_COLUMNS}
           FROM webhooks w JOIN event_sequences s ON s.tenant_id = w.tenant_id
           WHERE w.enqueued_through < s.last_sequence
           ORDER BY w.id LIMIT ?`,
        )
        .all(options.webhookLimit + 1) as EnqueueCandidateRow[];
      let more = candidates.length > options.webhookLimit;
      let enqueued = 0;
      const readEvents = writer.statement('SELECT payload FROM events WHERE tenant_id = ? AND sequence > ? ORDER BY sequence LIMIT ?');
      const insert = writer.statement(
        `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}, claim_token)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, 0, NULL, NULL, ?, NULL, NULL)
         ON CONFLICT (webhook_id, sequence) DO NOTHING`,
      );
      const advance = writer.statement('UPDATE webhooks SET enqueued_through = ? WHERE id = ?');
      for (const webhook of candidates.slice(0, options.webhookLimit).map(enqueueCandidateFromRow)) {
        if (!webhook.enabled) {
          advance.run(webhook.lastSequence, webhook.id);
          continue;
        }
        const events = eventsFromPayloads(readEvents.all(webhook.tenantId, webhook.enqueuedThrough, options.eventLimit) as { payload: string }[]);
        for (const delivery of planEnqueue(webhook, events, now, options.newDeliveryId)) {
          enqueued += insert.run(
            delivery.id,
            delivery.webhookId,
            delivery.tenantId,
            delivery.sequence,
            delivery.eventId,
            delivery.eventType,
            delivery.resourceType,
            delivery.resourceId,
            delivery.payload,
            now,
            now,
            now,
          ).changes;
        }
        // Events are never missing below last_sequence (retention keeps what a webhook has not read); if they were, skipping them is the only way on.
        const readThrough = events.at(-1)?.event.sequence ?? webhook.lastSequence;
        advance.run(readThrough, webhook.id);
        if (readThrough < webhook.lastSequence) more = true;
      }
      return { enqueued, more };
    });
  }

  async claimDeliveries(options: ClaimOptions): Promise<readonly ClaimedDelivery[]> {
    const now = canonicalTimestamp(options.now);
    const claimedUntil = canonicalTimestamp(options.claimedUntil);
    if (this.reader().statement(CLAIMABLE_DELIVERIES).get(now, now, 1) === undefined) return [];
    return this.write((writer) => {
      writer
        .statement(`UPDATE webhook_deliveries SET claimed_until = ?, claim_token = ? WHERE id IN (${CLAIMABLE_DELIVERIES})`)
        .run(claimedUntil, options.claimToken, now, now, options.limit);
      const rows = writer
        .statement(
          `SELECT ${deliveryColumnsOf('d')}, d.claim_token, w.url, w.secret, w.previous_secret, w.previous_secret_expires_at
           FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
           WHERE d.claim_token = ? ORDER BY d.next_attempt_at, d.sequence`,
        )
        .all(options.claimToken) as ClaimedRow[];
      return rows.map(claimedFromRow);
    });
  }

  async recordAttempt(record: AttemptRecord): Promise<boolean> {
    const startedAt = canonicalTimestamp(record.startedAt);
    const now = canonicalTimestamp(record.now);
    const nextAttemptAt = record.outcome.kind === 'retry' ? canonicalTimestamp(record.outcome.nextAttemptAt) : undefined;
    return this.write((writer) => {
      const current = writer.statement('SELECT webhook_id, status, attempts, claim_token FROM webhook_deliveries WHERE id = ?').get(record.deliveryId) as
        | { webhook_id: string; status: string; attempts: number; claim_token: string | null }
        | undefined;
      if (current === undefined) return false;
      const attempt = current.attempts + 1;
      writer
        .statement(`INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(record.deliveryId, attempt, startedAt, Math.round(record.durationMs), record.statusCode ?? null, record.error ?? null, record.responseExcerpt ?? null);
      const inCharge = current.status === 'pending' && (record.outcome.kind === 'succeeded' || current.claim_token === record.claimToken);
      if (!inCharge) {
        writer.statement('UPDATE webhook_deliveries SET attempts = ? WHERE id = ?').run(attempt, record.deliveryId);
        return true;
      }
      const lastError = attemptSummary(record);
      writer
        .statement(
          `UPDATE webhook_deliveries SET attempts = ?, status = ?, next_attempt_at = COALESCE(?, next_attempt_at), completed_at = ?,
             last_error = ?, claimed_until = NULL, claim_token = NULL
           WHERE id = ?`,
        )
        .run(
          attempt,
          record.outcome.kind === 'retry' ? 'pending' : record.outcome.kind,
          nextAttemptAt ?? null,
          record.outcome.kind === 'retry' ? null : now,
          lastError ?? null,
          record.deliveryId,
        );
      if (record.disableWebhook !== undefined) {
        writer
          .statement('UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?')
          .run(record.disableWebhook, now, current.webhook_id);
      }
      return true;
    });
  }

  async releaseClaims(claimToken: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.write((writer) => {
      const release = writer.statement("UPDATE webhook_deliveries SET claimed_until = NULL, claim_token = NULL WHERE id = ? AND claim_token = ? AND status = 'pending'");
      for (const id of deliveryIds) release.run(id, claimToken);
    });
  }

  async listDeliveries(webhookId: string, query: DeliveryPageQuery): Promise<readonly StoredDelivery[]> {
    const rows = this.reader()
      .statement(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE webhook_id = ? AND (? IS NULL OR status = ?) AND sequence > ?
         ORDER BY sequence LIMIT ?`,
      )
      .all(webhookId, query.status ?? null, query.status ?? null, query.afterSequence ?? 0, query.limit) as DeliveryRow[];
    return rows.map(deliveryFromRow);
  }

  async getDelivery(webhookId: string, deliveryId: string): Promise<StoredDelivery | undefined> {
    const row = this.reader().statement(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND id = ?`).get(webhookId, deliveryId) as
      | DeliveryRow
      | undefined;
    return row === undefined ? undefined : deliveryFromRow(row);
  }

  async listAttempts(deliveryId: string): Promise<readonly StoredAttempt[]> {
    const rows = this.reader().statement(`SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt`).all(deliveryId) as AttemptRow[];
    return rows.map(attemptFromRow);
  }

  async replayDelivery(webhookId: string, deliveryId: string, now: string): Promise<boolean> {
    const at = canonicalTimestamp(now);
    return this.write((writer) => writer.statement(`${replayStatement(() => '?')} WHERE webhook_id = ? AND id = ? AND status = 'failed'`).run(at, at, webhookId, deliveryId).changes > 0);
  }

  async replayFailed(webhookId: string, now: string): Promise<number> {
    const at = canonicalTimestamp(now);
    return this.write((writer) => writer.statement(`${replayStatement(() => '?')} WHERE webhook_id = ? AND status = 'failed'`).run(at, at, webhookId).changes);
  }

  async pruneDeliveries(before: string): Promise<number> {
    const cut = canonicalTimestamp(before);
    return this.write((writer) => writer.statement("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < ?").run(cut).changes);
  }
}
