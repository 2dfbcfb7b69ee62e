/**
 * The load of the revocation tests: CLIENTS_PER_INSTANCE clients per
 * instance send requests back to back while a change (a revocation, a
 * rotation, a tenant's deletion) is made once the load is under way, and the
 * load goes on past the promise. Each request is stamped with the time it
 * was sent, so the test can ask which were accepted after the change had
 * committed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Instance } from '../webhooks/processes.js';

/** The promise: no request sent this long after the change committed is accepted. */
export const PROMPTNESS_MS = 100;
const CLIENTS_PER_INSTANCE = 3;

export interface Sent {
  readonly sentAt: number;
  readonly status: number | 'network error';
  readonly body: string;
}

/** Keeps CLIENTS_PER_INSTANCE clients per instance sending `request` until `stop` is called. */
function load(instances: readonly Instance[], request: (instance: Instance, index: number) => Promise<Response>) {
  const sent: Sent[] = [];
  let running = true;
  const clients = instances.flatMap((instance) =>
    Array.from({ length: CLIENTS_PER_INSTANCE }, async () => {
      for (let index = 0; running; index += 1) {
        const sentAt = Date.now();
        try {
          const response = await request(instance, index);
          sent.push({ sentAt, status: response.status, body: await response.text() });
        } catch (error) {
          sent.push({ sentAt, status: 'network error', body: String(error) });
        }
      }
    }),
  );
  return {
    sent,
    async stop(): Promise<Sent[]> {
      running = false;
      await Promise.all(clients);
      return sent;
    },
  };
}

export const origin = (instance: Instance) => instance.baseUrl.replace(/\/scim\/v2$/, '');
export const listUsers = (token: string, tenant: string) => (instance: Instance) =>
  fetch(`${origin(instance)}/t/${tenant}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });

/** Runs the load, makes the change once the load is under way, keeps the load going past the promise, and returns what was sent and when the change had committed. */
export async function around(instances: readonly Instance[], request: (instance: Instance, index: number) => Promise<Response>, change: () => Promise<void>) {
  const running = load(instances, request);
  await delay(500);
  await change();
  const committedBy = Date.now();
  await delay(PROMPTNESS_MS + 700);
  const sent = await running.stop();
  const acceptedLate = sent.filter((request) => request.sentAt > committedBy + PROMPTNESS_MS && typeof request.status === 'number' && request.status < 400);
  const acceptedBefore = sent.filter((request) => request.sentAt < committedBy && typeof request.status === 'number' && request.status < 400);
  return { sent, acceptedLate, acceptedBefore, committedBy };
}
