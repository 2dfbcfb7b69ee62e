/**
 * Webhooks on PostgreSQL, for one or many instances on one database.
 *
 * Enqueueing, claiming and recording an attempt each run in a transaction
 * of their own on one pooled connection. Enqueueing locks the webhook rows
 * it works on (FOR UPDATE … SKIP LOCKED): another instance skips them
 * instead of reading the same events, so an event becomes one delivery per
 * webhook. Claiming locks the delivery rows it takes the same way and
 * writes a lease, so a delivery is sent by one instance at a time, and by
 * another only after a crashed holder's lease ran out. Recording locks the
 * delivery row (FOR UPDATE), so two attempts never get the same number.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
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
import type { Queryable } from './pool.js';
import { isRetryableTransactionError, translateConnectionError } from './postgres-errors.js';
import { canonicalTimestamp, hasNul } from './resource-rows.js';

const MAX_TRANSACTION_ATTEMPTS = 4;

/** Text to be written: U+0000 cannot be stored in PostgreSQL text. */
function withoutNul(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replaceAll('\u0000', '\uFFFD');
}

export class PostgresWebhookStore implements WebhookStore {
  constructor(
    protected readonly pool: Pool,
    protected readonly pooled: Queryable,
  ) {}

  async insertWebhook(webhook: NewWebhook): Promise<StoredWebhook> {
    const now = canonicalTimestamp(webhook.now);
    if (hasNul(webhook.id, webhook.tenantId, webhook.url, webhook.description, webhook.secret)) throw new TypeError('Webhook fields cannot contain U+0000');
    const { rows } = await this.pooled.query<WebhookRow>(
      `INSERT INTO webhooks (${WEBHOOK_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, $8, $8, COALESCE((SELECT last_sequence FROM event_sequences WHERE tenant_id = $2), 0))
       RETURNING ${WEBHOOK_COLUMNS}`,
      [webhook.id, webhook.tenantId, webhook.url, JSON.stringify(webhook.eventTypes), webhook.enabled, webhook.description, webhook.secret, now],
    );
    return webhookFromRow(rows[0]!);
  }

