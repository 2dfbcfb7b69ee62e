/**
 * How each identity provider calls a SCIM app, from the sources the interop
 * fixtures cite (test/interop/okta/*.json, test/interop/entra-id/*.json).
 *
 * Okta: `User-Agent: Okta SCIM Client 1.0.0` on provisioning calls, SCIM
 * media types with `charset=utf-8`; its connection test reads one user
 * (`startIndex=1&count=1`) and looks up a random userName.
 * Entra ID: Microsoft's documented requests carry `Content-Type:
 * application/json`; Microsoft documents no User-Agent value, so none is
 * claimed here (the header-sensitivity step covers a WAF that wants one).
 * Its Test Connection filters users by a random GUID as userName and expects
 * an empty ListResponse.
 */
export type IdpName = 'okta' | 'entra';

export const IDP_NAMES: readonly IdpName[] = ['okta', 'entra'];

export interface ConnectionQuery {
  readonly description: string;
  /** Relative to the SCIM base URL. */
  readonly path: (randomValue: string) => string;
  /** Whether the answer must be an empty ListResponse (a lookup of something that does not exist). */
  readonly expectsEmpty: boolean;
}

export interface IdpProfile {
  readonly name: IdpName;
  readonly displayName: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Headers of requests with a body. */
  readonly bodyHeaders: Readonly<Record<string, string>>;
  readonly connectionTest: readonly ConnectionQuery[];
  /** The PATCH body that deactivates a user, as this provider writes it. */
  readonly deactivation: unknown;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function userNameFilter(value: string): string {
  return encodeURIComponent(`userName eq "${value}"`);
}

export const IDP_PROFILES: Readonly<Record<IdpName, IdpProfile>> = {
  okta: {
    name: 'okta',
    displayName: 'Okta',
    headers: { 'User-Agent': 'Okta SCIM Client 1.0.0', Accept: 'application/scim+json', 'Accept-Charset': 'utf-8' },
    bodyHeaders: { 'Content-Type': 'application/scim+json; charset=utf-8' },
    connectionTest: [
      { description: 'Okta "Test API Credentials": read one user', path: () => '/Users?startIndex=1&count=1', expectsEmpty: false },
      {
        description: 'Okta import matching: look up a random userName',
        path: (randomValue) => `/Users?filter=${userNameFilter(randomValue)}&startIndex=1&count=100`,
        expectsEmpty: true,
      },
    ],
    deactivation: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
  },
  entra: {
    name: 'entra',
    displayName: 'Microsoft Entra ID',
    headers: { Accept: 'application/scim+json' },
    bodyHeaders: { 'Content-Type': 'application/json' },
    connectionTest: [
      { description: 'Entra "Test Connection": filter users by a random GUID as userName', path: (randomValue) => `/Users?filter=${userNameFilter(randomValue)}`, expectsEmpty: true },
      {
        description: 'Entra "Test Connection": a random group by displayName, members excluded',
        path: (randomValue) => `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${randomValue}"`)}`,
        expectsEmpty: true,
      },
    ],
    deactivation: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: false }] },
  },
};
