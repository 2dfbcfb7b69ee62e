/**
 * Links between SCIM Users and the embedding app's own users (migration
 * 0011-app-user-links), written in the transaction of the change that
 * makes them and removed with the User.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import { joinSql, parameter, sql } from './fragment.js';
import type { SqlFailure, SqlSession } from './session.js';

/**
 * Links `userId` to the app's `appUserId`. The same link again is a no-op;
 * an app user already linked to another User, or a User already linked to
 * another app user, is `409 uniqueness`: one account is never reachable
 * through two Users.
 */
export async function linkAppUser(
  session: SqlSession,
  failure: (error: unknown) => SqlFailure,
  link: { readonly tenantId: string; readonly userId: string; readonly appUserId: string },
): Promise<void> {
  const { tenantId, userId, appUserId } = link;
  if (typeof appUserId !== 'string' || appUserId === '') throw new TypeError('An app user id is a non-empty string');
  const user = await session.first(sql`SELECT id FROM users WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(userId)}`);
  if (user === undefined) throw new TypeError(`There is no User ${userId} in tenant ${tenantId} to link`);
  const existing = await session.first<{ app_user_id: string }>(
    sql`SELECT app_user_id FROM app_user_links WHERE tenant_id = ${parameter(tenantId)} AND user_id = ${parameter(userId)}`,
  );
  if (existing !== undefined) {
    if (existing.app_user_id === appUserId) return;
    throw scimErrors.uniqueness('This User is already linked to another account of the application');
  }
  const holder = await session.first<{ user_id: string }>(
    sql`SELECT user_id FROM app_user_links WHERE tenant_id = ${parameter(tenantId)} AND app_user_id = ${parameter(appUserId)}`,
  );
  if (holder !== undefined) {
    // A link outlives its User only when the User was deleted while the app had no hooks (nothing
    // read the links then): such a link holds nobody, and the account is free again.
    const holderExists = await session.first(sql`SELECT id FROM users WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(holder.user_id)}`);
    if (holderExists !== undefined) throw scimErrors.uniqueness('The account of the application this User would be linked to is already linked to another User');
    await unlinkAppUsers(session, tenantId, [holder.user_id]);
  }
  try {
    await session.run(
      sql`INSERT INTO app_user_links (tenant_id, user_id, app_user_id) VALUES (${parameter(tenantId)}, ${parameter(userId)}, ${parameter(appUserId)})`,
    );
  } catch (error) {
    // Two transactions linking the same account at once: the unique index decides, and the loser is told as above.
    if (failure(error).kind === 'unique') throw scimErrors.uniqueness('The account of the application this User would be linked to is already linked to another User');
    throw error;
  }
}

/** The app user ids linked to these Users (those without a link are absent). */
export async function linkedAppUsers(session: SqlSession, tenantId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const linked = new Map<string, string>();
  if (userIds.length === 0) return linked;
  const distinct = [...new Set(userIds)];
  const rows = await session.all<{ user_id: string; app_user_id: string }>(
    sql`SELECT user_id, app_user_id FROM app_user_links WHERE tenant_id = ${parameter(tenantId)} AND user_id IN (${joinSql(
      distinct.map((id) => parameter(id)),
      ', ',
    )})`,
  );
  for (const row of rows) linked.set(row.user_id, row.app_user_id);
  return linked;
}

/** Removes the links of these Users (they are being deleted). */
export async function unlinkAppUsers(session: SqlSession, tenantId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await session.run(
    sql`DELETE FROM app_user_links WHERE tenant_id = ${parameter(tenantId)} AND user_id IN (${joinSql(
      [...new Set(userIds)].map((id) => parameter(id)),
      ', ',
    )})`,
  );
}
