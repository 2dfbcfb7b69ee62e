/**
 * Webhooks, written once for every SQL database, for one instance or many
 * on one database. Every change runs in a transaction of the driver
 * (`sessions.write`: its retry on deadlock or serialization failure, its
 * commit check), and each guarantee rests on a row lock taken through the
 * dialect, which SQLite does without because its one writer holds the
 * whole database:
 *
 * - Enqueueing locks the webhook rows it works on and skips those another
 *   instance holds, so an event is read into deliveries by one instance;
 *   UNIQUE (webhook_id, sequence) is the last line behind it.
 * - Claiming locks the delivery rows it takes the same way and writes a
 *   lease, so a delivery is sent by one instance at a time, and by another
 *   only after a crashed holder's lease ran out.
 * - Recording an attempt locks the delivery row, so two attempts never get
 *   the same number.
 *
 * Lock-taking SELECTs read other tables only in subqueries: the lock then
 * falls on the one table named in FROM (a webhook being enqueued does not
 * hide its deliveries from claims, and the tenant's event counter is never
 * locked against new events).
 */
import { canonicalTimestamp } from '../rows.js';
import {
  ATTEMPT_COLUMNS,
  attemptFromRow,
  attemptSummary,
  claimedFromRow,
  DELIVERY_COLUMNS,
  deliveryColumnsOf,
  deliveryFromRow,
  enqueueCandidateFromRow,
  eventsFromPayloads,
  planEnqueue,
  WEBHOOK_COLUMNS,
  webhookFromRow,
  type AttemptRow,
  type ClaimedRow,
  type DeliveryRow,
  type EnqueueCandidateRow,
  type NewDeliveryRow,
  type WebhookRow,
} from '../webhook-rows.js';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimOptions,
  ClaimTargets,
  ConsumerRegistration,
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
import type { SqlDialect } from './dialect.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment, type SqlParameterValue } from './fragment.js';
import type { SqlSession, SqlSessions } from './session.js';

/** Most rows one INSERT writes, and most values one IN list holds. */
const ROWS_PER_STATEMENT = 500;

function* inChunks<T>(items: readonly T[]): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) yield items.slice(start, start + ROWS_PER_STATEMENT);
}

/** Bound values, comma-separated. */
function parameters(values: readonly SqlParameterValue[]): SqlFragment {
  return joinSql(values.map(parameter), ', ');
}

/** `(?, ?, …)`: a row of bound values, or the list of an IN. */
function valueList(values: readonly SqlParameterValue[]): SqlFragment {
  return sql`(${parameters(values)})`;
}

/**
 * The ids of due deliveries that may be sent now: pending, due, with no live
 * lease, of an enabled webhook, and with no earlier pending delivery of the
 * same resource (deliveries of one resource go out in order). The
 * 'pending' literals match the partial indexes (webhook_deliveries_due,
 * webhook_deliveries_resource_order). The webhook is read in a scalar
 * subquery, not EXISTS: MariaDB turns EXISTS into a join, and a locking
 * read then locks (and, skipping locked rows, skips) the webhook row too,
 * so concurrent claims of one webhook's deliveries would shut each other
 * out.
 */
export function claimableDeliveries(dialect: SqlDialect, now: string, limit: number, targets: ClaimTargets): SqlFragment {
  const at = parameter(now);
  return sql`SELECT d.id FROM webhook_deliveries d
WHERE d.status = 'pending' AND d.next_attempt_at <= ${at} AND (d.claimed_until IS NULL OR d.claimed_until <= ${at})
  AND (SELECT w.enabled FROM webhooks w WHERE w.id = d.webhook_id) = ${dialect.booleanLiteral(true)}
  AND (SELECT COALESCE(w.consumer_name, '') FROM webhooks w WHERE w.id = d.webhook_id) IN ${valueList(claimTargetNames(targets))}
  AND NOT EXISTS (
    SELECT 1 FROM webhook_deliveries e
    WHERE e.webhook_id = d.webhook_id AND e.resource_type = d.resource_type AND e.resource_id = d.resource_id
      AND e.status = 'pending' AND e.sequence < d.sequence)
ORDER BY d.next_attempt_at, d.sequence
LIMIT ${dialect.rowLimit(limit)}`;
}

