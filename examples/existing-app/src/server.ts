/**
 * The existing app with SCIM mounted: its own routes (`POST /app/login`,
 * `GET /app/me`) beside Scimitar's `/scim/v2`, on one Fastify server and
 * one database. Provisioning writes the app's `users` through the
 * write-through hooks; the app's own requests use the same connection
 * through `store.transaction` (on SQLite a second connection in the same
 * process would block the event loop while a write holds the lock).
 */
import { randomBytes } from 'node:crypto';
import { createScimitar, loadConfig, type AppTransaction, type Scimitar } from '../../../src/index.js';
import { appTableNames, createAppTables } from './app-tables.js';
import { writeThroughHooks, type WriteThroughOptions } from './write-through.js';

export interface ExistingApp {
  readonly scimitar: Scimitar;
  /** Runs the app's own statements in a transaction of their own. */
  appTransaction<T>(work: (tx: AppTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function createExistingApp(env: NodeJS.ProcessEnv, options: WriteThroughOptions): Promise<ExistingApp> {
  const scimitar = await createScimitar(loadConfig(env), { hooks: writeThroughHooks(options) });
  const appTransaction = <T>(work: (tx: AppTransaction) => Promise<T>): Promise<T> => scimitar.store.transaction((writer) => work(writer.appTransaction()));
  try {
    await appTransaction(createAppTables);
  } catch (error) {
    await scimitar.close();
    throw error;
  }

  scimitar.app.post<{ Body: { email?: unknown } }>('/app/login', async (request, reply) => {
    const email = typeof request.body?.email === 'string' ? request.body.email.toLowerCase() : '';
    const token = randomBytes(24).toString('hex');
    // A real app checks a password or an identity provider's assertion here; the example only opens sessions.
    const opened = await appTransaction(async (tx) => {
      const names = appTableNames(tx.database);
      const user = await tx.first<{ id: string }>`SELECT id FROM ${tx.table(names.users)} WHERE email = ${email} AND active = ${1}`;
      if (user === undefined) return false;
      await tx.run`INSERT INTO ${tx.table(names.sessions)} (token, user_id) VALUES (${token}, ${user.id})`;
      return true;
    });
    if (!opened) return reply.code(401).send({ error: 'no active account with this email' });
    return { token };
  });

  scimitar.app.get('/app/me', async (request, reply) => {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const user = await appTransaction((tx) => {
      const names = appTableNames(tx.database);
      return tx.first<{ id: string; email: string }>`SELECT u.id, u.email FROM ${tx.table(names.sessions)} s JOIN ${tx.table(names.users)} u ON u.id = s.user_id WHERE s.token = ${token}`;
    });
    if (user === undefined) return reply.code(401).send({ error: 'signed out' });
    return user;
  });

  return { scimitar, appTransaction, close: () => scimitar.close() };
}
