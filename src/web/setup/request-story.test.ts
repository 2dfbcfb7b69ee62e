import { describe, expect, it } from 'vitest';
import type { StoredRequestLogEntry } from '../../request-log/entry.js';
import { tellRequest } from './request-story.js';

function entry(overrides: Partial<StoredRequestLogEntry>): StoredRequestLogEntry {
  return {
    tenantId: 'acme',
    occurredAt: '2030-01-01T00:00:00.000Z',
    requestId: 'request-1',
    method: 'GET',
    path: '/t/acme/scim/v2/Users',
    query: null,
    status: 200,
    scimType: null,
    detail: null,
    authFailure: null,
    latencyMs: 3,
    clientAddress: null,
    userAgent: 'Okta SCIM Client 1.0.0',
    idp: 'Okta',
    resourceId: null,
    requestBody: null,
    responseBody: null,
    position: 1,
    ...overrides,
  };
}

describe('telling a logged request in plain language', () => {
  it('names the identity provider, what it did and that it worked', () => {
    expect(tellRequest(entry({ query: 'filter=userName%20eq%20%22a%40b.c%22&startIndex=1' }))).toEqual({ outcome: 'ok', summary: 'Okta looked up a user by userName: OK', explanation: undefined });
    expect(tellRequest(entry({ method: 'POST', status: 201 })).summary).toBe('Okta created a user: OK');
    expect(tellRequest(entry({ method: 'PATCH', path: '/scim/v2/Groups/42', idp: 'Entra ID' })).summary).toBe('Entra ID updated a group: OK');
    expect(tellRequest(entry({ path: '/t/acme/scim/v2/ServiceProviderConfig', idp: null })).summary).toBe("Your identity provider read the server's capabilities: OK");
  });

  it('explains a refused token by its reason, without the token', () => {
    const story = tellRequest(entry({ status: 401, authFailure: 'revoked', detail: 'Invalid token' }));
    expect(story.outcome).toBe('failed');
    expect(story.summary).toBe('Okta listed users: failed (401)');
    expect(story.explanation).toContain('revoked');
  });

  it("explains a SCIM error with the server's detail", () => {
    const story = tellRequest(entry({ status: 400, scimType: 'invalidFilter', detail: 'Expected an operator, found "eqq" at column 10', query: 'filter=userName%20eqq%20%22x%22' }));
    expect(story.summary).toBe('Okta looked up a user by userName: failed (400)');
    expect(story.explanation).toBe('Expected an operator, found "eqq" at column 10 (invalidFilter).');
    expect(tellRequest(entry({ method: 'POST', status: 409, scimType: 'uniqueness', detail: 'userName is taken' })).explanation).toContain('already exists');
  });
});
