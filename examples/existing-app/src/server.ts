/**
 * The existing app with SCIM mounted: its own routes (`POST /app/login`,
 * `GET /app/me`) beside Scimitar's `/scim/v2`, in one process and on one
 * database, served by Express (`scimitar.handler()`) or by Fastify
 * (`scimitar.fastifyPlugin`). Provisioning writes the app's `users` through
 * the write-through hooks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { createScimitar, loadConfig, type Scimitar } from '../../../src/index.js';
import { appTransactionRunner, openSession, sessionAccount, type AppTransactionRunner } from './app-accounts.js';
import { createAppTables } from './app-tables.js';
import { writeThroughHooks, type WriteThroughOptions } from './write-through.js';

export type Framework = 'express' | 'fastify';

export interface ExistingApp {
  readonly scimitar: Scimitar;
  /** Runs the app's own statements in a transaction of their own. */
  readonly appTransaction: AppTransactionRunner;
  /** Starts listening; resolves to the origin, e.g. `http://127.0.0.1:3000`. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

function expressListener(scimitar: Scimitar, run: AppTransactionRunner): express.Express {
  const app = express();
  // SCIM first: it reads its own bodies (and would take over an already parsed one, see docs/embedding.md).
  app.use('/scim/v2', scimitar.handler());
  app.use(express.json());
  app.post('/app/login', (request, response, next) => {
    openSession(run, (request.body as { email?: unknown } | undefined)?.email).then(
      (token) => (token === undefined ? response.status(401).json({ error: 'no active account with this email' }) : response.json({ token })),
      next,
    );
  });
  app.get('/app/me', (request, response, next) => {
    sessionAccount(run, request.headers.authorization).then((account) => (account === undefined ? response.status(401).json({ error: 'signed out' }) : response.json(account)), next);
  });
  return app;
}

async function fastifyApp(scimitar: Scimitar, run: AppTransactionRunner) {
  const app = Fastify();
  await app.register(scimitar.fastifyPlugin, { prefix: '/scim/v2' });
  app.post<{ Body: { email?: unknown } | undefined }>('/app/login', async (request, reply) => {
    const token = await openSession(run, request.body?.email);
    return token === undefined ? reply.code(401).send({ error: 'no active account with this email' }) : { token };
  });
  app.get('/app/me', async (request, reply) => {
    const account = await sessionAccount(run, request.headers.authorization);
    return account === undefined ? reply.code(401).send({ error: 'signed out' }) : account;
  });
  return app;
}

export async function createExistingApp(env: NodeJS.ProcessEnv, options: WriteThroughOptions & { readonly framework: Framework }): Promise<ExistingApp> {
  const scimitar = await createScimitar(loadConfig(env), { hooks: writeThroughHooks(options) });
  const appTransaction = appTransactionRunner(scimitar);
  try {
    await appTransaction(createAppTables);
  } catch (error) {
    await scimitar.close();
    throw error;
  }
  if (options.framework === 'fastify') {
    const app = await fastifyApp(scimitar, appTransaction);
    return {
      scimitar,
      appTransaction,
      listen: (port, host) => app.listen({ port, host }),
      // The plugin closes Scimitar with the app.
      close: () => app.close(),
    };
  }
  const server: Server = createServer(expressListener(scimitar, appTransaction));
  return {
    scimitar,
    appTransaction,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
      }),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scimitar.close();
    },
  };
}