  async getWebhook(webhookId: string): Promise<StoredWebhook | undefined> {
    if (hasNul(webhookId)) return undefined;
    const { rows } = await this.pooled.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [webhookId]);
    return rows[0] === undefined ? undefined : webhookFromRow(rows[0]);
  }

  async listWebhooks(tenantId: string): Promise<readonly StoredWebhook[]> {
    if (hasNul(tenantId)) return [];
    const { rows } = await this.pooled.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
    return rows.map(webhookFromRow);
  }

  async updateWebhook(webhookId: string, changes: WebhookChanges, now: string): Promise<StoredWebhook | undefined> {
    const updatedAt = canonicalTimestamp(now);
    const rotation = changes.rotation;
    const previousExpiry = rotation === undefined ? undefined : canonicalTimestamp(rotation.previousSecretExpiresAt);
    if (hasNul(webhookId)) return undefined;
    if (hasNul(changes.url ?? '', changes.description ?? '', changes.disabledReason ?? '')) throw new TypeError('Webhook fields cannot contain U+0000');
    const { rows } = await this.pooled.query<WebhookRow>(
      `UPDATE webhooks SET
         url = COALESCE($1, url),
         event_types = COALESCE($2, event_types),
         enabled = COALESCE($3, enabled),
         description = COALESCE($4, description),
         disabled_reason = CASE WHEN $5 THEN $6 ELSE disabled_reason END,
         secret = COALESCE($7, secret),
         previous_secret = CASE WHEN $8 THEN $9 ELSE previous_secret END,
         previous_secret_expires_at = CASE WHEN $8 THEN $10 ELSE previous_secret_expires_at END,
         updated_at = $11
       WHERE id = $12
       RETURNING ${WEBHOOK_COLUMNS}`,
      [
        changes.url ?? null,
        changes.eventTypes === undefined ? null : JSON.stringify(changes.eventTypes),
        changes.enabled ?? null,
        changes.description ?? null,
        changes.disabledReason !== undefined,
        changes.disabledReason ?? null,
        rotation?.secret ?? null,
        rotation !== undefined,
        rotation?.previousSecret ?? null,
        previousExpiry ?? null,
        updatedAt,
        webhookId,
      ],
    );
    return rows[0] === undefined ? undefined : webhookFromRow(rows[0]);
  }

  async deleteWebhook(webhookId: string): Promise<boolean> {
    if (hasNul(webhookId)) return false;
    return ((await this.pooled.query('DELETE FROM webhooks WHERE id = $1', [webhookId])).rowCount ?? 0) > 0;
  }

  async enqueueDeliveries(options: EnqueueOptions): Promise<EnqueueResult> {
    const now = canonicalTimestamp(options.now);
    return this.transaction(async (client) => {
      // SKIP LOCKED: a webhook another instance is enqueueing is left to it, not waited for and never read twice.
      const { rows: candidates } = await client.query<EnqueueCandidateRow>(
        `SELECT ${ENQUEUE_CANDIDATE_COLUMNS}
         FROM webhooks w JOIN event_sequences s ON s.tenant_id = w.tenant_id
         WHERE w.enqueued_through < s.last_sequence
         ORDER BY w.id LIMIT $1
         FOR UPDATE OF w SKIP LOCKED`,
        [options.webhookLimit + 1],
      );
      let more = candidates.length > options.webhookLimit;
      let enqueued = 0;
      for (const webhook of candidates.slice(0, options.webhookLimit).map(enqueueCandidateFromRow)) {
        if (!webhook.enabled) {
          await client.query('UPDATE webhooks SET enqueued_through = $1 WHERE id = $2', [webhook.lastSequence, webhook.id]);
          continue;
        }
        const { rows: eventRows } = await client.query<{ payload: string }>(
          'SELECT payload FROM events WHERE tenant_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3',
          [webhook.tenantId, webhook.enqueuedThrough, options.eventLimit],
        );
        const events = eventsFromPayloads(eventRows);
        const deliveries = planEnqueue(webhook, events, now, options.newDeliveryId);
        if (deliveries.length > 0) {
          // One statement for the batch: unnest the columns as arrays.
          const inserted = await client.query(
            `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}, claim_token)
             SELECT id, webhook_id, tenant_id, sequence, event_id, event_type, resource_type, resource_id, payload,
                    'pending', 0, $10, $10, 0, NULL, NULL, $10, NULL, NULL
             FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                  AS batch (id, webhook_id, tenant_id, sequence, event_id, event_type, resource_type, resource_id, payload)
             ON CONFLICT (webhook_id, sequence) DO NOTHING`,
            [
              deliveries.map((delivery) => delivery.id),
              deliveries.map((delivery) => delivery.webhookId),
              deliveries.map((delivery) => delivery.tenantId),
              deliveries.map((delivery) => delivery.sequence),
              deliveries.map((delivery) => delivery.eventId),
              deliveries.map((delivery) => delivery.eventType),
              deliveries.map((delivery) => delivery.resourceType),
              deliveries.map((delivery) => delivery.resourceId),
              deliveries.map((delivery) => delivery.payload),
              now,
            ],
          );
          enqueued += inserted.rowCount ?? 0;
        }
        // Events are never missing below last_sequence (retention keeps what a webhook has not read); if they were, skipping them is the only way on.
        const readThrough = events.at(-1)?.event.sequence ?? webhook.lastSequence;
        await client.query('UPDATE webhooks SET enqueued_through = $1 WHERE id = $2', [readThrough, webhook.id]);
        if (readThrough < webhook.lastSequence) more = true;
      }
      return { enqueued, more };
    });
  }

  async claimDeliveries(options: ClaimOptions): Promise<readonly ClaimedDelivery[]> {
    const now = canonicalTimestamp(options.now);
    const claimedUntil = canonicalTimestamp(options.claimedUntil);
    return this.transaction(async (client) => {
      const { rows } = await client.query<ClaimedRow>(
        `WITH claimable AS (
           SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.claimed_until IS NULL OR d.claimed_until <= $1) AND w.enabled
             AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries e
               WHERE e.webhook_id = d.webhook_id AND e.resource_type = d.resource_type AND e.resource_id = d.resource_id
                 AND e.status = 'pending' AND e.sequence < d.sequence)
           ORDER BY d.next_attempt_at, d.sequence
           LIMIT $2
           FOR UPDATE OF d SKIP LOCKED
         )
         UPDATE webhook_deliveries d SET claimed_until = $3, claim_token = $4
         FROM claimable, webhooks w
         WHERE d.id = claimable.id AND w.id = d.webhook_id
         RETURNING ${deliveryColumnsOf('d')}, d.claim_token, w.url, w.secret, w.previous_secret, w.previous_secret_expires_at`,
        [now, options.limit, claimedUntil, options.claimToken],
      );
      return rows.map(claimedFromRow).sort((left, right) => left.nextAttemptAt.localeCompare(right.nextAttemptAt) || left.sequence - right.sequence);
    });
  }

  async recordAttempt(record: AttemptRecord): Promise<boolean> {
    const startedAt = canonicalTimestamp(record.startedAt);
    const now = canonicalTimestamp(record.now);
    const nextAttemptAt = record.outcome.kind === 'retry' ? canonicalTimestamp(record.outcome.nextAttemptAt) : undefined;
    if (hasNul(record.deliveryId)) return false;
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ webhook_id: string; status: string; attempts: number; claim_token: string | null }>(
        'SELECT webhook_id, status, attempts, claim_token FROM webhook_deliveries WHERE id = $1 FOR UPDATE',
        [record.deliveryId],
      );
      const current = rows[0];
      if (current === undefined) return false;
      const attempt = current.attempts + 1;
      await client.query(`INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        record.deliveryId,
        attempt,
        startedAt,
        Math.round(record.durationMs),
        record.statusCode ?? null,
        withoutNul(record.error) ?? null,
        withoutNul(record.responseExcerpt) ?? null,
      ]);
      const inCharge = current.status === 'pending' && (record.outcome.kind === 'succeeded' || current.claim_token === record.claimToken);
      if (!inCharge) {
        await client.query('UPDATE webhook_deliveries SET attempts = $1 WHERE id = $2', [attempt, record.deliveryId]);
        return true;
      }
      await client.query(
        `UPDATE webhook_deliveries SET attempts = $1, status = $2, next_attempt_at = COALESCE($3, next_attempt_at), completed_at = $4,
           last_error = $5, claimed_until = NULL, claim_token = NULL
         WHERE id = $6`,
        [
          attempt,
          record.outcome.kind === 'retry' ? 'pending' : record.outcome.kind,
          nextAttemptAt ?? null,
          record.outcome.kind === 'retry' ? null : now,
          withoutNul(attemptSummary(record)) ?? null,
          record.deliveryId,
        ],
      );
      if (record.disableWebhook !== undefined) {
        await client.query('UPDATE webhooks SET enabled = false, disabled_reason = $1, updated_at = $2 WHERE id = $3', [
          withoutNul(record.disableWebhook),
          now,
          current.webhook_id,
        ]);
      }
      return true;
    });
  }

  async releaseClaims(claimToken: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.pooled.query("UPDATE webhook_deliveries SET claimed_until = NULL, claim_token = NULL WHERE id = ANY($1::text[]) AND claim_token = $2 AND status = 'pending'", [
      deliveryIds,
      claimToken,
    ]);
  }

  async listDeliveries(webhookId: string, query: DeliveryPageQuery): Promise<readonly StoredDelivery[]> {
    if (hasNul(webhookId)) return [];
    const { rows } = await this.pooled.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) AND sequence > $3
       ORDER BY sequence LIMIT $4`,
      [webhookId, query.status ?? null, query.afterSequence ?? 0, query.limit],
    );
    return rows.map(deliveryFromRow);
  }

  async getDelivery(webhookId: string, deliveryId: string): Promise<StoredDelivery | undefined> {
    if (hasNul(webhookId, deliveryId)) return undefined;
    const { rows } = await this.pooled.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND id = $2`, [webhookId, deliveryId]);
    return rows[0] === undefined ? undefined : deliveryFromRow(rows[0]);
  }

  async listAttempts(deliveryId: string): Promise<readonly StoredAttempt[]> {
    if (hasNul(deliveryId)) return [];
    const { rows } = await this.pooled.query<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt`, [deliveryId]);
    return rows.map(attemptFromRow);
  }

  async replayDelivery(webhookId: string, deliveryId: string, now: string): Promise<boolean> {
    const at = canonicalTimestamp(now);
    if (hasNul(webhookId, deliveryId)) return false;
    const result = await this.pooled.query(`${replayStatement((index) => `$${index}`)} WHERE webhook_id = $3 AND id = $4 AND status = 'failed'`, [at, at, webhookId, deliveryId]);
    return (result.rowCount ?? 0) > 0;
  }

  async replayFailed(webhookId: string, now: string): Promise<number> {
    const at = canonicalTimestamp(now);
    if (hasNul(webhookId)) return 0;
    const result = await this.pooled.query(`${replayStatement((index) => `$${index}`)} WHERE webhook_id = $3 AND status = 'failed'`, [at, at, webhookId]);
    return result.rowCount ?? 0;
  }

  async pruneDeliveries(before: string): Promise<number> {
    const result = await this.pooled.query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < $1", [canonicalTimestamp(before)]);
    return result.rowCount ?? 0;
  }

  /**
   * `work` between BEGIN and COMMIT on one pooled connection. A deadlock or
   * serialization failure (a webhook deleted while its delivery is being
   * recorded) rolls back and runs `work` again: it only touches the database.
   */
  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.transactionOnce(work);
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw translateConnectionError(error);
        await delay(2 ** attempt * (5 + Math.random() * 10));
      }
    }
  }

  private async transactionOnce<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    /** Set when the connection cannot be trusted any more: release() then closes it. */
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }
}
