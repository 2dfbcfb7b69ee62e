/**
 * The app: one Express server with better-auth's routes (`/api/auth/*`),
 * Scimitar's SCIM API (`/scim/v2`) and the app's own `GET /app/me`. Express
 * because both libraries ship a Node handler for it (`toNodeHandler`,
 * `scimitar.handler()`), so neither needs glue code. Provisioning reaches
 * better-auth through a durable consumer of Scimitar's events: better-auth
 * writes on its own connection, so it cannot take part in Scimitar's
 * transaction, and the consumer's cursor in Scimitar's database is what
 * survives a crash between Scimitar's commit and better-auth's write.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import express from 'express';
import { createScimitar, loadConfig, type Scimitar } from '../../../src/index.js';
import { openAuthDatabase, type AuthDatabase } from './auth-database.js';
import { createAuth, migrateAuth, type Auth, type PasswordResetMail } from './auth.js';
import { startAuthSync } from './auth-sync.js';

export interface BetterAuthAppOptions {
  /** Where the app is reached from outside (better-auth's baseURL), e.g. `http://127.0.0.1:3000`. */
  readonly baseURL: string;
  /** Delivers password-reset messages; a real app sends an email. */
  readonly sendPasswordReset: (mail: PasswordResetMail) => Promise<void>;
}

export interface BetterAuthApp {
  readonly scimitar: Scimitar;
  readonly auth: Auth;
  /** Starts listening; resolves to the origin, e.g. `http://127.0.0.1:3000`. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

function expressApp(scimitar: Scimitar, auth: Auth): express.Express {
  const app = express();
  // Both read their own request bodies: they go before any body parser (docs/embedding.md).
  app.use('/scim/v2', scimitar.handler());
  app.all('/api/auth/*splat', toNodeHandler(auth));
  app.get('/app/me', (request, response, next) => {
    auth.api.getSession({ headers: fromNodeHeaders(request.headers) }).then((session) => {
      const user = session?.user;
      // The sync deletes a deactivated user's sessions; checking the flag as well closes the
      // moment between a sign-in's read of the user and its session insert on another connection.
      if (user === undefined || user.active === false) return void response.status(401).json({ error: 'not signed in' });
      response.json({ email: user.email, name: user.name, roles: user.roles ?? [] });
    }, next);
  });
  return app;
}

/**
 * Builds the app from its environment: Scimitar's settings (DATABASE_URL,
 * SCIMITAR_TOKEN, …), AUTH_DATABASE_URL and BETTER_AUTH_SECRET.
 */
export async function createBetterAuthApp(env: NodeJS.ProcessEnv, options: BetterAuthAppOptions): Promise<BetterAuthApp> {
  const secret = env['BETTER_AUTH_SECRET'] ?? '';
  if (secret.length < 32) throw new AppConfigError('BETTER_AUTH_SECRET must be at least 32 characters long (e.g. `openssl rand -base64 32`)');
  const authDatabase: AuthDatabase = openAuthDatabase(env['AUTH_DATABASE_URL'] || undefined);
  let scimitar: Scimitar | undefined;
  try {
    const auth = createAuth({ database: authDatabase, baseURL: options.baseURL, secret, sendPasswordReset: options.sendPasswordReset });
    await migrateAuth(auth);
    scimitar = await createScimitar(loadConfig(env));
    const started = scimitar;
    const sync = startAuthSync(started, auth);
    const server: Server = createServer(expressApp(started, auth));
    return {
      scimitar: started,
      auth,
      listen: (port, host) =>
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
        }),
      async close() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // The handler's call under way finishes before better-auth's database closes.
        await sync.stop();
        await started.close();
        await authDatabase.close();
      },
    };
  } catch (error) {
    await scimitar?.close();
    await authDatabase.close();
    throw error;
  }
}
