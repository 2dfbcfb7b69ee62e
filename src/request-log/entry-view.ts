import type { StoredRequestLogEntry } from './entry.js';

/** An entry as the admin API and the CLI show it: the stored position stays internal (cursors carry it). */
export function entryView(entry: StoredRequestLogEntry, withBodies: boolean): Record<string, unknown> {
  const { position: _position, tenantId, requestBody, responseBody, ...rest } = entry;
  return { ...rest, tenant: tenantId, ...(withBodies ? { requestBody, responseBody } : {}) };
}
