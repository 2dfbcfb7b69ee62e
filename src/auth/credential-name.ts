import { scimErrors } from '../core/errors/scim-error.js';

/** Names of tokens, admin keys and OAuth clients are labels shown in listings: short, printable. */
export function assertCredentialName(name: string, what: 'token' | 'admin key' | 'OAuth client'): void {
  if (name.trim().length === 0 || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw scimErrors.invalidValue(`A ${what} name must be 1 to 200 characters without control characters`);
  }
}
