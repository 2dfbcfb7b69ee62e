/**
 * Requests explained in plain words, from the shapes identity providers
 * really send (test/interop fixtures: Okta's SPEC and CRUD tests, Entra ID's
 * tutorial and known issues, Google's probe, OneLogin's flow, JumpCloud's
 * test connection), and the failures an IT admin meets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExplainableRequest } from './explain.js';
import { explainRequest } from './explain.js';

const BASE = '/t/acme/scim/v2';

function entry(method: string, scimPath: string, status: number, more: Partial<ExplainableRequest> & { body?: unknown; response?: unknown } = {}): ExplainableRequest {
  const [pathname, query] = scimPath.split('?') as [string, string | undefined];
  const { body, response, ...rest } = more;
  return {
    method,
    path: `${BASE}${pathname}`,
    query: query ?? null,
    status,
    scimType: null,
    detail: null,
    authFailure: null,
    idp: 'Okta',
    requestBody: body === undefined ? null : JSON.stringify(body),
    responseBody: response === undefined ? null : JSON.stringify(response),
    ...rest,
  };
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const EMPTY_LIST = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };

describe('explaining requests that worked', () => {
  const cases: readonly (readonly [string, ExplainableRequest, string])[] = [
    [
      'Okta joiner: a userName lookup that finds nobody (okta/user-lifecycle.json)',
      entry('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100', 200, { response: EMPTY_LIST }),
      'Okta looked up a user by userName: OK (none found, so Okta will create it)',
    ],
    [
      'Okta SPEC test: the lookup that finds the user',
      entry('GET', '/Users?filter=userName%20eq%20%22rhiannon.spec%40example.com%22', 200, { response: { ...EMPTY_LIST, totalResults: 1 } }),
      'Okta looked up a user by userName: OK (found it, so Okta will update it rather than create it)',
    ],
    [
      'Entra ID creates a user (entra-id/user-operations.json)',
      entry('POST', '/Users', 201, { idp: 'Entra ID', body: { schemas: [USER_SCHEMA], externalId: 'jdoe', userName: 'jdoe@contoso.example', active: true } }),
      'Entra ID created user jdoe@contoso.example: OK',
    ],
    [
      'Okta deactivates with a value without path (okta/user-lifecycle.json)',
      entry('PATCH', '/Users/2819c223', 200, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } }),
      'Okta deactivated a user: OK',
    ],
    [
      'Entra ID disables with "Replace" and the boolean as a string (entra-id/known-issues-patch-shapes.json)',
      entry('PATCH', '/Users/2819c223', 200, { idp: 'Entra ID', body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] } }),
      'Entra ID deactivated a user: OK',
    ],
    [
      'Okta reactivates',
      entry('PATCH', '/Users/2819c223', 200, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] } }),
      'Okta reactivated a user: OK',
    ],
    [
      'Okta renames a pushed group, the id riding along (okta/group-push.json)',
      entry('PATCH', '/Groups/abf4dd94', 204, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: 'abf4dd94', displayName: 'Test SCIMv20' } }] } }),
      'Okta renamed a group to "Test SCIMv20": OK',
    ],
    [
      'Okta changes membership: a filtered remove and an add (okta/group-push.json)',
      entry('PATCH', '/Groups/abf4dd94', 204, {
        body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members[value eq "89bb1940"]' }, { op: 'add', path: 'members', value: [{ value: '19fc2a2c', display: 'second.user@okta.local' }] }] },
      }),
      'Okta changed the members of a group (1 added, 1 removed): OK',
    ],
    [
      'Entra ID adds a member (entra-id/group-operations.json)',
      entry('PATCH', '/Groups/abf4dd94', 204, { idp: 'Entra ID', body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: '2819c223' }] }] } }),
      'Entra ID added 1 member to a group: OK',
    ],
    [
      'JumpCloud removes members with a value array (jumpcloud/group-membership.json)',
      entry('PATCH', '/Groups/abf4dd94', 204, { idp: 'JumpCloud', body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members', value: [{ value: 'a' }, { value: 'b' }] }] } }),
      'JumpCloud removed 2 members from a group: OK',
    ],
    [
      'Okta pushes a full profile with PUT',
      entry('PUT', '/Users/2819c223', 200, { body: { schemas: [USER_SCHEMA], id: '2819c223', userName: 'test.user@okta.local', active: true } }),
      'Okta replaced user test.user@okta.local with a full update: OK',
    ],
    [
      'an update of other attributes names them',
      entry('PATCH', '/Users/2819c223', 200, { idp: 'Entra ID', body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Lead' }, { op: 'Add', path: 'emails[type eq "work"].value', value: 'x@y' }] } }),
      'Entra ID updated title, emails of a user: OK',
    ],
    ['JumpCloud deletes its test user (jumpcloud/test-connection.json)', entry('DELETE', '/Users/2819c223', 204, { idp: 'JumpCloud' }), 'JumpCloud deleted a user: OK'],
    [
      'Google Workspace checks the connection by listing users (google-workspace/connection-probe.json)',
      entry('GET', '/Users?count=1', 200, { idp: 'Google Workspace', response: { ...EMPTY_LIST, totalResults: 12 } }),
      'Google Workspace listed users: OK (12 users in all)',
    ],
    ['Entra ID reads the schemas when the configuration is saved', entry('GET', '/Schemas', 200, { idp: 'Entra ID' }), "Entra ID read this server's schemas: OK"],
    [
      'an unknown client searching with a compound filter (entra-id/manager.json)',
      entry('GET', '/Users?filter=id+eq+%22a%22+and+manager+eq+%22b%22&attributes=id', 200, { idp: null, response: EMPTY_LIST }),
      'The identity provider searched users with a filter: OK (0 users in all)',
    ],
    ['a group read on the tenant-less root', { ...entry('GET', '/Groups/abf4dd94', 200), path: '/scim/v2/Groups/abf4dd94' }, 'Okta read a group: OK'],
    [
      'a bulk request counts its operations',
      entry('POST', '/Bulk', 200, { idp: null, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{}, {}, {}] } }),
      'The identity provider sent a bulk request of 3 operations: OK',
    ],
  ];

  for (const [title, request, sentence] of cases) {
    it(title, () => {
      const explanation = explainRequest(request);
      expect(explanation.sentence).toBe(sentence);
      expect(explanation).toMatchObject({ outcome: 'ok', meaning: undefined, fix: undefined });
    });
  }

  it('does without a body the log cut or never kept', () => {
    expect(explainRequest({ ...entry('POST', '/Users', 201), requestBody: '{"userName":"ada@exa…[truncated]' }).sentence).toBe('Okta created a user: OK');
    expect(explainRequest(entry('GET', '/Users?filter=%5Bredacted%5D', 200)).sentence).toBe('Okta searched users with a filter: OK');
  });
});

describe('explaining refused requests: what it means and the likely fix', () => {
  it('401 with an unknown or revoked token: generate a new one and paste it into the field the IdP names', () => {
    for (const authFailure of ['unknown', 'revoked'] as const) {
      const okta = explainRequest(entry('GET', '/Users?count=1&startIndex=1', 401, { authFailure, detail: 'Missing or invalid bearer token' }));
      expect(okta).toMatchObject({ outcome: 'failed', sentence: 'Okta tried to list users: failed (401)' });
      expect(okta.meaning).toMatch(/^The token is unknown or revoked/);
      expect(okta.fix).toBe("Generate a new token on the setup page and paste it into Okta's Authorization field.");
    }
    expect(explainRequest(entry('GET', '/Users', 401, { idp: 'Entra ID', authFailure: 'unknown' })).fix).toBe("Generate a new token on the setup page and paste it into Entra ID's Secret Token field.");
    expect(explainRequest(entry('GET', '/Users', 401, { idp: 'JumpCloud', authFailure: 'unknown' })).fix).toContain("JumpCloud's Token Key field");
    expect(explainRequest(entry('GET', '/Users', 401, { idp: null, authFailure: 'unknown' })).fix).toBe("Generate a new token on the setup page and paste it into the identity provider's token field.");
  });

  it('401 without a token, with an expired one, and one of another directory', () => {
    expect(explainRequest(entry('GET', '/Users', 401, { idp: 'OneLogin', authFailure: 'missing' }))).toMatchObject({ meaning: 'OneLogin sent no token.', fix: expect.stringContaining("OneLogin's SCIM Bearer Token field") });
    expect(explainRequest(entry('GET', '/Users', 401, { authFailure: 'expired' })).meaning).toBe('The token has expired.');
    expect(explainRequest(entry('GET', '/Users', 401, { idp: 'Entra ID', authFailure: 'wrong_tenant' })).fix).toContain("Entra ID's Tenant URL field");
  });

  it('409 uniqueness on create: the user exists already (okta/spec-test.json)', () => {
    const explained = explainRequest(
      entry('POST', '/Users', 409, { scimType: 'uniqueness', detail: 'userName "Rhiannon.Spec@example.com" is already taken', body: { schemas: [USER_SCHEMA], userName: 'Rhiannon.Spec@example.com' } }),
    );
    expect(explained.sentence).toBe('Okta tried to create user Rhiannon.Spec@example.com: failed (409 uniqueness)');
    expect(explained.meaning).toBe(
      'A user with the same unique value (such as userName, in any letter case) already exists in this directory. The server said: userName "Rhiannon.Spec@example.com" is already taken',
    );
    expect(explained.fix).toMatch(/^Okta usually matches the existing user next/);
  });

  it('400 invalidFilter: the matching attribute', () => {
    const explained = explainRequest(entry('GET', '/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22a%40b%22', 400, { idp: 'Entra ID', scimType: 'invalidFilter', detail: 'Expected end of filter, found "." at column 27' }));
    expect(explained).toMatchObject({ outcome: 'failed', result: 'failed (400 invalidFilter)' });
    expect(explained.fix).toBe("Check the matching attribute in Entra ID's attribute mappings: match users on userName or externalId.");
  });

  it('404 on reading a user just deleted, or the test connection’s unknown id, is expected', () => {
    const explained = explainRequest(entry('GET', '/Users/00919288221112222', 404, { detail: 'User "00919288221112222" not found' }));
    expect(explained).toMatchObject({ outcome: 'expected', sentence: 'Okta tried to read a user: not found (404)', fix: undefined });
    expect(explained.meaning).toMatch(/^No such user in this directory: it was deleted, or never created here\. Okta checks this after deleting a user/);
  });

  it('404 on a change, and on a path that is no SCIM endpoint', () => {
    expect(explainRequest(entry('PATCH', '/Users/gone', 404, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } }))).toMatchObject({
      outcome: 'failed',
      sentence: 'Okta tried to deactivate a user: failed (404)',
    });
    const wrongUrl = explainRequest({ ...entry('GET', '/Users', 404), path: '/scim/users' });
    expect(wrongUrl.meaning).toMatch(/^There is no SCIM endpoint at this address/);
    expect(wrongUrl.fix).toContain("Okta's SCIM connector base URL field exactly");
  });

  it('429, 413, 412 and 5xx', () => {
    expect(explainRequest(entry('GET', '/Users', 429, { idp: 'Entra ID' })).fix).toMatch(/^Nothing to do: Entra ID retries/);
    expect(explainRequest(entry('GET', '/Users', 429, { authFailure: 'throttled' })).meaning).toMatch(/wrong token/);
    expect(explainRequest(entry('POST', '/Bulk', 413, { idp: null })).fix).toMatch(/^Send smaller batches/);
    expect(explainRequest(entry('PUT', '/Users/x', 412)).outcome).toBe('expected');
    expect(explainRequest(entry('POST', '/Users', 503)).meaning).toMatch(/database was unreachable/);
    expect(explainRequest(entry('POST', '/Users', 500)).fix).toMatch(/^Okta retries on its own/);
  });

  it('gives every refused status a meaning and a sentence', () => {
    for (const status of [400, 401, 403, 404, 405, 409, 412, 413, 415, 429, 431, 500, 501, 503]) {
      const explained = explainRequest(entry('POST', '/Users', status));
      expect(explained.outcome === 'failed' || explained.outcome === 'expected', String(status)).toBe(true);
      expect(explained.meaning, String(status)).toMatch(/\S/);
      expect(explained.sentence, String(status)).toContain(String(status));
    }
  });
});

describe('every request of the identity providers’ replayed sequences', () => {
  const interop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/interop');
  const providers: Readonly<Record<string, string | null>> = { okta: 'Okta', 'entra-id': 'Entra ID', 'google-workspace': 'Google Workspace', onelogin: 'OneLogin', jumpcloud: 'JumpCloud' };

  it('is named by what it does, never as a bare method and path', () => {
    let explained = 0;
    for (const [directory, idp] of Object.entries(providers)) {
      for (const file of readdirSync(path.join(interop, directory)).filter((name) => name.endsWith('.json'))) {
        const fixture = JSON.parse(readFileSync(path.join(interop, directory, file), 'utf8')) as { steps?: { request: { method: string; path: string; body?: unknown }; expect?: { status?: number } }[] };
        for (const step of fixture.steps ?? []) {
          const status = step.expect?.status ?? 200;
          const body = step.request.body;
          const request = entry(step.request.method, step.request.path, status, { idp, ...(body === undefined ? {} : { requestBody: typeof body === 'string' ? body : JSON.stringify(body) }) });
          const explanation = explainRequest(request);
          const label = `${directory}/${file}: ${step.request.method} ${step.request.path}`;
          expect(explanation.sentence, label).not.toMatch(/\bsen[dt] (GET|POST|PUT|PATCH|DELETE) /);
          expect(explanation.sentence.startsWith(`${idp} `), label).toBe(true);
          if (status < 400) expect(explanation.outcome, label).toBe('ok');
          explained += 1;
        }
      }
    }
    expect(explained).toBeGreaterThan(100);
  });
});
