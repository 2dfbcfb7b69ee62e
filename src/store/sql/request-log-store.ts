/**
 * The request log's storage and a resource's event history, written once
 * over SQL fragments and the dialect hooks (src/store/sql/dialect.ts):
 * every database runs these statements through its SqlSessions.
 */
import type { CausedEvent, RequestLogEntry, RequestLogQuery, RequestLogStore, StoredRequestLogEntry } from '../../request-log/entry.js';
import { eventFromRow } from '../event-rows.js';
import type { SqlDialect } from './dialect.js';
import type { EventHistoryStore, HistoryRecord } from '../store.js';
import { joinSql, parameter, parameterList, rawSql, sql, type SqlFragment } from './fragment.js';
import type { SqlSessions } from './session.js';

/**
 * Rows per INSERT: a batch is written in chunks of these sizes, largest first (a batch of 300
 * is 256 + 32 + 8 + 4), so the statements have only nine different texts, which the driver
 * prepares once and keeps: compiling a fresh 500-row INSERT for every flush cost more than
 * running it. 17 parameters a row stays far below both databases' limits (SQLite 32,766,
 * PostgreSQL 65,535).
 */
const CHUNK_SIZES = [256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

const COLUMNS = [
  'tenant_id',
  'occurred_at',
  'request_id',
  'method',
  'path',
  'query',
  'status',
  'scim_type',
  'detail',
  'auth_failure',
  'latency_ms',
  'client_address',
  'user_agent',
  'idp',
  'resource_id',
  'request_body',
  'response_body',
] as const;

const INSERTED_COLUMNS = rawSql(COLUMNS.join(', '));
const LISTED_COLUMNS = `id, ${COLUMNS.filter((column) => column !== 'request_body' && column !== 'response_body').join(', ')}`;
const ALL_COLUMNS = `id, ${COLUMNS.join(', ')}`;

interface RequestLogRow {
  readonly id: number | string;
  readonly tenant_id: string;
  readonly occurred_at: string;
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly query: string | null;
  readonly status: number;
  readonly scim_type: string | null;
  readonly detail: string | null;
  readonly auth_failure: string | null;
  readonly latency_ms: number;
  readonly client_address: string | null;
  readonly user_agent: string | null;
  readonly idp: string | null;
  readonly resource_id: string | null;
  readonly request_body?: string | null;
  readonly response_body?: string | null;
}

/**
 * The text of an entry as the database can hold it: where text cannot hold
 * U+0000 (PostgreSQL), each becomes U+FFFD. An error detail may quote a
 * client's value, and one such entry must not cost its whole batch.
 */
function storableText(value: string | null): string | null {
  return value === null ? null : value.replaceAll('\u0000', '\ufffd');
}

const asIs = (value: string | null): string | null => value;

/** One row of VALUES as one flat fragment: a batch has thousands of values, and a fragment per value was most of the cost of building it. */
function rowValues(entry: RequestLogEntry, dialect: SqlDialect): SqlFragment {
  const text = dialect.textCanHoldNul ? asIs : storableText;
  return parameterList([
    text(entry.tenantId),
    text(entry.occurredAt),
    text(entry.requestId),
    text(entry.method),
    text(entry.path),
    text(entry.query),
    entry.status,
    text(entry.scimType),
    text(entry.detail),
    text(entry.authFailure),
    entry.latencyMs,
    text(entry.clientAddress),
    text(entry.userAgent),
    text(entry.idp),
    text(entry.resourceId),
    text(entry.requestBody),
    text(entry.responseBody),
  ]);
}

function entryFromRow(row: RequestLogRow): StoredRequestLogEntry {
  return {
    position: Number(row.id),
    tenantId: row.tenant_id,
    occurredAt: row.occurred_at,
    requestId: row.request_id,
    method: row.method,
    path: row.path,
    query: row.query,
    status: Number(row.status),
    scimType: row.scim_type,
    detail: row.detail,
    authFailure: row.auth_failure as StoredRequestLogEntry['authFailure'],
    latencyMs: Number(row.latency_ms),
    clientAddress: row.client_address,
    userAgent: row.user_agent,
    idp: row.idp,
    resourceId: row.resource_id,
    requestBody: row.request_body ?? null,
    responseBody: row.response_body ?? null,
  };
}

/**
 * The log is a diagnostic record nobody was told is durable, so its writes
 * do not wait for the disk (see WriteOptions.sync).
 */
const LOG_WRITE = { sync: false } as const;

/**
 * The statements of `prune`, exported so that the query plan tests check
 * these very statements. Each reads through an index that leads with the
 * tenant, so its cost follows one tenant's entries, never the whole log.
 */
export const PRUNE_STATEMENTS = Object.freeze({
  /**
   * The first tenant with entries after `after` (from the start when
   * undefined), NULL past the last: one seek in an index that leads with
   * tenant_id. Stepping with it is a loose index scan, every tenant found
   * without reading its entries. Not a DISTINCT, which reads every entry on
   * PostgreSQL; not a recursive CTE of the steps, which MySQL 8 and MariaDB
   * 10.6+ stop after 1,000 iterations by default (cte_max_recursion_depth,
   * max_recursive_iterations): a tenant past the thousandth would never be
   * pruned. A step per statement costs a round trip per tenant, beside the
   * tenant's own transaction.
   */
  nextTenant: (after: string | undefined) =>
    after === undefined ? sql`SELECT MIN(tenant_id) AS tenant_id FROM request_log` : sql`SELECT MIN(tenant_id) AS tenant_id FROM request_log WHERE tenant_id > ${parameter(after)}`,
  tenantExists: (tenantId: string) => sql`SELECT 1 AS present FROM tenants WHERE id = ${parameter(tenantId)}`,
  /** A tenant that no longer exists (or never did: a refused request names the tenant it asked for). */
  removeTenant: (tenantId: string) => sql`DELETE FROM request_log WHERE tenant_id = ${parameter(tenantId)}`,
  removeOlder: (tenantId: string, before: string) => sql`DELETE FROM request_log WHERE tenant_id = ${parameter(tenantId)} AND occurred_at < ${parameter(before)}`,
  /** The newest `keep` entries stay; this is the id of the newest one to go, walking (tenant_id, id) only (no row when there are no more than `keep`). */
  cut: (dialect: SqlDialect, tenantId: string, keep: number) =>
    sql`SELECT id FROM request_log WHERE tenant_id = ${parameter(tenantId)} ORDER BY id DESC LIMIT ${dialect.rowLimit(1)} OFFSET ${parameter(keep)}`,
  removeThrough: (tenantId: string, id: number) => sql`DELETE FROM request_log WHERE tenant_id = ${parameter(tenantId)} AND id <= ${parameter(id)}`,
});

export class SqlRequestLogStore implements RequestLogStore {
  constructor(private readonly sessions: SqlSessions) {}

  /** One transaction per batch: on SQLite its commit is most of the cost of a small insert. */
  async append(entries: readonly RequestLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const inserts: SqlFragment[] = [];
    let start = 0;
    while (start < entries.length) {
      const size = CHUNK_SIZES.find((candidate) => candidate <= entries.length - start)!;
      const rows = entries.slice(start, start + size).map((entry) => rowValues(entry, this.sessions.dialect));
      inserts.push(sql`INSERT INTO request_log (${INSERTED_COLUMNS}) VALUES ${joinSql(rows, ', ')}`);
      start += size;
    }
    await this.sessions.write(async (session) => {
      for (const insert of inserts) await session.run(insert);
    }, LOG_WRITE);
  }

  async list(tenantId: string, query: RequestLogQuery): Promise<readonly StoredRequestLogEntry[]> {
    const { dialect } = this.sessions;
    const conditions: SqlFragment[] = [sql`tenant_id = ${parameter(tenantId)}`];
    if (query.since !== undefined) conditions.push(sql`occurred_at >= ${parameter(query.since)}`);
    if (query.until !== undefined) conditions.push(sql`occurred_at < ${parameter(query.until)}`);
    if (query.status?.kind === 'exact') conditions.push(sql`status = ${parameter(query.status.status)}`);
    if (query.status?.kind === 'class') {
      conditions.push(sql`status >= ${parameter(query.status.hundreds * 100)} AND status < ${parameter(query.status.hundreds * 100 + 100)}`);
    }
    if (query.method !== undefined) conditions.push(sql`method = ${parameter(query.method)}`);
    if (query.pathPrefix !== undefined) conditions.push(dialect.startsWith(rawSql('path'), parameter(query.pathPrefix)));
    if (query.resourceId !== undefined) conditions.push(sql`resource_id = ${parameter(query.resourceId)}`);
    if (query.requestId !== undefined) conditions.push(sql`request_id = ${parameter(query.requestId)}`);
    if (query.idp !== undefined) conditions.push(sql`idp = ${parameter(query.idp)}`);
    const newest = query.order === 'newest';
    if (query.after !== undefined) conditions.push(newest ? sql`id < ${parameter(query.after)}` : sql`id > ${parameter(query.after)}`);
    const rows = await this.sessions
      .committed()
      .all<RequestLogRow>(
        sql`SELECT ${rawSql(query.withBodies ? ALL_COLUMNS : LISTED_COLUMNS)} FROM request_log WHERE ${joinSql(conditions, ' AND ')} ORDER BY id ${rawSql(newest ? 'DESC' : 'ASC')} LIMIT ${dialect.rowLimit(query.limit)}`,
      );
    return rows.map(entryFromRow);
  }

  async get(tenantId: string, requestId: string): Promise<StoredRequestLogEntry | undefined> {
    const row = await this.sessions
      .committed()
      .first<RequestLogRow>(
        sql`SELECT ${rawSql(ALL_COLUMNS)} FROM request_log WHERE tenant_id = ${parameter(tenantId)} AND request_id = ${parameter(requestId)} ORDER BY id DESC LIMIT ${this.sessions.dialect.rowLimit(1)}`,
      );
    return row === undefined ? undefined : entryFromRow(row);
  }

  async eventsOfRequest(tenantId: string, requestId: string): Promise<readonly CausedEvent[]> {
    const rows = await this.sessions
      .committed()
      .all<{ id: string; sequence: unknown; type: string; resource_type: string; resource_id: string }>(
        sql`SELECT id, sequence, type, resource_type, resource_id FROM events WHERE tenant_id = ${parameter(tenantId)} AND request_id = ${parameter(requestId)} ORDER BY sequence`,
      );
    return rows.map((row) => ({ id: row.id, sequence: Number(row.sequence), type: row.type, resourceType: row.resource_type, resourceId: row.resource_id }));
  }

  /**
   * Removes entries older than `before`, those of tenants that no longer
   * exist, and in each tenant all but the newest `maxRowsPerTenant`: tenant
   * by tenant, each in a short write transaction of its own (on SQLite a
   * write transaction holds up every other write, the directory's too), and
   * each statement through an index that leads with the tenant, so that no
   * statement reads the whole log (see PRUNE_STATEMENTS).
   */
  async prune(before: string, maxRowsPerTenant: number): Promise<number> {
    let removed = 0;
    // Each step reads committed entries, outside any transaction: a tenant whose first entries come in behind it is pruned next time.
    for (let tenantId = await this.nextLoggedTenant(undefined); tenantId !== undefined; tenantId = await this.nextLoggedTenant(tenantId)) {
      removed += await this.pruneTenant(tenantId, before, maxRowsPerTenant);
    }
    return removed;
  }

  private async nextLoggedTenant(after: string | undefined): Promise<string | undefined> {
    const row = await this.sessions.committed().first<{ tenant_id: string | null }>(PRUNE_STATEMENTS.nextTenant(after));
    return row?.tenant_id ?? undefined;
  }

  /** One tenant's part of `prune`, in a write transaction of its own. */
  private pruneTenant(tenantId: string, before: string, maxRowsPerTenant: number): Promise<number> {
    const { dialect } = this.sessions;
    return this.sessions.write(async (session) => {
      // Checked in the transaction, so a tenant created since its entries were found keeps them.
      if ((await session.first(PRUNE_STATEMENTS.tenantExists(tenantId))) === undefined) return session.run(PRUNE_STATEMENTS.removeTenant(tenantId));
      const aged = await session.run(PRUNE_STATEMENTS.removeOlder(tenantId, before));
      // Read after the age cut (the cap counts what is left), and apart from its delete: MySQL refuses a DELETE whose subquery reads the table it deletes from.
      const cut = await session.first<{ id: unknown }>(PRUNE_STATEMENTS.cut(dialect, tenantId, maxRowsPerTenant));
      return cut === undefined ? aged : aged + (await session.run(PRUNE_STATEMENTS.removeThrough(tenantId, Number(cut.id))));
    }, LOG_WRITE);
  }
}

/** A resource's past from the outbox (see EventHistoryStore). */
export class SqlEventHistoryStore implements EventHistoryStore {
  constructor(private readonly sessions: SqlSessions) {}

  async history(tenantId: string, resourceId: string, afterSequence: number, limit: number): Promise<readonly HistoryRecord[]> {
    const rows = await this.sessions
      .committed()
      .all<{ payload: string; request_id: string | null }>(
        sql`SELECT payload, request_id FROM events WHERE tenant_id = ${parameter(tenantId)} AND resource_id = ${parameter(resourceId)} AND sequence > ${parameter(afterSequence)} ORDER BY sequence LIMIT ${this.sessions.dialect.rowLimit(limit)}`,
      );
    return rows.map((row) => ({ event: eventFromRow(row), requestId: row.request_id }));
  }
}
