/**
 * The app's side of provisioning, in Scimitar's transaction: each User
 * change is written into the app's `users` table (a projection Scimitar
 * keeps exact: both commit or neither), deactivation and deletion revoke
 * the user's sessions in that same transaction, and a User an identity
 * provider creates for someone who already has an account is linked to
 * that account instead of duplicating it.
 */
import { scimErrors, type AppTransaction, type EventHooks, type ExistingUserCandidate, type ScimitarEvent } from '../../../src/index.js';
import { appTableNames } from './app-tables.js';

export interface WriteThroughOptions {
  /**
   * Email domains whose existing accounts a new SCIM User may be linked to,
   * and only when the app verified the address itself: linking by an
   * unverified address would hand the account to whoever the identity
   * provider says owns it.
   */
  readonly linkDomains: readonly string[];
  /** A new app user's id (default: `u-` and the SCIM id). */
  readonly newUserId?: (scimId: string) => string;
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `active` is optional in SCIM (RFC 7643 §4.1.1) and means "may sign in" when absent. */
function activeFlag(resource: Readonly<Record<string, unknown>>): number {
  return resource['active'] === false ? 0 : 1;
}

async function applyUserEvent(event: ScimitarEvent, tx: AppTransaction, options: WriteThroughOptions): Promise<void> {
  const names = appTableNames(tx.database);
  const users = tx.table(names.users);
  const sessions = tx.table(names.sessions);
  const roles = tx.table(names.roles);
  const resource = event.data.resource;
  const email = String(resource['userName']).toLowerCase();
  const displayName = text(resource['displayName']);
  const appUserId = event.data.appUserId;
  if (event.type === 'user.deleted') {
    if (appUserId === undefined) return;
    await tx.run`DELETE FROM ${sessions} WHERE user_id = ${appUserId}`;
    await tx.run`DELETE FROM ${roles} WHERE user_id = ${appUserId}`;
    await tx.run`DELETE FROM ${users} WHERE id = ${appUserId}`;
    return;
  }
  if (appUserId === undefined) {
    // An account the linking rule did not take (another domain, an unverified address) keeps its
    // address: the identity provider is told, and nothing is written on either side.
    const taken = await tx.first`SELECT id FROM ${users} WHERE email = ${email}`;
    if (taken !== undefined) throw scimErrors.uniqueness('An account of the application already has this email address and is not linked automatically');
    // A new person: the app's row, then the link, so later events name it.
    const newId = (options.newUserId ?? ((scimId: string) => `u-${scimId}`))(event.resourceId);
    await tx.run`INSERT INTO ${users} (id, email, email_verified, display_name, active) VALUES (${newId}, ${email}, ${0}, ${displayName}, ${activeFlag(resource)})`;
    await tx.run`INSERT INTO ${roles} (user_id, role) VALUES (${newId}, ${'member'})`;
    await tx.linkUser(event.tenant, event.resourceId, newId);
    return;
  }
  // Created-and-linked, updated, deactivated, reactivated: the row follows the User exactly.
  await tx.run`UPDATE ${users} SET email = ${email}, display_name = ${displayName}, active = ${activeFlag(resource)} WHERE id = ${appUserId}`;
  if (event.type === 'user.deactivated' || activeFlag(resource) === 0) await tx.run`DELETE FROM ${sessions} WHERE user_id = ${appUserId}`;
}

export function writeThroughHooks(options: WriteThroughOptions): EventHooks {
  const linkDomains = new Set(options.linkDomains.map((domain) => domain.toLowerCase()));
  return {
    async inTransaction(events, tx) {
      for (const event of events) {
        if (event.resourceType === 'User') await applyUserEvent(event, tx, options);
      }
    },
    async linkExistingUser(candidate: ExistingUserCandidate, tx: AppTransaction) {
      const email = candidate.userName.toLowerCase();
      if (!linkDomains.has(domainOf(email))) return undefined;
      const users = tx.table(appTableNames(tx.database).users);
      const account = await tx.first<{ id: string }>`SELECT id FROM ${users} WHERE email = ${email} AND email_verified = ${1}`;
      return account?.id;
    },
  };
}
