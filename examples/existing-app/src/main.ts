/**
 * Starts the example: `npx tsx examples/existing-app/src/main.ts`, with
 * Scimitar's settings in the environment (DATABASE_URL, SCIMITAR_TOKEN,
 * SCIMITAR_DB_SCHEMA=scim on PostgreSQL, SCIMITAR_DB_TABLE_PREFIX=scim_ on
 * SQLite and MySQL, …) and
 *
 *   FRAMEWORK     express (default) or fastify
 *   LINK_DOMAINS  comma-separated email domains whose verified accounts a new SCIM User is linked to (default: none)
 *   PORT, HOST    where to listen (default 3000, 127.0.0.1)
 */
import { createExistingApp, type Framework } from './server.js';

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const port = Number(process.env['PORT'] ?? '3000');
if (!Number.isInteger(port) || port < 0 || port > 65535) stop(`PORT must be a port number, got "${process.env['PORT']}"`);
const host = process.env['HOST'] ?? '127.0.0.1';
const framework = process.env['FRAMEWORK'] ?? 'express';
if (framework !== 'express' && framework !== 'fastify') stop(`FRAMEWORK must be express or fastify, got "${framework}"`);
const linkDomains = (process.env['LINK_DOMAINS'] ?? '').split(',').map((domain) => domain.trim()).filter((domain) => domain !== '');

const existingApp = await createExistingApp(process.env, { linkDomains, framework: framework as Framework }).catch((error: unknown) =>
  stop(error instanceof Error ? error.message : String(error)),
);
const origin = await existingApp.listen(port, host);
process.stdout.write(`existing app (${framework}) at ${origin} (SCIM at ${origin}/scim/v2)\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void existingApp.close().then(() => process.exit(0));
  });
}
