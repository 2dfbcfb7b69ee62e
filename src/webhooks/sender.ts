/**
 * One HTTP POST of a webhook delivery, with node:http(s) so the socket's
 * address goes through the address guard. It never follows a redirect (a
 * 3xx is a failure, recorded with where it pointed: following it would let
 * a public endpoint bounce Scimitar into a private one), bounds the whole
 * exchange — connect, send, response — by one timeout, and reads at most
 * `excerptBytes` of the response body.
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

/** Sends once; never throws (every failure is in the result). `signal` aborts it (shutdown). */
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
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      resolve({ ...result, durationMs: elapsed() });
    };
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...delivery.headers, 'content-length': String(Buffer.byteLength(delivery.body)) },
      lookup: guardedLookup(settings.policy),
      // No pooled sockets: each delivery connects (and is checked) afresh.
      agent: false,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error('timeout'));
    }, settings.timeoutMs);
    const onAbort = () => request.destroy(new Error('aborted: the dispatcher is shutting down'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();

    request.on('error', (error: Error & { code?: string }) => {
      finish({ statusCode: undefined, error: describeError(error, settings.timeoutMs, timedOut), responseExcerpt: undefined });
    });
    request.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let received = 0;
      const done = () => {
        const location = response.headers.location;
        const error = statusCode >= 300 && statusCode < 400 ? `redirect${location ? ` to ${location.slice(0, 300)}` : ''} not followed` : undefined;
        finish({ statusCode, error, responseExcerpt: excerptText(chunks, settings.excerptBytes) });
      };
      response.on('data', (chunk: Buffer) => {
        if (received < settings.excerptBytes) chunks.push(chunk);
        received += chunk.length;
        // Enough for the record: the rest of a large body is never read.
        if (received >= settings.excerptBytes) done();
      });
      response.on('end', done);
      response.on('error', (error: Error & { code?: string }) => {
        // The status came; a body cut short does not change the outcome.
        if (timedOut) finish({ statusCode, error: describeError(error, settings.timeoutMs, true), responseExcerpt: excerptText(chunks, settings.excerptBytes) });
        else done();
      });
    });
    request.end(delivery.body);
  });
}
