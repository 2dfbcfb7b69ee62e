/**
 * An app embedding Scimitar with one durable consumer, run as a real process
 * by the crash and two-instance suites (started from the sources with tsx).
 * The handler appends a line per event to CONSUMER_LOG before it returns
 * (synchronously: the line is on disk when the call ends); for the type in
 * CONSUMER_HANG_ON_TYPE it writes a `started` line and never returns, so a
 * test can kill the process after the commit and while the call is under way.
 */
import { appendFileSync } from 'node:fs';
import { createScimitar } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';

const log = process.env['CONSUMER_LOG'];
if (log === undefined) throw new TypeError('CONSUMER_LOG names the file the handler appends to');
const hangOn = process.env['CONSUMER_HANG_ON_TYPE'];

const scimitar = await createScimitar(loadConfig(process.env), { deliverWebhooks: false });
scimitar.events.consume({
  name: 'auth-sync',
  types: ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted'],
  handler: async (event) => {
    const line = { pid: process.pid, id: event.id, sequence: event.sequence, type: event.type, resourceId: event.resourceId, at: Date.now() };
    if (event.type === hangOn) {
      appendFileSync(log, `${JSON.stringify({ ...line, started: true })}\n`);
      await new Promise(() => undefined);
    }
    appendFileSync(log, `${JSON.stringify(line)}\n`);
  },
});
const address = await scimitar.app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`serving SCIM 2.0 at ${address}/scim/v2\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void scimitar.close().then(() => process.exit(0));
  });
}
