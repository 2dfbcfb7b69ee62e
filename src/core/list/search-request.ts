import { scimErrors } from '../errors/scim-error.js';
import type { ResourceSchemas } from '../schema/registry.js';
import { LIST_PARAMETER_NAMES, interpretListParameters, type ListRequest, type ListSettings } from './list-request.js';
import { pickParameters, quoteValue } from './parameters.js';
import { describeJsonValue } from '../resource/json-value.js';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMember(members: ReadonlyMap<string, unknown>, name: string): string | undefined {
  const value = members.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw scimErrors.invalidValue(`${name} must be a string`);
  return value;
}

function integerMember(members: ReadonlyMap<string, unknown>, name: string): string | number | undefined {
  const value = members.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') throw scimErrors.invalidValue(`${name} must be an integer, got ${describeJsonValue(value)}`);
  return value;
}

function attributeListMember(members: ReadonlyMap<string, unknown>, name: string): string | readonly string[] | undefined {
  const value = members.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((element): element is string => typeof element === 'string')) return value;
  throw scimErrors.invalidValue(`${name} must be an array of attribute names`);
}

/**
 * RFC 7644 §3.4.3 says the body "MUST" carry the SearchRequest schema URI.
 * A body that carries a `schemas` member without it is refused; a body with
 * no `schemas` member at all is accepted, because several clients omit it
 * and the endpoint leaves no doubt about what the body is.
 */
function checkSchemas(members: ReadonlyMap<string, unknown>): void {
  if (!members.has('schemas')) return;
  const schemas = members.get('schemas');
  const wanted = SEARCH_REQUEST_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === wanted)) {
    throw scimErrors.invalidSyntax(`A search request's schemas must include ${SEARCH_REQUEST_SCHEMA} (RFC 7644 §3.4.3)`);
  }
}

/**
 * From a POST /.search body (RFC 7644 §3.4.3). Member names are matched
 * case-insensitively and unknown members are ignored; startIndex and count
 * may be JSON numbers or numeric strings; attributes and excludedAttributes
 * arrays or comma-separated strings.
 */
export function parseSearchRequest(body: unknown, schemas: ResourceSchemas, settings: ListSettings): ListRequest {
  if (!isJsonObject(body)) throw scimErrors.invalidSyntax('A search request body must be a JSON object (RFC 7644 §3.4.3)');
  const members = pickParameters(body, ['schemas', ...LIST_PARAMETER_NAMES], 'in the search request');
  checkSchemas(members);
  return interpretListParameters(
    {
      filter: stringMember(members, 'filter'),
      sortBy: stringMember(members, 'sortBy'),
      sortOrder: stringMember(members, 'sortOrder'),
      startIndex: integerMember(members, 'startIndex'),
      count: integerMember(members, 'count'),
      attributes: attributeListMember(members, 'attributes'),
      excludedAttributes: attributeListMember(members, 'excludedAttributes'),
      // RFC 9865 §3: the same cursor, as a string member ("" for the first page).
      cursor: stringMember(members, 'cursor'),
    },
    schemas,
    settings,
  );
}
