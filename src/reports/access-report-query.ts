/**
 * The access report's statements, written once for every SQL store over the
 * fragment builder. Users are read in keyset pages by id (the primary key
 * (tenant_id, id) serves range and order); their groups, direct and
 * inherited through nested groups, in one statement per page.
 */
import { parameter, sql, type SqlFragment } from '../store/sql/fragment.js';
import type { SqlDialect } from '../store/sql/dialect.js';

/** The tenant's last event sequence: read in the report's snapshot, it is the position the report reflects. */
export function lastSequenceStatement(tenantId: string): SqlFragment {
  return sql`SELECT last_sequence FROM event_sequences WHERE tenant_id = ${parameter(tenantId)}`;
}

export function tenantExistsStatement(tenantId: string): SqlFragment {
  return sql`SELECT id FROM tenants WHERE id = ${parameter(tenantId)}`;
}

/** At most `limit` Users with an id after `afterId` ('' for the first page), by id. */
export function userPageStatement(dialect: SqlDialect, tenantId: string, afterId: string, limit: number): SqlFragment {
  return sql`SELECT id, user_name, external_id, display_name, attributes FROM users
WHERE tenant_id = ${parameter(tenantId)} AND id > ${parameter(afterId)}
ORDER BY id LIMIT ${dialect.rowLimit(limit)}`;
}

/**
 * The groups of every User whose id lies in [firstId, lastId] — exactly the
 * Users of one page, since pages are id ranges. The recursion walks upwards
 * from each User's direct groups; UNION (not UNION ALL) keeps each
 * (user, group, direct) once, which also ends it on a cycle of nested
 * groups. A group reached both directly and through another keeps "direct"
 * (MAX).
 */
export function pageGroupsStatement(tenantId: string, firstId: string, lastId: string): SqlFragment {
  const tenant = parameter(tenantId);
  return sql`WITH RECURSIVE reached(member_id, group_id, direct) AS (
  SELECT m.member_id, m.group_id, 1 FROM group_members AS m
  WHERE m.tenant_id = ${tenant} AND m.member_type = 'User' AND m.member_id >= ${parameter(firstId)} AND m.member_id <= ${parameter(lastId)}
  UNION
  SELECT reached.member_id, m.group_id, 0 FROM reached
  JOIN group_members AS m ON m.tenant_id = ${tenant} AND m.member_id = reached.group_id
)
SELECT reached.member_id AS member_id, g.id AS group_id, g.display_name AS display_name, MAX(reached.direct) AS direct
FROM reached JOIN groups AS g ON g.tenant_id = ${tenant} AND g.id = reached.group_id
GROUP BY reached.member_id, g.id, g.display_name
ORDER BY reached.member_id, g.id`;
}
