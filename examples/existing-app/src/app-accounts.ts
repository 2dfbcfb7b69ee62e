/**
 * The app's own requests, framework-free: opening a session for an active
 * account and finding the account of a session. They run on Scimitar's
 * connection (`store.transaction`): on SQLite a second connection in the
 * same process would block the event loop while a SCIM write holds the
 * lock; on PostgreSQL and MySQL the app could equally use its own pool.
 */
import { randomBytes } from 'node:crypto';
import type { AppTransaction, Scimitar } from '../../../src/index.js';
import { appTableNames } from './app-tables.js';

export type AppTransactionRunner = <T>(work: (tx: AppTransaction) => Promise<T>) => Promise<T>;

export function appTransactionRunner(scimitar: Scimitar): AppTransactionRunner {
  return (work) => scimitar.store.transaction((writer) => work(writer.appTransaction()));
}

/** A new session's token, or undefined when no active account has this email. */
export function openSession(run: AppTransactionRunner, email: unknown): Promise<string | undefined> {
  const address = typeof email === 'string' ? email.toLowerCase() : '';
  // A real app checks a password or an identity provider's assertion first; the example only opens sessions.
  return run(async (tx) => {
    const names = appTableNames(tx.database);
    const user = await tx.first<{ id: string }>`SELECT id FROM ${tx.table(names.users)} WHERE email = ${address} AND active = ${1}`;
    if (user === undefined) return undefined;
    const token = randomBytes(24).toString('hex');
    await tx.run`INSERT INTO ${tx.table(names.sessions)} (token, user_id) VALUES (${token}, ${user.id})`;
    return token;
  });
}

/** The account a `Bearer` session token belongs to, while the session lasts. */
export function sessionAccount(run: AppTransactionRunner, authorization: string | undefined): Promise<{ id: string; email: string } | undefined> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? '';
  return run((tx) => {
    const names = appTableNames(tx.database);
    return tx.first<{ id: string; email: string }>`SELECT u.id, u.email FROM ${tx.table(names.sessions)} s JOIN ${tx.table(names.users)} u ON u.id = s.user_id WHERE s.token = ${token}`;
  });
}
