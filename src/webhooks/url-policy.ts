/**
 * Which webhook URLs are accepted when saved. https only (event bodies carry
 * directory data), http when the operator allows it; no credentials in the
 * URL (it is shown in listings and logs); no literal address the delivery
 * guard would refuse anyway, so the mistake is reported now rather than as
 * failed deliveries. Host names are checked again, resolved, at delivery.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import { checkLiteralHost, type AddressPolicy } from './address-guard.js';

export interface UrlPolicy extends AddressPolicy {
  readonly allowHttp: boolean;
}

export const MAX_URL_LENGTH = 2048;

/** The URL in its normalised form; `400 invalidValue` saying what is wrong otherwise. */
export function checkWebhookUrl(policy: UrlPolicy, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw scimErrors.invalidValue('The webhook url must be an absolute https:// URL');
  if (value.length > MAX_URL_LENGTH) throw scimErrors.invalidValue(`The webhook url is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw scimErrors.invalidValue('The webhook url is not a valid absolute URL (e.g. https://app.example.com/scim-events)');
  }
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw scimErrors.invalidValue('The webhook url must use https (http:// is accepted only with SCIMITAR_WEBHOOK_ALLOW_HTTP=true)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw scimErrors.invalidValue(`The webhook url must use https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username !== '' || url.password !== '') throw scimErrors.invalidValue('The webhook url must not hold credentials; deliveries are authenticated by their signature');
  if (url.hash !== '') throw scimErrors.invalidValue('The webhook url must not have a fragment (#…)');
  if (url.hostname === '') throw scimErrors.invalidValue('The webhook url has no host');
  const refused = checkLiteralHost(policy, url.hostname);
  if (refused !== undefined) throw scimErrors.invalidValue(`The webhook url cannot be used: ${refused.message}`);
  return url.toString();
}
