/** Where a tenant's SCIM API lives, for routing and for what admins paste into an identity provider. */

/** The route parameter that names the tenant in a URL. */
export const TENANT_PARAM = 'tenant';

/** The Fastify prefix of the tenant-addressed SCIM API. */
export const TENANT_SCIM_PREFIX = `/t/:${TENANT_PARAM}/scim/v2`;

export function tenantScimPath(tenantId: string): string {
  return TENANT_SCIM_PREFIX.replace(`:${TENANT_PARAM}`, encodeURIComponent(tenantId));
}

/** `origin` is a public URL without trailing slash, e.g. https://scim.example.com. */
export function tenantScimBaseUrl(origin: string, tenantId: string): string {
  return `${origin}${tenantScimPath(tenantId)}`;
}

/** The Fastify prefix of a tenant's OAuth 2.0 token endpoint (`…/token` beneath it), beside its SCIM API. */
export const TENANT_OAUTH_PREFIX = `/t/:${TENANT_PARAM}/oauth`;

/** `origin` is a public URL without trailing slash. */
export function tenantTokenEndpointUrl(origin: string, tenantId: string): string {
  return `${origin}${TENANT_OAUTH_PREFIX.replace(`:${TENANT_PARAM}`, encodeURIComponent(tenantId))}/token`;
}
