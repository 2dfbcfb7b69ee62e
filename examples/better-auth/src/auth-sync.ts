/**
 * Scimitar's User events applied to better-auth's tables: the handler of
 * the app's durable consumer. Delivery is at least once, so applying an
 * event is idempotent: the account is found by Scimitar's id stored on it,
 * each event carries the whole User as it is after the change, and a
 * sequence no newer than the one already applied changes nothing. Each
 * event is applied in one better-auth transaction, so a crash leaves it
 * either applied or not, and the consumer hands it over again.
 */
import { randomBytes } from 'node:crypto';
import type { Scimitar, ScimitarEvent } from '../../../src/index.js';
import type { Auth } from './auth.js';

/** The events the consumer subscribes to. */
export const AUTH_SYNC_EVENT_TYPES = ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted', 'user.roles_changed'] as const;

/** What applying one event did to better-auth's tables. */
export type SyncOutcome = 'created' | 'updated' | 'deleted' | 'unchanged';

/** A User whose snapshot gives better-auth nothing to sign in with: the consumer retries it, then parks it for an operator. */
export class UnsyncableUserError extends Error {
  override readonly name = 'UnsyncableUserError';
}

interface AuthUserRow {
  readonly id: string;
  readonly scimSequence: number | null;
  readonly rolesSequence: number | null;
  readonly active: boolean;
}

interface AuthProfile {
  readonly email: string;
  readonly name: string;
  readonly active: boolean;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The address better-auth signs the user in with: `userName` when it is an
 * address (Okta's and most directories' choice), otherwise the primary email,
 * otherwise the first one (Entra ID may send a UPN-less userName).
 */
function emailOf(resource: Readonly<Record<string, unknown>>): string | undefined {
  const userName = text(resource['userName']);
  if (userName !== undefined && EMAIL_SHAPE.test(userName)) return userName.toLowerCase();
  const emails = Array.isArray(resource['emails']) ? resource['emails'].map(record) : [];
  const chosen = emails.find((email) => email['primary'] === true) ?? emails[0];
  const address = text(chosen?.['value']);
  return address !== undefined && EMAIL_SHAPE.test(address) ? address.toLowerCase() : undefined;
}

/** better-auth keeps one display name: SCIM's `displayName`, else `name.formatted`, else the name's parts, else `userName`. */
function nameOf(resource: Readonly<Record<string, unknown>>): string {
  const name = record(resource['name']);
  const parts = [name['givenName'], name['middleName'], name['familyName']].map(text).filter((part) => part !== undefined);
  return text(resource['displayName']) ?? text(name['formatted']) ?? (parts.length > 0 ? parts.join(' ') : undefined) ?? text(resource['userName']) ?? '';
}

function profileOf(event: ScimitarEvent): AuthProfile {
  const resource = event.data.resource;
  const email = emailOf(resource);
  if (email === undefined) throw new UnsyncableUserError(`User ${event.resourceId} has neither an email userName nor an email address (event ${event.id})`);
  // `active` is optional in SCIM (RFC 7643 §4.1.1); absent means the user may sign in.
  return { email, name: nameOf(resource), active: resource['active'] !== false };
}

export async function applyUserEvent(auth: Auth, event: ScimitarEvent): Promise<SyncOutcome> {
  if (event.resourceType !== 'User' || !(AUTH_SYNC_EVENT_TYPES as readonly string[]).includes(event.type)) return 'unchanged';
  const context = await auth.$context;
  return context.adapter.transaction(async (trx) => {
    const byScimId = [{ field: 'scimUserId', value: event.resourceId }];
    // Scimitar never reuses an id: nothing about a deleted User may bring its account back.
    if ((await trx.findOne({ model: 'scimDeletedUser', where: byScimId })) !== null) return 'unchanged';
    const user = await trx.findOne<AuthUserRow>({ model: 'user', where: byScimId });

    if (event.type === 'user.deleted') {
      if (user !== null) {
        await trx.deleteMany({ model: 'session', where: [{ field: 'userId', value: user.id }] });
        await trx.deleteMany({ model: 'account', where: [{ field: 'userId', value: user.id }] });
        await trx.delete({ model: 'user', where: [{ field: 'id', value: user.id }] });
      }
      await trx.create({ model: 'scimDeletedUser', data: { scimUserId: event.resourceId, sequence: event.sequence } });
      return 'deleted';
    }

    const roles = event.type === 'user.roles_changed' ? event.data.roles?.after : undefined;
    const now = new Date();
    if (user === null) {
      const profile = profileOf(event);
      const created = await trx.create<Record<string, unknown>, { id: string }>({
        model: 'user',
        data: {
          email: profile.email,
          name: profile.name,
          // The identity provider vouches for the address: it is the directory of record.
          emailVerified: true,
          scimUserId: event.resourceId,
          scimSequence: event.sequence,
          active: profile.active,
          roles: roles === undefined ? [] : [...roles],
          rolesSequence: roles === undefined ? null : event.sequence,
          createdAt: now,
          updatedAt: now,
        },
      });
      // A password nobody knows: the user sets their own through better-auth's password reset.
      const password = await context.password.hash(randomBytes(32).toString('base64url'));
      await trx.create({ model: 'account', data: { userId: created.id, providerId: 'credential', accountId: created.id, password, createdAt: now, updatedAt: now } });
      return 'created';
    }

    const update: Record<string, unknown> = {};
    let active = user.active;
    if (event.sequence > (user.scimSequence ?? 0)) {
      const profile = profileOf(event);
      Object.assign(update, { email: profile.email, name: profile.name, active: profile.active, scimSequence: event.sequence });
      active = profile.active;
    }
    if (roles !== undefined && event.sequence > (user.rolesSequence ?? 0)) Object.assign(update, { roles: [...roles], rolesSequence: event.sequence });
    if (Object.keys(update).length > 0) await trx.update({ model: 'user', where: [{ field: 'id', value: user.id }], update: { ...update, updatedAt: now } });
    // In the same transaction as `active = false`: every open session of the user ends with it.
    // Repeated on a duplicate, which costs nothing and catches a session opened in between.
    if (!active) await trx.deleteMany({ model: 'session', where: [{ field: 'userId', value: user.id }] });
    return Object.keys(update).length > 0 ? 'updated' : 'unchanged';
  });
}

/** The consumer's name: its cursor in Scimitar's database is kept under it across restarts. */
export const AUTH_SYNC_CONSUMER = 'better-auth-sync';

/**
 * Starts handing Scimitar's User events to better-auth: at least once, in
 * order per user, retried when better-auth's database fails, and from the
 * cursor where the last process stopped — events committed while the app
 * was down (or killed between a commit and the call) are applied at start.
 */
export function startAuthSync(scimitar: Scimitar, auth: Auth): { readonly name: string; stop(): Promise<void> } {
  return scimitar.events.consume({ name: AUTH_SYNC_CONSUMER, types: AUTH_SYNC_EVENT_TYPES, handler: (event) => applyUserEvent(auth, event) });
}
