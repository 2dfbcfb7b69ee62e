/** One request sent outside the load generator (checks and setup), with the same headers the load runs send. */
import type { HttpCall, LoadTarget } from './load.js';

const CALL_TIMEOUT_MS = 10 * 60_000;

export interface CallResult {
  readonly status: number;
  /** The parsed JSON body, or undefined when there is none. */
  readonly body: unknown;
}

export async function sendCall(target: LoadTarget, call: HttpCall): Promise<CallResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${call.token ?? target.token}`, accept: 'application/scim+json' };
  if (call.body !== undefined) headers['content-type'] = 'application/scim+json';
  const response = await fetch(target.origin + target.basePath + call.path, {
    method: call.method,
    headers,
    ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    // Generous: a slow target's single operation is still a result, a hung one is not.
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}
