/**
 * Removes expired access tokens, hourly, in every instance (beside the
 * event retention and the soft-delete purge), so the `tokens` table holds
 * at most the tokens of the last lifetime plus an hour. Several instances
 * running it at once delete the same rows; the second finds none.
 */
import { PeriodicTask } from '../app/periodic-task.js';
import type { OAuthClientService } from './oauth-client-service.js';

export function accessTokenPurge(clients: OAuthClientService, logFailure: (error: unknown) => void, intervalMs?: number): PeriodicTask {
  return new PeriodicTask(() => clients.purgeExpiredAccessTokens(), logFailure, intervalMs);
}
