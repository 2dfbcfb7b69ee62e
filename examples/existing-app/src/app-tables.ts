/**
 * The app's own tables: its users, their sessions and their roles, as an
 * app had them before it took SCIM, named as it always named them. On
 * PostgreSQL they stay `public.users` and so on while Scimitar's tables
 * live in a schema of their own (SCIMITAR_DB_SCHEMA=scim); on SQLite and
 * MySQL, one namespace for both, Scimitar's tables carry a prefix instead
 * (SCIMITAR_DB_TABLE_PREFIX=scim_: `scim_users` beside the app's `users`).
 */
import type { AppTransaction } from '../../../src/index.js';

export interface AppTableNames {
  readonly users: string;
  readonly sessions: string;
  readonly roles: string;
}

export function appTableNames(database: AppTransaction['database']): AppTableNames {
  return database === 'postgres'
    ? { users: 'public.users', sessions: 'public.sessions', roles: 'public.roles' }
    : { users: 'users', sessions: 'sessions', roles: 'roles' };
}

/** Creates the tables when missing: the app's own schema, which it would have had all along. */
export async function createAppTables(tx: AppTransaction): Promise<AppTableNames> {
  const names = appTableNames(tx.database);
  const users = tx.table(names.users);
  const sessions = tx.table(names.sessions);
  const roles = tx.table(names.roles);
  await tx.run`CREATE TABLE IF NOT EXISTS ${users} (
    id VARCHAR(64) PRIMARY KEY,
    email VARCHAR(320) NOT NULL UNIQUE,
    email_verified INTEGER NOT NULL,
    display_name VARCHAR(300),
    active INTEGER NOT NULL
  )`;
  await tx.run`CREATE TABLE IF NOT EXISTS ${sessions} (token VARCHAR(64) PRIMARY KEY, user_id VARCHAR(64) NOT NULL REFERENCES ${users} (id))`;
  await tx.run`CREATE TABLE IF NOT EXISTS ${roles} (user_id VARCHAR(64) NOT NULL REFERENCES ${users} (id), role VARCHAR(64) NOT NULL, PRIMARY KEY (user_id, role))`;
  return names;
}