/**
 * The targets a claim takes, as `COALESCE(consumer_name, '')` values: ''
 * stands for the HTTP webhooks (a consumer's name is never empty).
 */
function claimTargetNames(targets: ClaimTargets): string[] {
  return [...(targets.webhooks ? [''] : []), ...targets.consumers];
}

/** The tenant's last event sequence, for a webhook row `w` (NULL before the tenant's first event: nothing to enqueue). */
const TENANT_LAST_SEQUENCE = rawSql('(SELECT s.last_sequence FROM event_sequences s WHERE s.tenant_id = w.tenant_id)');

/** A replay: pending again, due now, with a fresh retry budget; the attempts so far stay recorded. */
function replay(at: string): SqlFragment {
  return sql`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ${parameter(at)}, retry_window_start = ${parameter(at)},
  retry_window_attempts = attempts, completed_at = NULL, claimed_until = NULL, claim_token = NULL`;
}

/** A new delivery's row, in DELIVERY_COLUMNS order and then claim_token. */
function deliveryValues(delivery: NewDeliveryRow): SqlFragment {
  const { id, webhookId, tenantId, sequence, eventId, eventType, resourceType, resourceId, payload } = delivery;
  const now = parameter(delivery.now);
  return sql`(${parameters([id, webhookId, tenantId, sequence, eventId, eventType, resourceType, resourceId, payload])}, 'pending', 0, ${now}, ${now}, 0, NULL, NULL, ${now}, NULL, NULL)`;
}

/** The records with their positions, split so that no round holds one delivery twice (the usual batch is one round). */
function roundsOfDistinctDeliveries(records: readonly AttemptRecord[]): Array<Array<readonly [number, AttemptRecord]>> {
  const rounds: Array<Array<readonly [number, AttemptRecord]>> = [];
  const roundsOf = new Map<string, number>();
  records.forEach((record, index) => {
    const round = roundsOf.get(record.deliveryId) ?? 0;
    roundsOf.set(record.deliveryId, round + 1);
    (rounds[round] ??= []).push([index, record]);
  });
  return rounds;
}

export class SqlWebhookStore implements WebhookStore {
  constructor(private readonly sessions: SqlSessions) {}

  private get dialect(): SqlDialect {
    return this.sessions.dialect;
  }

  /**
   * Whether the values can be stored, and so be keys of a stored row: where
   * text cannot hold U+0000, no row holds such a value, and a lookup by it
   * finds nothing without asking the database (which would refuse the
   * parameter).
   */
  private storable(...values: readonly string[]): boolean {
    return this.dialect.textCanHoldNul || values.every((value) => !value.includes('\u0000'));
  }

  /** What a remote endpoint said (an error, a response excerpt), kept whatever it holds: U+0000 becomes U+FFFD where text cannot hold it. */
  private remoteText(value: string | undefined): string | null {
    if (value === undefined) return null;
    return this.dialect.textCanHoldNul ? value : value.replaceAll('\u0000', '\uFFFD');
  }

  private async webhookIn(session: SqlSession, webhookId: string): Promise<StoredWebhook | undefined> {
    const row = await session.first<WebhookRow>(sql`SELECT ${rawSql(WEBHOOK_COLUMNS)} FROM webhooks WHERE id = ${parameter(webhookId)} AND consumer_name IS NULL`);
    return row === undefined ? undefined : webhookFromRow(row, this.dialect);
  }

  async insertWebhook(webhook: NewWebhook): Promise<StoredWebhook> {
    const now = canonicalTimestamp(webhook.now);
    if (!this.storable(webhook.id, webhook.tenantId, webhook.url, webhook.description, webhook.secret)) throw new TypeError('Webhook fields cannot contain U+0000');
    return this.sessions.write(async (session) => {
      // The start position is read in the insert itself: no event committed before it is delivered, none after it is missed.
      await session.run(
        sql`INSERT INTO webhooks (${rawSql(WEBHOOK_COLUMNS)})
VALUES (${parameters([webhook.id, webhook.tenantId, webhook.url, JSON.stringify(webhook.eventTypes), webhook.enabled, webhook.description, webhook.secret])},
  NULL, NULL, NULL, ${parameter(now)}, ${parameter(now)},
  COALESCE((SELECT last_sequence FROM event_sequences WHERE tenant_id = ${parameter(webhook.tenantId)}), 0), NULL, ${parameter(webhook.maxEventsPerRequest ?? 1)})`,
      );
      // Read back rather than RETURNING, which not every database has: one path for all.
      const stored = await this.webhookIn(session, webhook.id);
      if (stored === undefined) throw new TypeError(`Webhook ${webhook.id} is missing inside the transaction that inserted it`);
      return stored;
    });
  }

