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
