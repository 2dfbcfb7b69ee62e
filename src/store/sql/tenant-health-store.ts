/**
 * The tenant health overview's facts (src/store/tenant-health-store.ts),
 * written once for every database: one statement per fact for all tenants
 * (or for one), merged here by tenant id. Counts come back as text on
 * PostgreSQL and MySQL (bigint, numeric), hence `Number`.
 *
 * Literals the partial indexes of migration 0012 are defined with
 * (`status >= 400`, `active = false`) are written into the text rather than
 * bound: SQLite uses a partial index only when the statement's own text
 * implies the index's condition.
 *
 * Expected refusals (src/tenant-health/tenant-health-service.ts) are told
 * apart here, in SQL, so that they are counted from the index range like
 * the other classes and the latest failure is found without reading every
 * refusal back.
 */
import { canonicalTimestamp } from '../rows.js';
import type { DeliveryBacklog, HealthRequestRow, TenantHealthFacts, TenantHealthStore } from '../tenant-health-store.js';
import { parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import type { SqlSessions } from './session.js';

/**
 * A request of the log (alias `alias`) answered as identity providers expect
 * in the normal course of provisioning:
 * - `404` to `GET /Users/{id}` or `/Groups/{id}`: the IdP probes a resource
 *   it believes exists (or its connection test asks for an unknown id), then
 *   recreates it. The route took an id (`resource_id`), and the path's last
 *   segment but one is the endpoint, in any letter case as the router
 *   accepts it: `/users/` appears and no `/` follows the id.
 * - `409 uniqueness` to a create (`POST`): Okta and Entra ID then look the
 *   user up and link it.
 * Never NULL (scim_type is the one nullable column it reads), so its
 * negation is exact.
 */
function expectedRefusal(alias: string): string {
  const path = `lower(${alias}.path)`;
  const endpointOfId = (endpoint: string) => `(${path} LIKE '%/${endpoint}/%' AND ${path} NOT LIKE '%/${endpoint}/%/%')`;
  return (
    `((${alias}.status = 404 AND ${alias}.method = 'GET' AND ${alias}.resource_id IS NOT NULL AND (${endpointOfId('users')} OR ${endpointOfId('groups')}))` +
    ` OR (${alias}.status = 409 AND ${alias}.method = 'POST' AND COALESCE(${alias}.scim_type, '') = 'uniqueness'))`
  );
}
const LATEST_IS_EXPECTED = rawSql(`CASE WHEN ${expectedRefusal('r')} THEN 1 ELSE 0 END`);
const COUNTED_FAILURE = rawSql(` AND l.status >= 400 AND NOT ${expectedRefusal('l')}`);
const CLIENT_ERRORS = ` AND l.status >= 400 AND l.status < 500 AND NOT ${expectedRefusal('l')}`;
const EXPECTED_ERRORS = ` AND l.status >= 400 AND l.status < 500 AND ${expectedRefusal('l')}`;

interface RequestRow {
  readonly tenant_id: string;
  readonly occurred_at: string;
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: unknown;
  readonly scim_type: string | null;
  readonly detail: string | null;
  readonly idp: string | null;
  /** 1 for an expected refusal, else 0. */
  readonly expected_refusal: unknown;
}

interface TenantCountRow {
  readonly tenant_id: string;
  readonly count: unknown;
}

const NO_FILTER = rawSql('');

export class SqlTenantHealthStore implements TenantHealthStore {
  constructor(private readonly sessions: SqlSessions) {}

  async readTenantHealth(tenantId: string | undefined, windowSince: string): Promise<readonly TenantHealthFacts[]> {
    const windowStart = canonicalTimestamp(windowSince);
    if (tenantId !== undefined && !this.storable(tenantId)) return [];
    const session = this.sessions.committed();
    const { dialect } = this.sessions;
    /** ` AND <column> = tenant` (or ` WHERE …`) for one tenant, nothing for all. */
    const onlyTenant = (column: string, keyword: 'AND' | 'WHERE' = 'AND'): SqlFragment =>
      tenantId === undefined ? NO_FILTER : sql` ${rawSql(keyword)} ${rawSql(column)} = ${parameter(tenantId)}`;

    const tenants = await session.all<{ id: string; name: string }>(sql`SELECT id, name FROM tenants${onlyTenant('id', 'WHERE')} ORDER BY id`);
    if (tenants.length === 0) return [];

    // Each tenant's latest request, and latest failure that counts: a backward index walk per tenant inside one
    // statement (it stops at the first row that qualifies), then a lookup by primary key.
    const latest = (failuresOnly: boolean): Promise<RequestRow[]> =>
      session.all<RequestRow>(sql`SELECT r.tenant_id, r.occurred_at, r.request_id, r.method, r.path, r.status, r.scim_type, r.detail, r.idp,
${LATEST_IS_EXPECTED} AS expected_refusal
FROM (SELECT (SELECT max(l.id) FROM request_log l WHERE l.tenant_id = t.id${failuresOnly ? COUNTED_FAILURE : NO_FILTER}) AS last_id FROM tenants t${onlyTenant('t.id', 'WHERE')}) m
JOIN request_log r ON r.id = m.last_id`);
    const lastRequests = byTenant(await latest(false));
    const lastFailures = byTenant(await latest(true));

    // Per tenant, not grouped over the log: each count is a range of the (tenant_id, occurred_at, status)
    // index covering only that tenant's window, where a GROUP BY would read the whole retained log.
    const since = parameter(windowStart);
    const inWindow = (statusCondition: string): SqlFragment =>
      sql`(SELECT count(*) FROM request_log l WHERE l.tenant_id = t.id AND l.occurred_at >= ${since}${rawSql(statusCondition)})`;
    const windowRows = await session.all<{ tenant_id: string; requests: unknown; client_errors: unknown; expected_errors: unknown; server_errors: unknown }>(
      sql`SELECT t.id AS tenant_id, ${inWindow('')} AS requests, ${inWindow(CLIENT_ERRORS)} AS client_errors, ${inWindow(EXPECTED_ERRORS)} AS expected_errors,
${inWindow(' AND l.status >= 500')} AS server_errors
FROM tenants t${onlyTenant('t.id', 'WHERE')}`,
    );
    const window = new Map(windowRows.map((row) => [row.tenant_id, row]));

    const resourceRows = await session.all<{ tenant_id: string; resource_type: string; count: unknown }>(
      sql`SELECT tenant_id, resource_type, count FROM resource_counts WHERE resource_type IN ('User', 'Group')${onlyTenant('tenant_id')}`,
    );
    const users = new Map(resourceRows.filter((row) => row.resource_type === 'User').map((row) => [row.tenant_id, Number(row.count)]));
    const groups = new Map(resourceRows.filter((row) => row.resource_type === 'Group').map((row) => [row.tenant_id, Number(row.count)]));

    const inactive = counts(
      await session.all<TenantCountRow>(
        sql`SELECT tenant_id, count(*) AS count FROM users WHERE active = ${dialect.booleanLiteral(false)}${onlyTenant('tenant_id')} GROUP BY tenant_id`,
      ),
    );
    const held = counts(
      await session.all<TenantCountRow>(sql`SELECT tenant_id, count(*) AS count FROM deleted_users WHERE state = 'held'${onlyTenant('tenant_id')} GROUP BY tenant_id`),
    );
    // Webhooks and in-process consumers share the delivery pipeline; the target row tells them apart.
    const targetKind = rawSql("CASE WHEN w.consumer_name IS NULL THEN 'webhook' ELSE 'consumer' END");
    const deliveryRows = await session.all<{ tenant_id: string; target: string; status: string; count: unknown }>(
      sql`SELECT d.tenant_id, ${targetKind} AS target, d.status, count(*) AS count
FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
WHERE d.status IN ('pending', 'failed')${onlyTenant('d.tenant_id')} GROUP BY d.tenant_id, ${targetKind}, d.status`,
    );
    const behindRows = await session.all<{ tenant_id: string; target: string; count: unknown }>(
      sql`SELECT w.tenant_id, ${targetKind} AS target, max(s.last_sequence - w.enqueued_through) AS count
FROM webhooks w JOIN event_sequences s ON s.tenant_id = w.tenant_id${onlyTenant('w.tenant_id', 'WHERE')} GROUP BY w.tenant_id, ${targetKind}`,
    );
    const key = (...parts: readonly string[]) => parts.join('\u0000');
    const deliveries = new Map(deliveryRows.map((row) => [key(row.tenant_id, row.target, row.status), Number(row.count)]));
    const behind = new Map(behindRows.map((row) => [key(row.tenant_id, row.target), Number(row.count)]));
    const backlogOf = (tenant: string, target: 'webhook' | 'consumer'): DeliveryBacklog => ({
      pending: deliveries.get(key(tenant, target, 'pending')) ?? 0,
      failed: deliveries.get(key(tenant, target, 'failed')) ?? 0,
      eventsNotYetQueued: Math.max(0, behind.get(key(tenant, target)) ?? 0),
    });

    return tenants.map((tenant): TenantHealthFacts => {
      const counted = window.get(tenant.id);
      return {
        tenantId: tenant.id,
        tenantName: tenant.name,
        lastRequest: lastRequests.get(tenant.id),
        lastFailure: lastFailures.get(tenant.id),
        requests: Number(counted?.requests ?? 0),
        clientErrors: Number(counted?.client_errors ?? 0),
        expectedErrors: Number(counted?.expected_errors ?? 0),
        serverErrors: Number(counted?.server_errors ?? 0),
        users: users.get(tenant.id) ?? 0,
        inactiveUsers: inactive.get(tenant.id) ?? 0,
        groups: groups.get(tenant.id) ?? 0,
        heldDeletions: held.get(tenant.id) ?? 0,
        webhooks: backlogOf(tenant.id, 'webhook'),
        consumers: backlogOf(tenant.id, 'consumer'),
      };
    });
  }

  private storable(value: string): boolean {
    return this.sessions.dialect.textCanHoldNul || !value.includes('\u0000');
  }
}

function byTenant(rows: readonly RequestRow[]): Map<string, HealthRequestRow> {
  return new Map(
    rows.map((row) => [
      row.tenant_id,
      {
        occurredAt: row.occurred_at,
        requestId: row.request_id,
        method: row.method,
        path: row.path,
        status: Number(row.status),
        scimType: row.scim_type,
        detail: row.detail,
        idp: row.idp,
        expected: Number(row.expected_refusal) === 1,
      },
    ]),
  );
}

function counts(rows: readonly TenantCountRow[]): Map<string, number> {
  return new Map(rows.map((row) => [row.tenant_id, Number(row.count)]));
}
