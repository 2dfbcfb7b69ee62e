import { SERVICE_PROVIDER_CONFIG_SCHEMA } from './discovery-urns.js';
import { discoveryLocation } from './location.js';

export interface ServiceProviderSettings {
  readonly documentationUri?: string;
  /** Advertised as filter.maxResults: the most resources one list or search page returns. */
  readonly maxPageSize: number;
  readonly bulk: { readonly supported: boolean; readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly changePasswordSupported: boolean;
  readonly sortSupported: boolean;
  readonly etagSupported: boolean;
  /**
   * RFC 9865 §4 `pagination`. Absent: not advertised (index paging only, as
   * RFC 7644 alone). cursorTimeout is left out when cursors never expire.
   */
  readonly pagination?: PaginationSettings;
}

export interface PaginationSettings {
  readonly cursor: boolean;
  readonly index: boolean;
  /** The method of a request that names neither `cursor` nor `startIndex`. */
  readonly defaultPaginationMethod: 'cursor' | 'index';
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /** Seconds a cursor is guaranteed to stay valid between page requests. */
  readonly cursorTimeout?: number;
}

/**
 * The ServiceProviderConfig resource (RFC 7643 §5, example in §8.5).
 * PATCH and filtering are always implemented, so they are always advertised
 * as supported; the rest follows the server's settings.
 */
export function serviceProviderConfig(settings: ServiceProviderSettings, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(settings.documentationUri !== undefined ? { documentationUri: settings.documentationUri } : {}),
    patch: { supported: true },
    bulk: {
      supported: settings.bulk.supported,
      maxOperations: settings.bulk.maxOperations,
      maxPayloadSize: settings.bulk.maxPayloadSize,
    },
    filter: { supported: true, maxResults: settings.maxPageSize },
    changePassword: { supported: settings.changePasswordSupported },
    sort: { supported: settings.sortSupported },
    etag: { supported: settings.etagSupported },
    ...(settings.pagination !== undefined ? { pagination: paginationAttribute(settings.pagination) } : {}),
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication scheme using the OAuth Bearer Token Standard',
        specUri: 'http://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: discoveryLocation(baseUrl, 'ServiceProviderConfig') },
  };
}

function paginationAttribute(pagination: PaginationSettings): Record<string, unknown> {
  return {
    cursor: pagination.cursor,
    index: pagination.index,
    defaultPaginationMethod: pagination.defaultPaginationMethod,
    defaultPageSize: pagination.defaultPageSize,
    maxPageSize: pagination.maxPageSize,
    ...(pagination.cursorTimeout !== undefined ? { cursorTimeout: pagination.cursorTimeout } : {}),
  };
}