  async getWebhook(webhookId: string): Promise<StoredWebhook | undefined> {
    if (!this.storable(webhookId)) return undefined;
    return this.webhookIn(this.sessions.committed(), webhookId);
  }

  async listWebhooks(tenantId: string): Promise<readonly StoredWebhook[]> {
    if (!this.storable(tenantId)) return [];
    const rows = await this.sessions
      .committed()
      .all<WebhookRow>(sql`SELECT ${rawSql(WEBHOOK_COLUMNS)} FROM webhooks WHERE tenant_id = ${parameter(tenantId)} AND consumer_name IS NULL ORDER BY created_at, id`);
    return rows.map((row) => webhookFromRow(row, this.dialect));
  }

  async updateWebhook(webhookId: string, changes: WebhookChanges, now: string): Promise<StoredWebhook | undefined> {
    const { rotation } = changes;
    const assignments: SqlFragment[] = [sql`updated_at = ${parameter(canonicalTimestamp(now))}`];
    if (changes.url !== undefined) assignments.push(sql`url = ${parameter(changes.url)}`);
    if (changes.eventTypes !== undefined) assignments.push(sql`event_types = ${parameter(JSON.stringify(changes.eventTypes))}`);
    if (changes.enabled !== undefined) assignments.push(sql`enabled = ${parameter(changes.enabled)}`);
    if (changes.description !== undefined) assignments.push(sql`description = ${parameter(changes.description)}`);
    if (changes.maxEventsPerRequest !== undefined) assignments.push(sql`max_events_per_request = ${parameter(changes.maxEventsPerRequest)}`);
    if (changes.disabledReason !== undefined) assignments.push(sql`disabled_reason = ${parameter(changes.disabledReason)}`);
    if (rotation !== undefined) {
      assignments.push(
        sql`secret = ${parameter(rotation.secret)}`,
        sql`previous_secret = ${parameter(rotation.previousSecret)}`,
        sql`previous_secret_expires_at = ${parameter(canonicalTimestamp(rotation.previousSecretExpiresAt))}`,
      );
    }
    if (!this.storable(webhookId)) return undefined;
    const written = [changes.url, changes.description, changes.disabledReason ?? undefined, rotation?.secret, rotation?.previousSecret];
    if (!this.storable(...written.filter((value): value is string => value !== undefined))) throw new TypeError('Webhook fields cannot contain U+0000');
    return this.sessions.write(async (session) => {
      // Found or not is read back, not taken from the change count: MySQL counts only rows whose values changed.
      await session.run(sql`UPDATE webhooks SET ${joinSql(assignments, ', ')} WHERE id = ${parameter(webhookId)}`);
      return this.webhookIn(session, webhookId);
    });
  }

  async deleteWebhook(webhookId: string): Promise<boolean> {
    if (!this.storable(webhookId)) return false;
    // Its deliveries and their attempts go with it (ON DELETE CASCADE).
    return this.sessions.write(async (session) => (await session.run(sql`DELETE FROM webhooks WHERE id = ${parameter(webhookId)}`)) > 0);
  }

