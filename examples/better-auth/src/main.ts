/**
 * Starts the example: `npx tsx examples/better-auth/src/main.ts`, with
 * Scimitar's settings in the environment (DATABASE_URL, SCIMITAR_TOKEN,
 * SCIMITAR_DB_SCHEMA=scim on PostgreSQL, …) and
 *
 *   AUTH_DATABASE_URL   better-auth's database: sqlite:FILE (default sqlite:./data/better-auth.db) or postgres://…
 *   BETTER_AUTH_SECRET  signs better-auth's cookies (at least 32 characters)
 *   BETTER_AUTH_URL     where the app is reached (default http://HOST:PORT)
 *   PORT, HOST          where to listen (default 3000, 127.0.0.1)
 *
 * Password-reset messages are printed on standard output, where a real app
 * would send an email.
 */
import { createBetterAuthApp } from './server.js';

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const port = Number(process.env['PORT'] ?? '3000');
if (!Number.isInteger(port) || port < 0 || port > 65535) stop(`PORT must be a port number, got "${process.env['PORT']}"`);
const host = process.env['HOST'] ?? '127.0.0.1';

const app = await createBetterAuthApp(process.env, {
  baseURL: process.env['BETTER_AUTH_URL'] || `http://${host}:${port}`,
  sendPasswordReset: async (mail) => {
    process.stdout.write(`password reset for ${mail.email}: ${mail.url} (token ${mail.token})\n`);
  },
}).catch((error: unknown) => stop(error instanceof Error ? error.message : String(error)));
const origin = await app.listen(port, host);
process.stdout.write(`better-auth app at ${origin} (SCIM at ${origin}/scim/v2, better-auth at ${origin}/api/auth)\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
