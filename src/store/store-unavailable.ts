/**
 * The database cannot be reached at the moment: it is restarting, failing
 * over, or the connection to it was dropped. Nothing the request asked for
 * was committed (its transaction, if any, died with its connection), and the
 * same request may succeed a few seconds later, so the HTTP layers answer
 * `503 Service Unavailable` with `Retry-After` instead of a 500.
 *
 * Adapters throw it in place of their driver's connection errors; the
 * services let it pass untouched.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** Seconds a client is asked to wait (Retry-After) before retrying: a restart or failover usually takes a few. */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}