  async enqueueDeliveries(options: EnqueueOptions): Promise<EnqueueResult> {
    const now = canonicalTimestamp(options.now);
    const { dialect } = this;
    // Every instance polls: the usual answer, "nothing new", is read without a transaction or a lock.
    const pending = await this.sessions
      .committed()
      .first(sql`SELECT 1 AS pending FROM webhooks w WHERE w.enqueued_through < ${TENANT_LAST_SEQUENCE} LIMIT ${dialect.rowLimit(1)}`);
    if (pending === undefined) return { enqueued: 0, more: false };
    return this.sessions.write(async (session) => {
      // A webhook another instance is enqueueing is left to it: skipped, not waited for, never read twice.
      const candidateRows = await session.all<EnqueueCandidateRow>(
        sql`SELECT w.id, w.tenant_id, w.event_types, w.enabled, w.enqueued_through, ${TENANT_LAST_SEQUENCE} AS last_sequence
FROM webhooks w
WHERE w.enqueued_through < ${TENANT_LAST_SEQUENCE}
ORDER BY w.id LIMIT ${dialect.rowLimit(options.webhookLimit + 1)}${dialect.rowLock('update', { skipLocked: true })}`,
      );
      let more = candidateRows.length > options.webhookLimit;
      let enqueued = 0;
      for (const webhook of candidateRows.slice(0, options.webhookLimit).map((row) => enqueueCandidateFromRow(row, dialect))) {
        // A disabled webhook reads past its events without deliveries.
        let readThrough = webhook.lastSequence;
        if (webhook.enabled) {
          const eventRows = await session.all<{ payload: string }>(
            sql`SELECT payload FROM events WHERE tenant_id = ${parameter(webhook.tenantId)} AND sequence > ${parameter(webhook.enqueuedThrough)}
ORDER BY sequence LIMIT ${dialect.rowLimit(options.eventLimit)}`,
          );
          const events = eventsFromPayloads(eventRows);
          for (const chunk of inChunks(planEnqueue(webhook, events, now, options.newDeliveryId))) {
            enqueued += await session.run(
              sql`INSERT INTO webhook_deliveries (${rawSql(DELIVERY_COLUMNS)}, claim_token)
VALUES ${joinSql(chunk.map(deliveryValues), ', ')}${dialect.onDuplicateIgnore(['webhook_id', 'sequence'])}`,
            );
          }
          // Events are never missing below last_sequence (retention keeps what a webhook has not read); if they were, skipping them is the only way on.
          readThrough = events.at(-1)?.event.sequence ?? webhook.lastSequence;
        }
        // Never backwards, whatever an older snapshot of the tenant's sequence said.
        await session.run(
          sql`UPDATE webhooks SET enqueued_through = ${parameter(readThrough)} WHERE id = ${parameter(webhook.id)} AND enqueued_through < ${parameter(readThrough)}`,
        );
        if (readThrough < webhook.lastSequence) more = true;
      }
      return { enqueued, more };
    });
  }

  async claimDeliveries(options: ClaimOptions): Promise<readonly ClaimedDelivery[]> {
    const now = canonicalTimestamp(options.now);
    const claimedUntil = canonicalTimestamp(options.claimedUntil);
    const { dialect } = this;
    // Polled by every instance: "nothing due" is read without a transaction or a lock.
    if (claimTargetNames(options.targets).length === 0) return [];
    if ((await this.sessions.committed().first(claimableDeliveries(dialect, now, 1, options.targets))) === undefined) return [];
    return this.sessions.write(async (session) => {
      // Rows another instance is claiming are skipped; those it claimed and committed carry its lease and no longer qualify.
      const claimable = await session.all<{ id: string }>(sql`${claimableDeliveries(dialect, now, options.limit, options.targets)}${dialect.rowLock('update', { skipLocked: true })}`);
      const ids = claimable.map((row) => row.id);
      const claimed: ClaimedDelivery[] = [];
      for (const chunk of inChunks(ids)) {
        await session.run(
          sql`UPDATE webhook_deliveries SET claimed_until = ${parameter(claimedUntil)}, claim_token = ${parameter(options.claimToken)} WHERE id IN ${valueList(chunk)}`,
        );
        const rows = await session.all<ClaimedRow>(
          sql`SELECT ${rawSql(deliveryColumnsOf('d'))}, d.claim_token, w.consumer_name, w.url, w.secret, w.previous_secret, w.previous_secret_expires_at, w.max_events_per_request
FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
WHERE d.id IN ${valueList(chunk)}`,
        );
        claimed.push(...rows.map(claimedFromRow));
      }
      return claimed.sort((left, right) => left.nextAttemptAt.localeCompare(right.nextAttemptAt) || left.sequence - right.sequence);
    });
  }

