/**
 * Delivery that keeps up: the Okta loop or a Bulk import creates users while
 * Scimitar delivers each user.created event to the bench's receiver, through
 * a webhook or a durable in-process consumer (`--delivery-to`; the server
 * sets up the one named, bench/servers/delivery-target.ts). The load's own
 * figures are the writes'; the note gives the deliveries':
 *
 * - live: the receiver answers at once. Creates/s and deliveries/s are each
 *   taken over their own span (first to last commit, first to last receipt),
 *   so a ratio near 1 means delivery kept pace; the lag is commit to
 *   receipt, and the tail is how long after the last create the last
 *   delivery came.
 * - backlog: the receiver holds its answers while the load runs, so the
 *   events pile up; then it answers, and deliveries/s is how fast that
 *   backlog drains: the most delivery can do beside nothing else, to hold
 *   against the create rate (the goal: at least 1.5 times).
 *
 * Only events committed after the scenario's load started are counted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../load.js';
import { deliveryReceiver, type DeliveryReceiver, type Receipt } from '../delivery/receiver.js';
import { bulkCreateScenario } from './bulk-create.js';
import { oktaLoopScenario } from './okta-loop.js';
import type { BackgroundWork, Scenario } from './scenario.js';

/** No new receipt for this long: the deliveries are done. */
const QUIET_MS = 3_000;
const MAX_WAIT_MS = 600_000;

type Mode = 'live' | 'backlog';

const perSecond = (count: number, spanMs: number) => (spanMs > 0 ? (count * 1000) / spanMs : Number.NaN);
const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/** Waits until receipts stop coming. */
async function untilQuiet(receiver: DeliveryReceiver): Promise<void> {
  const started = Date.now();
  let count = -1;
  let changedAt = Date.now();
  while (Date.now() - started < MAX_WAIT_MS) {
    if (receiver.received.length !== count) {
      count = receiver.received.length;
      changedAt = Date.now();
    } else if (Date.now() - changedAt >= QUIET_MS) {
      return;
    }
    await sleep(100);
  }
}

/** The figures of one scenario's deliveries, as its note. */
function summarise(mode: Mode, target: string, receipts: readonly Receipt[], openedAt: number | undefined): string {
  if (receipts.length < 2) return `${target}: ${receipts.length} deliveries received`;
  const commits = receipts.map((receipt) => receipt.committedAt).sort((a, b) => a - b);
  const arrivals = receipts.map((receipt) => receipt.receivedAt).sort((a, b) => a - b);
  const createRate = perSecond(commits.length - 1, commits.at(-1)! - commits[0]!);
  const tail = `last delivery ${((arrivals.at(-1)! - commits.at(-1)!) / 1000).toFixed(1)} s after the last create`;
  if (mode === 'backlog') {
    const drained = arrivals.filter((at) => at >= openedAt!);
    const drainRate = perSecond(drained.length, arrivals.at(-1)! - openedAt!);
    return (
      `${target} backlog: ${whole(receipts.length)} events created at ${whole(createRate)}/s, backlog drained at ${whole(drainRate)} deliveries/s, ` +
      `ratio ${(drainRate / createRate).toFixed(2)}`
    );
  }
  const deliveryRate = perSecond(arrivals.length - 1, arrivals.at(-1)! - arrivals[0]!);
  const lags = receipts.map((receipt) => receipt.receivedAt - receipt.committedAt).sort((a, b) => a - b);
  return (
    `${target}: ${whole(receipts.length)} events created at ${whole(createRate)}/s, delivered at ${whole(deliveryRate)}/s, ratio ${(deliveryRate / createRate).toFixed(2)}; ` +
    `lag p50 ${whole(percentile(lags, 0.5))} ms, p99 ${whole(percentile(lags, 0.99))} ms; ${tail}`
  );
}

function deliveryWork(mode: Mode): BackgroundWork {
  const receiver = deliveryReceiver();
  if (receiver === undefined) throw new TypeError('the delivery scenarios need the receiver, which the run starts when one of them is selected');
  let startedAt = 0;
  let openedAt: number | undefined;
  return {
    start() {
      receiver.reset();
      startedAt = Date.now();
      if (mode === 'backlog') receiver.closeGate();
    },
    async stop() {
      if (mode === 'backlog') {
        // The load is over; the last creates' events are in the outbox (or on their way to it).
        await sleep(500);
        openedAt = Date.now();
        receiver.openGate();
      }
      await untilQuiet(receiver);
      const receipts = receiver.received.filter((receipt) => receipt.committedAt >= startedAt);
      return summarise(mode, receiver.target, receipts, openedAt);
    },
  };
}

function deliveryScenario(load: 'okta' | 'bulk', mode: Mode): Scenario {
  const base = load === 'okta' ? oktaLoopScenario : bulkCreateScenario;
  return {
    id: `delivery-${load}${mode === 'backlog' ? '-backlog' : ''}`,
    title: `Delivery ${mode === 'backlog' ? 'of a backlog ' : ''}under ${load === 'okta' ? 'the Okta loop' : 'Bulk import'}`,
    operation: `${base.operation}, each user.created delivered to a local receiver (${mode === 'backlog' ? 'held during the load, then drained' : 'answering at once'})`,
    unsupportedBy: (traits) => (traits.name === 'scimitar' ? undefined : 'no webhooks or consumers'),
    async prepare(context) {
      // Names of their own: never the plain scenarios' users.
      const prepared = await base.prepare({ ...context, runTag: `${context.runTag}-d${load}${mode}` });
      return { ...prepared, background: deliveryWork(mode) };
    },
  };
}

export const deliveryOktaScenario = deliveryScenario('okta', 'live');
export const deliveryOktaBacklogScenario = deliveryScenario('okta', 'backlog');
export const deliveryBulkScenario = deliveryScenario('bulk', 'live');
export const deliveryBulkBacklogScenario = deliveryScenario('bulk', 'backlog');
