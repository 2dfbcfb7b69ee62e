/**
 * `meta.location` of a discovery resource. RFC 7643 §3.1 calls location
 * "the URI of the resource being returned", so it is built from an absolute
 * base URL; a relative one is a configuration mistake of the caller.
 */
export function discoveryLocation(baseUrl: string, ...segments: readonly string[]): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(baseUrl)) {
    throw new TypeError(`baseUrl must be an absolute URL, got ${JSON.stringify(baseUrl)}`);
  }
  return [baseUrl.replace(/\/+$/, ''), ...segments].join('/');
}
