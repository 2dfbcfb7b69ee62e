/**
 * Tenant ids are slugs: they appear in every SCIM URL of the tenant
 * (/t/{id}/scim/v2), so they are restricted to what needs no encoding and
 * reads well in a URL — lowercase letters, digits and inner dashes, at most 63.
 */
import { scimErrors } from '../core/errors/scim-error.js';

export const TENANT_ID_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
const TENANT_ID = new RegExp(TENANT_ID_PATTERN);

export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

export function describeTenantIdRule(): string {
  return '1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. "acme" or "acme-eu")';
}

/** `400 invalidValue` unless `value` is a valid tenant id. */
export function assertTenantId(value: string): void {
  if (!isTenantId(value)) throw scimErrors.invalidValue(`"${value.slice(0, 80)}" is not a valid tenant id: use ${describeTenantIdRule()}`);
}

/** Tenant names are labels for people; control characters would garble tables and logs. */
export function assertTenantName(value: string): void {
  if (value.trim().length === 0 || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw scimErrors.invalidValue('A tenant name must be 1 to 200 characters without control characters');
  }
}