  async recordAttempts(records: readonly AttemptRecord[]): Promise<readonly boolean[]> {
    if (records.length === 0) return [];
    return this.sessions.write(async (session) => {
      const found = new Map<number, boolean>();
      // A delivery recorded twice in one batch gets its attempts one round after the other, so each round reads the number the last wrote.
      for (const round of roundsOfDistinctDeliveries(records)) {
        for (const chunk of inChunks(round)) {
          const written = await this.recordRound(session, chunk.map(([, record]) => record));
          chunk.forEach(([index, record]) => found.set(index, written.has(record.deliveryId)));
        }
      }
      return records.map((_, index) => found.get(index) ?? false);
    });
  }

  /**
   * Attempts of distinct deliveries, in a few statements whatever their
   * number: the rows are locked (in id order, the same in every instance, so
   * two recorders never wait on each other in a cycle), the attempts
   * inserted in one INSERT, and the deliveries updated in one UPDATE whose
   * per-row values are CASE expressions. Returns the ids of deliveries found.
   */
  private async recordRound(session: SqlSession, records: readonly AttemptRecord[]): Promise<Set<string>> {
    const storable = records.filter((record) => this.storable(record.deliveryId));
    if (storable.length === 0) return new Set();
    const rows = await session.all<{ id: string; webhook_id: string; status: string; attempts: number | string; claim_token: string | null }>(
      sql`SELECT id, webhook_id, status, attempts, claim_token FROM webhook_deliveries WHERE id IN ${valueList(storable.map((record) => record.deliveryId))}
ORDER BY id${this.dialect.rowLock('update')}`,
    );
    const current = new Map(rows.map((row) => [row.id, row]));
    const present = storable.filter((record) => current.has(record.deliveryId));
    if (present.length === 0) return new Set();
    const attemptRows = present.map((record) =>
      valueList([
        record.deliveryId,
        Number(current.get(record.deliveryId)!.attempts) + 1,
        canonicalTimestamp(record.startedAt),
        Math.round(record.durationMs),
        record.statusCode ?? null,
        this.remoteText(record.error),
        this.remoteText(record.responseExcerpt),
      ]),
    );
    await session.run(sql`INSERT INTO webhook_attempts (${rawSql(ATTEMPT_COLUMNS)}) VALUES ${joinSql(attemptRows, ', ')}`);
    // Every found delivery counts the attempt; only those this claim is in charge of change state.
    const inCharge = present.filter((record) => {
      const row = current.get(record.deliveryId)!;
      return row.status === 'pending' && (record.outcome.kind === 'succeeded' || row.claim_token === record.claimToken);
    });
    const chargedIds = new Set(inCharge.map((record) => record.deliveryId));
    const bystanders = present.filter((record) => !chargedIds.has(record.deliveryId));
    if (bystanders.length > 0) {
      await session.run(sql`UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE id IN ${valueList(bystanders.map((record) => record.deliveryId))}`);
    }
    if (inCharge.length > 0) {
      const perDelivery = (values: (record: AttemptRecord) => SqlFragment) =>
        sql`CASE id ${joinSql(inCharge.map((record) => sql`WHEN ${parameter(record.deliveryId)} THEN ${values(record)}`), ' ')} END`;
      const settled = (record: AttemptRecord) => record.outcome.kind !== 'retry';
      await session.run(
        sql`UPDATE webhook_deliveries SET attempts = attempts + 1,
  status = ${perDelivery((record) => parameter(settled(record) ? record.outcome.kind : 'pending'))},
  next_attempt_at = ${perDelivery((record) => (record.outcome.kind === 'retry' ? parameter(canonicalTimestamp(record.outcome.nextAttemptAt)) : rawSql('next_attempt_at')))},
  completed_at = ${perDelivery((record) => parameter(settled(record) ? canonicalTimestamp(record.now) : null))},
  last_error = ${perDelivery((record) => parameter(this.remoteText(attemptSummary(record))))},
  claimed_until = NULL, claim_token = NULL
WHERE id IN ${valueList(inCharge.map((record) => record.deliveryId))}`,
      );
    }
    for (const record of inCharge) {
      if (record.disableWebhook === undefined) continue;
      await session.run(
        sql`UPDATE webhooks SET enabled = ${parameter(false)}, disabled_reason = ${parameter(this.remoteText(record.disableWebhook))}, updated_at = ${parameter(canonicalTimestamp(record.now))}
WHERE id = ${parameter(current.get(record.deliveryId)!.webhook_id)}`,
      );
    }
    return new Set(present.map((record) => record.deliveryId));
  }

