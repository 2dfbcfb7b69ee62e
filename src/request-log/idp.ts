/**
 * Which identity provider sent a request, read from its User-Agent: what a
 * support engineer filters the log by ("show me what Okta sent"). Only a
 * label for people; nothing is decided by it.
 */

/** First match wins; patterns are tested against the whole User-Agent, case-insensitively. */
const IDENTITY_PROVIDERS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'Okta', pattern: /\bokta\b/i },
  // Entra ID (formerly Azure AD) provisioning names itself after Microsoft's identity services.
  { name: 'Entra ID', pattern: /microsoft|azure|\baad\b|entra/i },
  { name: 'Google Workspace', pattern: /google/i },
  { name: 'OneLogin', pattern: /onelogin/i },
  { name: 'JumpCloud', pattern: /jumpcloud/i },
  { name: 'Ping Identity', pattern: /ping ?(identity|one|federate)/i },
  { name: 'Rippling', pattern: /rippling/i },
  { name: 'SailPoint', pattern: /sailpoint/i },
  { name: 'CyberArk', pattern: /cyberark|idaptive/i },
  { name: 'Auth0', pattern: /auth0/i },
];

export function identityProviderOf(userAgent: string | undefined): string | null {
  if (userAgent === undefined || userAgent === '') return null;
  return IDENTITY_PROVIDERS.find((provider) => provider.pattern.test(userAgent))?.name ?? null;
}
