import { describe, expect, it } from 'vitest';
import { redactUrlForLog } from './log-url.js';

describe('redactUrlForLog', () => {
  it.each([
    ['/scim/v2/Users', '/scim/v2/Users'],
    ['/scim/v2/Users?', '/scim/v2/Users'],
    ['/scim/v2/Users?filter=userName%20eq%20%22jane%40corp.com%22', '/scim/v2/Users?filter=[redacted]'],
    ['/scim/v2/Users?filter=userName+eq+"jane@corp.com"&startIndex=1&count=10', '/scim/v2/Users?filter=[redacted]&startIndex=1&count=10'],
    ['/scim/v2/Users?Filter=x&STARTINDEX=2&sortBy=name.familyName&sortOrder=descending', '/scim/v2/Users?Filter=[redacted]&STARTINDEX=2&sortBy=name.familyName&sortOrder=descending'],
    ['/scim/v2/Users?attributes=userName,emails&excludedAttributes=groups', '/scim/v2/Users?attributes=userName,emails&excludedAttributes=groups'],
    // A cursor encodes the last row's sort key (a userName, say).
    ['/scim/v2/Users?cursor=eyJ1c2VyTmFtZSI6ImphbmUifQ&count=2', '/scim/v2/Users?cursor=[redacted]&count=2'],
    ['/admin/v1/tenants/acme/events?after=42&limit=10&wait=30', '/admin/v1/tenants/acme/events?after=42&limit=10&wait=30'],
    ['/admin/v1/tenants/acme/users?filter=emails.value%20sw%20%22jane%22', '/admin/v1/tenants/acme/users?filter=[redacted]'],
    // An unknown parameter keeps its name, not its value; a name without a value is only a name.
    ['/scim/v2/Users?email=jane@corp.com&flag', '/scim/v2/Users?email=[redacted]&flag'],
    ['/scim/v2/Users?%73tartIndex=3&%zz=jane', '/scim/v2/Users?%73tartIndex=3&%zz=[redacted]'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrlForLog(url)).toBe(logged);
  });
});