  async releaseClaims(claimToken: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.sessions.write(async (session) => {
      for (const chunk of inChunks(deliveryIds)) {
        await session.run(
          sql`UPDATE webhook_deliveries SET claimed_until = NULL, claim_token = NULL
WHERE claim_token = ${parameter(claimToken)} AND status = 'pending' AND id IN ${valueList(chunk)}`,
        );
      }
    });
  }

  async registerConsumer(registration: ConsumerRegistration): Promise<void> {
    const { name } = registration;
    if (!this.storable(name, ...(registration.tenants ?? []))) throw new TypeError('Consumer names and tenant ids cannot contain U+0000');
    await this.sessions.write(async (session) => {
      await session.run(
        sql`UPDATE webhooks SET event_types = ${parameter(JSON.stringify(registration.eventTypes))}, updated_at = ${parameter(canonicalTimestamp(registration.now))}
WHERE consumer_name = ${parameter(name)}`,
      );
      if (registration.tenants !== undefined) {
        const kept = registration.tenants.length === 0 ? sql`` : sql` AND tenant_id NOT IN ${valueList(registration.tenants)}`;
        // Its deliveries go with it (ON DELETE CASCADE): the consumer no longer reads that tenant.
        await session.run(sql`DELETE FROM webhooks WHERE consumer_name = ${parameter(name)}${kept}`);
      }
      await this.insertConsumerTargets(session, registration);
    });
  }

  async addConsumerTenants(registration: ConsumerRegistration): Promise<number> {
    if (!this.storable(registration.name, ...(registration.tenants ?? []))) return 0;
    // Every pass of every instance may ask: "none missing" is read without a transaction.
    const missing = await this.sessions.committed().first(sql`${this.tenantsWithoutTarget(registration)} LIMIT ${this.dialect.rowLimit(1)}`);
    if (missing === undefined) return 0;
    return this.sessions.write((session) => this.insertConsumerTargets(session, registration));
  }

  /** The tenants the consumer reads that have no row of it yet. */
  private tenantsWithoutTarget(registration: ConsumerRegistration): SqlFragment {
    const listed = registration.tenants === undefined ? sql`` : registration.tenants.length === 0 ? sql` AND 1 = 0` : sql` AND t.id IN ${valueList(registration.tenants)}`;
    return sql`SELECT t.id FROM tenants t
WHERE NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.consumer_name = ${parameter(registration.name)} AND w.tenant_id = t.id)${listed}`;
  }

  /**
   * A row per tenant lacking one, starting at 0: the consumer reads every
   * event still retained. Another instance inserting the same row at once is
   * absorbed by UNIQUE (consumer_name, tenant_id).
   */
  private async insertConsumerTargets(session: SqlSession, registration: ConsumerRegistration): Promise<number> {
    const tenants = await session.all<{ id: string }>(sql`${this.tenantsWithoutTarget(registration)} ORDER BY t.id`);
    const now = parameter(canonicalTimestamp(registration.now));
    const eventTypes = JSON.stringify(registration.eventTypes);
    let inserted = 0;
    for (const chunk of inChunks(tenants)) {
      const rows = chunk.map(
        ({ id }) =>
          sql`(${parameters([registration.newTargetId(), id, '', eventTypes, true, '', ''])}, NULL, NULL, NULL, ${now}, ${now}, 0, ${parameter(registration.name)}, 1)`,
      );
      inserted += await session.run(
        sql`INSERT INTO webhooks (${rawSql(WEBHOOK_COLUMNS)}) VALUES ${joinSql(rows, ', ')}${this.dialect.onDuplicateIgnore(['consumer_name', 'tenant_id'])}`,
      );
    }
    return inserted;
  }

