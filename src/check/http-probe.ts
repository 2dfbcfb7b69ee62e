/**
 * One HTTP request of `scimitar check`, sent the way an identity provider
 * sends it. node:http(s) rather than fetch, for three reasons: fetch always
 * adds a User-Agent (a request WITHOUT one, which some WAFs block, could not
 * be sent), it may add or change headers of its own, and here nothing is
 * ever followed: a redirect is an answer to report, because the identity
 * providers do not follow it. (The TLS version is read by tls-probe.ts.)
 */
import http from 'node:http';
import https from 'node:https';

/** Bodies larger than this are cut: a report needs the start of a body, not all of it. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ProbeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute URL. */
  readonly url: string;
  /** Exactly the headers sent (besides Host and Content-Length): no User-Agent unless given. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ProbeResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly bodyText: string;
  /** The parsed body when it is JSON, else undefined. */
  readonly json: unknown;
}

export class ProbeFailed extends Error {
  constructor(
    message: string,
    readonly reason: 'network' | 'timeout' | 'aborted',
  ) {
    super(message);
    this.name = 'ProbeFailed';
  }
}

export function sendProbe(request: ProbeRequest): Promise<ProbeResponse> {
  const url = new URL(request.url);
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  const headers: Record<string, string> = { ...request.headers };
  if (payload !== undefined) headers['Content-Length'] = String(payload.length);
  const secure = url.protocol === 'https:';
  const options: https.RequestOptions = {
    method: request.method,
    headers,
    // A fresh connection per request: the TLS protocol is read from each, and nothing lingers after the run.
    agent: false,
  };
  return new Promise<ProbeResponse>((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new ProbeFailed('Interrupted', 'aborted'));
      return;
    }
    const outgoing = (secure ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) => reject(new ProbeFailed(error.message, 'network')));
      response.on('end', () => {
        cleanup();
        const bodyText = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
        const responseHeaders: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(response.headers)) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({
          status: response.statusCode ?? 0,
          headers: responseHeaders,
          bodyText,
          json: parseJson(bodyText),
        });
      });
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new ProbeFailed(`No answer within ${request.timeoutMs} ms`, 'timeout'));
    }, request.timeoutMs);
    const onAbort = () => outgoing.destroy(new ProbeFailed('Interrupted', 'aborted'));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    };
    outgoing.on('error', (error) => {
      cleanup();
      reject(error instanceof ProbeFailed ? error : new ProbeFailed(describeNetworkError(error), 'network'));
    });
    outgoing.end(payload);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: Error & { code?: string }): string {
  return error.code !== undefined ? `${error.code}: ${error.message}` : error.message;
}
