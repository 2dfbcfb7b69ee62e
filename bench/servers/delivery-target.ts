/**
 * The delivery target of the delivery scenarios, set up in the Scimitar
 * bench server when BENCH_DELIVERY_URL names the bench's receiver: either a
 * webhook of the default tenant (BENCH_DELIVERY_TARGET=webhook), or a
 * durable in-process consumer whose handler forwards each event there
 * (consumer), so both are timed at the same receiver. Only user.created
 * events: the scenarios create users. The webhook sends one event per POST
 * unless BENCH_DELIVERY_EVENTS_PER_REQUEST says more (a JSON array).
 */
import http from 'node:http';
import type { Scimitar } from '../../src/app/scimitar.js';

/** One POST of the event's JSON; rejects on anything but 2xx, so the consumer retries as for a failed handler. */
function forward(url: URL, body: string, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => ((response.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`receiver answered ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}

export async function setUpDeliveryTarget(scimitar: Scimitar, env: NodeJS.ProcessEnv): Promise<void> {
  const origin = env['BENCH_DELIVERY_URL'];
  if (origin === undefined || origin === '') return;
  const target = env['BENCH_DELIVERY_TARGET'] ?? 'webhook';
  if (target === 'webhook') {
    // BENCH_DELIVERY_EVENTS_PER_REQUEST (--server-env) lets the webhook carry several events per POST.
    const maxEventsPerRequest = Number(env['BENCH_DELIVERY_EVENTS_PER_REQUEST'] ?? '1');
    await scimitar.webhooks.create('default', { url: `${origin}/webhook`, eventTypes: ['user.created'], description: 'bench receiver', maxEventsPerRequest });
    return;
  }
  if (target !== 'consumer') throw new RangeError(`BENCH_DELIVERY_TARGET must be webhook or consumer, not ${target}`);
  // A kept-alive connection: the handler stands for an app's own fast write, not for connection set-up.
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL(`${origin}/consumer`);
  const startedAt = Date.now();
  scimitar.events.consume({
    name: 'bench-receiver',
    types: ['user.created'],
    handler: async (event) => {
      // The seed's events (if a store wrote any) are not the scenarios': passed over.
      if (Date.parse(event.timestamp) < startedAt) return;
      await forward(url, JSON.stringify(event), agent);
    },
  });
}
