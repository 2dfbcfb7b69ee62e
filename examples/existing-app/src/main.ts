/**
 * Starts the example: `npx tsx examples/existing-app/src/main.ts`, with
 * Scimitar's settings in the environment (DATABASE_URL, SCIMITAR_TOKEN,
 * SCIMITAR_DB_SCHEMA=scim on PostgreSQL, …) and
 *
 *   LINK_DOMAINS  comma-separated email domains whose verified accounts a new SCIM User is linked to (default: none)
 *   PORT, HOST    where to listen (default 3000, 127.0.0.1)
 */
import { createExistingApp } from './server.js';

const port = Number(process.env['PORT'] ?? '3000');
const host = process.env['HOST'] ?? '127.0.0.1';
const linkDomains = (process.env['LINK_DOMAINS'] ?? '').split(',').map((domain) => domain.trim()).filter((domain) => domain !== '');

const existingApp = await createExistingApp(process.env, { linkDomains }).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
const address = await existingApp.scimitar.app.listen({ port, host });
process.stdout.write(`existing app at ${address} (SCIM at ${address}/scim/v2)\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void existingApp.close().then(() => process.exit(0));
  });
}
