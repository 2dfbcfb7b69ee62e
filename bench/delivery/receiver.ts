/**
 * The local receiver of the delivery scenarios: an HTTP server in the bench
 * process that takes the Scimitar server's webhook POSTs (/webhook) and the
 * bench consumer's forwarded events (/consumer), and notes for each event
 * when it was committed (the event's timestamp, taken in the transaction
 * that committed it) and when it arrived. Both clocks are this machine's.
 *
 * It answers at once, so what is measured is Scimitar's side. Closing the
 * gate holds every answer until it opens again: a backlog builds up behind
 * the requests held, and opening the gate shows how fast it drains.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type DeliveryTarget = 'webhook' | 'consumer';

export interface Receipt {
  readonly committedAt: number;
  readonly receivedAt: number;
}

export class DeliveryReceiver {
  private receipts: Receipt[] = [];
  private held: Array<() => void> = [];
  private gateClosed = false;
  private constructor(
    private readonly server: http.Server,
    /** What the server delivers through: named in the figures. */
    readonly target: DeliveryTarget,
  ) {}

  static async start(target: DeliveryTarget): Promise<DeliveryReceiver> {
    let receiver: DeliveryReceiver | undefined;
    const server = http.createServer((request, response) => receiver!.take(request, response));
    server.keepAliveTimeout = 60_000;
    receiver = new DeliveryReceiver(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The bench process ends when the run does: the receiver never keeps it alive.
    server.unref();
    return receiver;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Forgets what arrived so far: each scenario counts its own. */
  reset(): void {
    this.receipts = [];
  }

  get received(): readonly Receipt[] {
    return this.receipts;
  }

  closeGate(): void {
    this.gateClosed = true;
  }

  openGate(): void {
    this.gateClosed = false;
    for (const answer of this.held.splice(0)) answer();
  }

  private take(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = Date.now();
      const answer = () => {
        response.statusCode = 204;
        response.end();
      };
      try {
        // One event, or an array of them from a webhook that sends several per request.
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp?: string } | Array<{ timestamp?: string }>;
        for (const { timestamp } of Array.isArray(body) ? body : [body]) {
          const committedAt = Date.parse(timestamp ?? '');
          if (!Number.isNaN(committedAt)) this.receipts.push({ committedAt, receivedAt });
        }
      } catch {
        // Not an event: answered, not counted.
      }
      if (this.gateClosed) this.held.push(answer);
      else answer();
    });
  }
}

let shared: DeliveryReceiver | undefined;

/** The run's receiver, started before the server (whose environment names it). */
export async function startDeliveryReceiver(target: DeliveryTarget): Promise<DeliveryReceiver> {
  shared ??= await DeliveryReceiver.start(target);
  return shared;
}

export function deliveryReceiver(): DeliveryReceiver | undefined {
  return shared;
}