  async listConsumers(tenantId: string): Promise<readonly StoredWebhook[]> {
    if (!this.storable(tenantId)) return [];
    const rows = await this.sessions
      .committed()
      .all<WebhookRow>(sql`SELECT ${rawSql(WEBHOOK_COLUMNS)} FROM webhooks WHERE tenant_id = ${parameter(tenantId)} AND consumer_name IS NOT NULL ORDER BY consumer_name`);
    return rows.map((row) => webhookFromRow(row, this.dialect));
  }

  async findConsumer(name: string, tenantId: string): Promise<StoredWebhook | undefined> {
    if (!this.storable(name, tenantId)) return undefined;
    const row = await this.sessions
      .committed()
      .first<WebhookRow>(sql`SELECT ${rawSql(WEBHOOK_COLUMNS)} FROM webhooks WHERE consumer_name = ${parameter(name)} AND tenant_id = ${parameter(tenantId)}`);
    return row === undefined ? undefined : webhookFromRow(row, this.dialect);
  }

  async deleteConsumer(name: string): Promise<number> {
    if (!this.storable(name)) return 0;
    return this.sessions.write((session) => session.run(sql`DELETE FROM webhooks WHERE consumer_name = ${parameter(name)}`));
  }

  async listDeliveries(webhookId: string, query: DeliveryPageQuery): Promise<readonly StoredDelivery[]> {
    if (!this.storable(webhookId)) return [];
    const conditions = [sql`webhook_id = ${parameter(webhookId)}`, sql`sequence > ${parameter(query.afterSequence ?? 0)}`];
    if (query.status !== undefined) conditions.push(sql`status = ${parameter(query.status)}`);
    const rows = await this.sessions
      .committed()
      .all<DeliveryRow>(
        sql`SELECT ${rawSql(DELIVERY_COLUMNS)} FROM webhook_deliveries WHERE ${joinSql(conditions, ' AND ')} ORDER BY sequence LIMIT ${this.dialect.rowLimit(query.limit)}`,
      );
    return rows.map(deliveryFromRow);
  }

  async getDelivery(webhookId: string, deliveryId: string): Promise<StoredDelivery | undefined> {
    if (!this.storable(webhookId, deliveryId)) return undefined;
    const row = await this.sessions
      .committed()
      .first<DeliveryRow>(sql`SELECT ${rawSql(DELIVERY_COLUMNS)} FROM webhook_deliveries WHERE webhook_id = ${parameter(webhookId)} AND id = ${parameter(deliveryId)}`);
    return row === undefined ? undefined : deliveryFromRow(row);
  }

  async listAttempts(deliveryId: string): Promise<readonly StoredAttempt[]> {
    if (!this.storable(deliveryId)) return [];
    const rows = await this.sessions
      .committed()
      .all<AttemptRow>(sql`SELECT ${rawSql(ATTEMPT_COLUMNS)} FROM webhook_attempts WHERE delivery_id = ${parameter(deliveryId)} ORDER BY attempt`);
    return rows.map(attemptFromRow);
  }

  async replayDelivery(webhookId: string, deliveryId: string, now: string): Promise<boolean> {
    const at = canonicalTimestamp(now);
    if (!this.storable(webhookId, deliveryId)) return false;
    return this.sessions.write(
      async (session) => (await session.run(sql`${replay(at)} WHERE webhook_id = ${parameter(webhookId)} AND id = ${parameter(deliveryId)} AND status = 'failed'`)) > 0,
    );
  }

  async replayFailed(webhookId: string, now: string): Promise<number> {
    const at = canonicalTimestamp(now);
    if (!this.storable(webhookId)) return 0;
    return this.sessions.write((session) => session.run(sql`${replay(at)} WHERE webhook_id = ${parameter(webhookId)} AND status = 'failed'`));
  }

  async pruneDeliveries(before: string): Promise<number> {
    const cut = canonicalTimestamp(before);
    return this.sessions.write((session) => session.run(sql`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < ${parameter(cut)}`));
  }
}
