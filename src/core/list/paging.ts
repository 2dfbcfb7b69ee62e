import { scimErrors } from '../errors/scim-error.js';
import { quoteValue } from './parameters.js';

/** A JSON number or the decimal text of a query parameter; anything else is `400 invalidValue`. */
function parseInteger(parameter: string, value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw scimErrors.invalidValue(`${parameter} must be an integer, got ${quoteValue(value)}`);
    return value;
  }
  if (!/^[+-]?\d+$/.test(value)) throw scimErrors.invalidValue(`${parameter} must be an integer, got ${quoteValue(value)}`);
  return Number(value);
}

/** RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1." Default 1. */
export function parseStartIndex(value: string | number | undefined): number {
  if (value === undefined) return 1;
  const startIndex = parseInteger('startIndex', value);
  return Math.min(Math.max(startIndex, 1), Number.MAX_SAFE_INTEGER);
}

/**
 * RFC 7644 §3.4.2.4: "A negative value SHALL be interpreted as 0". Above
 * maxPageSize it is lowered to maxPageSize, the filter.maxResults the
 * ServiceProviderConfig advertises ("MAY return fewer results").
 * Missing: the server's default page size.
 */
export function parseCount(value: string | number | undefined, defaultPageSize: number, maxPageSize: number): number {
  if (value === undefined) return defaultPageSize;
  const count = parseInteger('count', value);
  return Math.min(Math.max(count, 0), maxPageSize);
}
