/**
 * Starts the example: `npx tsx examples/session-revocation/src/main.ts`.
 *
 *   SCIMITAR_WEBHOOK_SECRET  the webhook's whsec_… secret (required)
 *   PORT                     port to listen on (default 3000)
 *   HOST                     address to bind (default 127.0.0.1)
 *   LOG_LEVEL                debug, info (default), warn…
 *   STATE_FILE               keep sessions and applied events in this JSON file across restarts
 *                            (default: in memory only, forgotten when the process stops)
 */
import { buildReceiverApp } from './app.js';
import { MemoryEventLedger } from './event-ledger.js';
import { MemorySessionStore } from './session-store.js';
import { openStateFile } from './state-file.js';

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const secret = process.env['SCIMITAR_WEBHOOK_SECRET'];
if (secret === undefined || secret === '') stop('Set SCIMITAR_WEBHOOK_SECRET to the whsec_… secret printed by `scimitar webhooks create`.');
const port = Number(process.env['PORT'] ?? '3000');
if (!Number.isInteger(port) || port < 0 || port > 65535) stop(`PORT must be a port number, got "${process.env['PORT']}"`);
const host = process.env['HOST'] ?? '127.0.0.1';
const stateFile = process.env['STATE_FILE'];
const state = stateFile ? openStateFile(stateFile) : { sessions: new MemorySessionStore(), ledger: new MemoryEventLedger() };

const app = await buildReceiverApp({ secret, ...state, logger: { level: process.env['LOG_LEVEL'] ?? 'info' } }).catch((error: unknown) =>
  stop(error instanceof Error ? error.message : String(error)),
);
const address = await app.listen({ port, host });
app.log.info(`receiving Scimitar webhooks at ${address}/webhooks/scimitar (${stateFile ? `state in ${stateFile}` : 'state in memory'})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
