/**
 * One HTTP POST of a webhook delivery, with node:http(s) so the socket's
 * address goes through the address guard. It never follows a redirect (a
 * 3xx is a failure, recorded with where it pointed: following it would let
 * a public endpoint bounce Scimitar into a private one), bounds the whole
 * exchange — connect, send, response — by one timeout, and keeps at most
 * `excerptBytes` of the response body.
 *
 * Connections are kept alive and reused, through one http and one https
 * Agent per address policy. The guard stays on every connection: the
 * agents' own `lookup` is the guarded one, so each new socket is checked
 * when it connects (a literal IP is checked before the request, as Node
 * connects to it without a lookup), and a kept-alive socket is only ever
 * one that was checked, still connected to the address checked then — a
 * name that resolves elsewhere later (DNS rebinding) gets a new, checked
 * socket once the old one is gone. A socket goes back to the pool only
 * after a complete response; a timeout, an abort or a body past
 * DRAIN_LIMIT_BYTES destroys it.
 */
import http from 'node:http';
import https from 'node:https';
import { checkLiteralHost, guardedLookup, type AddressPolicy } from './address-guard.js';

export interface SendSettings {
  readonly timeoutMs: number;
  readonly policy: AddressPolicy;
  /** How much of the response body is kept for the attempt record. */
  readonly excerptBytes: number;
}

export interface OutgoingDelivery {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SendResult {
  /** The HTTP status, when a response came. */
  readonly statusCode: number | undefined;
  /** Why it did not succeed: no response, a refused address, a redirect. Undefined for an answer, 2xx or not. */
  readonly error: string | undefined;
  readonly responseExcerpt: string | undefined;
  readonly durationMs: number;
}

/**
 * Most response body read past the excerpt so that the connection can be
 * reused; a longer body costs the connection instead of the time to read it.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024;
/** Connections to one host at once, per agent; more requests wait for one (within their timeout). */
const MAX_SOCKETS_PER_HOST = 64;
/** Idle connections kept per host. */
const MAX_FREE_SOCKETS_PER_HOST = 16;
/**
 * How long an idle connection is kept: under the 5 s after which Node's
 * servers (and many others) close idle connections, so that a request is
 * rarely written to a socket the receiver is closing.
 */
const IDLE_SOCKET_MS = 4_000;
/** How a request on a kept-alive socket the receiver had closed fails. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

interface PolicyAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** The agents of each policy object (one per dispatcher), dropped with it. */
const agentsByPolicy = new WeakMap<AddressPolicy, PolicyAgents>();

function agentsFor(policy: AddressPolicy): PolicyAgents {
  let agents = agentsByPolicy.get(policy);
  if (agents === undefined) {
    const options = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_HOST,
      maxFreeSockets: MAX_FREE_SOCKETS_PER_HOST,
      timeout: IDLE_SOCKET_MS,
      // Every new socket resolves its host through the guard (an agent's options reach each connection it makes).
      lookup: guardedLookup(policy),
    };
    agents = { http: new http.Agent(options), https: new https.Agent(options) };
    agentsByPolicy.set(policy, agents);
  }
  return agents;
}

/** Response bodies are the receiver's: control characters are kept, except NUL, which PostgreSQL text cannot hold. */
function excerptText(chunks: readonly Buffer[], limit: number): string | undefined {
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  if (bytes.length === 0) return undefined;
  return bytes.toString('utf8').replaceAll('\u0000', '\uFFFD');
}

function describeError(error: Error & { code?: string }, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const code = error.code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve (${code})`;
  return code !== undefined && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/**
 * Sends once (once more on a new connection when a kept-alive one turns out
 * closed); never throws (every failure is in the result). `signal` aborts it
 * (shutdown). The timeout covers both.
 */
export function sendDelivery(delivery: OutgoingDelivery, settings: SendSettings, signal?: AbortSignal): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return resolve({ statusCode: undefined, error: 'the URL is not valid', responseExcerpt: undefined, durationMs: elapsed() });
    }
    const refused = checkLiteralHost(settings.policy, url.hostname);
    if (refused !== undefined) return resolve({ statusCode: undefined, error: refused.message, responseExcerpt: undefined, durationMs: elapsed() });

    let settled = false;
    let timedOut = false;
    /** `keepSocket`: the response was read to its end, so the socket may serve the next request. */
    const finish = (result: Omit<SendResult, 'durationMs'>, keepSocket = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (!keepSocket) request.destroy();
      resolve({ ...result, durationMs: elapsed() });
    };
    const agents = agentsFor(settings.policy);
    const post = (pooled: boolean): http.ClientRequest => {
      const options = {
        method: 'POST',
        headers: { ...delivery.headers, 'content-length': String(Buffer.byteLength(delivery.body)) },
        // The agents' lookup is the guarded one; the request's too, for the unpooled second try.
        lookup: guardedLookup(settings.policy),
      };
      const secure = url.protocol === 'https:';
      const sent = secure ? https.request(url, { ...options, agent: pooled ? agents.https : false }) : http.request(url, { ...options, agent: pooled ? agents.http : false });
      let responded = false;
      sent.on('error', (error: Error & { code?: string }) => {
        if (sent !== request) return;
        // A kept-alive socket that fails before any answer was most likely closed by the receiver while idle, before
        // it read the request: sent once more on a new connection rather than counted a failed attempt (a delivery
        // is at least once anyway, and receivers deduplicate on the event ids).
        if (pooled && sent.reusedSocket && !responded && !timedOut && signal?.aborted !== true && STALE_SOCKET_CODES.has(error.code ?? '')) {
          request = post(false);
          return;
        }
        finish({ statusCode: undefined, error: describeError(error, settings.timeoutMs, timedOut), responseExcerpt: undefined });
      });
      sent.on('response', (response) => {
        responded = true;
        const statusCode = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let received = 0;
        const result = () => {
          const location = response.headers.location;
          const error = statusCode >= 300 && statusCode < 400 ? `redirect${location ? ` to ${location.slice(0, 300)}` : ''} not followed` : undefined;
          return { statusCode, error, responseExcerpt: excerptText(chunks, settings.excerptBytes) };
        };
        response.on('data', (chunk: Buffer) => {
          if (received < settings.excerptBytes) chunks.push(chunk);
          received += chunk.length;
          // Past the excerpt the body is read only to free the connection; a long one costs the connection instead.
          if (received > settings.excerptBytes + DRAIN_LIMIT_BYTES) finish(result());
        });
        response.on('end', () => finish(result(), true));
        response.on('error', (error: Error & { code?: string }) => {
          // The status came; a body cut short does not change the outcome.
          if (timedOut) finish({ ...result(), error: describeError(error, settings.timeoutMs, true) });
          else finish(result());
        });
      });
      sent.end(delivery.body);
      return sent;
    };
    let request = post(true);
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error('timeout'));
    }, settings.timeoutMs);
    const onAbort = () => request.destroy(new Error('aborted: the dispatcher is shutting down'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
  });
}
