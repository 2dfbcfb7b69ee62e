/**
 * A corpus of malformed and hostile requests. Every one must be answered
 * with a 4xx SCIM error (valid envelope, `status` the HTTP code as a
 * string, no internals) and none may change the directory: the database is
 * snapshotted through the API and row by row before, and compared after.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, SCIM_JSON, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import {
  ENTERPRISE_SCHEMA,
  ERROR_SCHEMA,
  expectNoInternals,
  expectStatus,
  GROUP_SCHEMA,
  type Json,
  PATCH_OP_SCHEMA,
  SEARCH_REQUEST_SCHEMA,
  USER_SCHEMA,
} from '../http/support.js';

interface HostileRequest {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** `{alpha}`, `{beta}`, `{group}` and `{outer}` are replaced by the seeded ids. */
  readonly url: string;
  readonly body?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send no Authorization header at all. */
  readonly anonymous?: boolean;
  /** The exact status when RFC 7644 (or HTTP) fixes it; otherwise any 4xx. */
  readonly status?: number;
  readonly scimType?: string;
}

const U = USER_SCHEMA;
const text = (value: unknown): string => JSON.stringify(value);
const user = (userName: string, extra: Json = {}): string => text({ schemas: [U], userName, ...extra });
const patch = (...operations: unknown[]): string => text({ schemas: [PATCH_OP_SCHEMA], Operations: operations });
const deepArray = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const filterUrl = (filter: string, endpoint = '/Users'): string => `/scim/v2${endpoint}?filter=${encodeURIComponent(filter)}`;
const MB10 = 'x'.repeat(10 * 1024 * 1024);

function postUser(name: string, body: string, expected: Partial<Pick<HostileRequest, 'status' | 'scimType'>> = {}): HostileRequest {
  return { name, method: 'POST', url: '/scim/v2/Users', body, ...expected };
}
function patchAlpha(name: string, body: string, expected: Partial<Pick<HostileRequest, 'status' | 'scimType'>> = {}): HostileRequest {
  return { name, method: 'PATCH', url: '/scim/v2/Users/{alpha}', body, ...expected };
}
function badFilter(name: string, filter: string, expected: Partial<Pick<HostileRequest, 'status' | 'scimType'>> = { status: 400, scimType: 'invalidFilter' }): HostileRequest {
  return { name, method: 'GET', url: filterUrl(filter), ...expected };
}

const invalidSyntax = { status: 400, scimType: 'invalidSyntax' } as const;
const invalidValue = { status: 400, scimType: 'invalidValue' } as const;
const invalidPath = { status: 400, scimType: 'invalidPath' } as const;
const mutability = { status: 400, scimType: 'mutability' } as const;

const corpus: readonly HostileRequest[] = [
  // ── Bad JSON ────────────────────────────────────────────────────────────
  postUser('truncated JSON', `{"schemas":["${U}"],"userName":"trunc`, invalidSyntax),
  postUser('trailing comma in an object', `{"schemas":["${U}"],"userName":"trailing-object",}`, invalidSyntax),
  postUser('trailing comma in an array', `{"schemas":["${U}",],"userName":"trailing-array"}`, invalidSyntax),
  postUser('NaN literal', `{"schemas":["${U}"],"userName":"nan","active":NaN}`, invalidSyntax),
  postUser('Infinity literal', `{"schemas":["${U}"],"userName":"inf","x509Certificates":Infinity}`, invalidSyntax),
  postUser('single-quoted JSON', `{'schemas':['${U}'],'userName':'single'}`, invalidSyntax),
  postUser('JSON with a comment', `// create\n{"schemas":["${U}"],"userName":"commented"}`, invalidSyntax),
  postUser('unquoted keys', `{schemas:["${U}"],userName:"unquoted"}`, invalidSyntax),
  postUser('two JSON documents', `${user('first-doc')}${user('second-doc')}`, invalidSyntax),
  postUser('a raw control character in a string', `{"schemas":["${U}"],"userName":"ctl\u0001char"}`, invalidSyntax),
  postUser('the JSON null body', 'null', invalidSyntax),
  postUser('a JSON string body', '"bjensen"', invalidSyntax),
  postUser('a JSON number body', '42', invalidSyntax),
  postUser('a JSON array body', `[${user('in-array')}]`, invalidSyntax),
  postUser('a whitespace-only body', '   \n\t  ', invalidSyntax),
  postUser('userName twice in different case', `{"schemas":["${U}"],"userName":"dup-a","USERNAME":"dup-b"}`, invalidSyntax),
  postUser('__proto__ pollution at the top', `{"schemas":["${U}"],"userName":"proto-top","__proto__":{"isAdmin":true}}`, invalidSyntax),
  postUser('__proto__ pollution in name', `{"schemas":["${U}"],"userName":"proto-name","name":{"__proto__":{"isAdmin":true}}}`, invalidSyntax),
  postUser('__proto__ pollution inside emails', `{"schemas":["${U}"],"userName":"proto-emails","emails":[{"value":"a@example.com","__proto__":{"x":1}}]}`, invalidSyntax),
  postUser('__proto__ spelled with unicode escapes', `{"schemas":["${U}"],"userName":"proto-escaped","\\u005f_proto__":{"isAdmin":true}}`, invalidSyntax),
  postUser('constructor.prototype pollution', `{"schemas":["${U}"],"userName":"ctor","constructor":{"prototype":{"isAdmin":true}}}`, invalidSyntax),
  patchAlpha('__proto__ pollution in a PATCH value', `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[{"op":"add","value":{"__proto__":{"isAdmin":true}}}]}`, invalidSyntax),
  {
    name: 'constructor.prototype pollution in a search body',
    method: 'POST',
    url: '/scim/v2/Users/.search',
    body: `{"filter":"userName pr","constructor":{"prototype":{"polluted":true}}}`,
    ...invalidSyntax,
  },
  postUser('arrays nested 100,000 deep as the body', deepArray(100_000), invalidSyntax),
  postUser('objects nested 100,000 deep as the body', deepObject(100_000)),
  postUser('arrays nested 100,000 deep in emails', `{"schemas":["${U}"],"userName":"deep-emails","emails":${deepArray(100_000)}}`),
  postUser('arrays nested 100,000 deep in name.givenName', `{"schemas":["${U}"],"userName":"deep-given","name":{"givenName":${deepArray(100_000)}}}`),
  postUser('objects nested 100,000 deep in emails[0].value', `{"schemas":["${U}"],"userName":"deep-value","emails":[{"value":${deepObject(100_000)}}]}`),
  postUser('objects nested 100,000 deep in the Enterprise extension', `{"schemas":["${U}"],"userName":"deep-ext","${ENTERPRISE_SCHEMA}":{"manager":${deepObject(100_000)}}}`),
  {
    name: 'arrays nested 100,000 deep as a search count',
    method: 'POST',
    url: '/scim/v2/Users/.search',
    body: `{"schemas":["${SEARCH_REQUEST_SCHEMA}"],"count":${deepArray(100_000)}}`,
    status: 400,
  },
  {
    name: 'objects nested 100,000 deep as a search startIndex',
    method: 'POST',
    url: '/scim/v2/Users/.search',
    body: `{"schemas":["${SEARCH_REQUEST_SCHEMA}"],"startIndex":${deepObject(100_000)}}`,
    status: 400,
  },
  {
    name: 'arrays nested 100,000 deep as a root search filter',
    method: 'POST',
    url: '/scim/v2/.search',
    body: `{"schemas":["${SEARCH_REQUEST_SCHEMA}"],"filter":${deepArray(100_000)}}`,
    status: 400,
  },
  patchAlpha('objects nested 100,000 deep as a PATCH value', `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[{"op":"add","path":"emails","value":[${deepObject(100_000)}]}]}`),
  patchAlpha('arrays nested 100,000 deep as PATCH Operations', `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":${deepArray(100_000)}}`),
  {
    name: 'arrays nested 100,000 deep as group members',
    method: 'PATCH',
    url: '/scim/v2/Groups/{group}',
    body: `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[{"op":"add","path":"members","value":${deepArray(100_000)}}]}`,
  },
  postUser('a 10 MB userName', user(MB10), { status: 413 }),
  postUser('a 10 MB body of whitespace', ' '.repeat(10 * 1024 * 1024), { status: 413 }),
  {
    name: 'invalid UTF-8 in a body without schemas',
    method: 'POST',
    url: '/scim/v2/Users',
    body: Buffer.concat([Buffer.from('{"userName":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    ...invalidSyntax,
  },

  // ── Wrong types for every User attribute kind ───────────────────────────
  postUser('userName as a number', user('x', { userName: 42 }), invalidValue),
  postUser('userName as a boolean', user('x', { userName: true }), invalidValue),
  postUser('userName as an object', user('x', { userName: { value: 'obj' } }), invalidValue),
  postUser('userName as an array', user('x', { userName: ['arr'] }), invalidValue),
  postUser('userName null', user('x', { userName: null }), invalidValue),
  postUser('name as a string', user('name-string', { name: 'Barbara Jensen' }), invalidValue),
  postUser('name as an array', user('name-array', { name: [{ givenName: 'Barbara' }] }), invalidValue),
  postUser('name.givenName as a number', user('given-number', { name: { givenName: 5 } }), invalidValue),
  postUser('name.familyName as an object', user('family-object', { name: { familyName: { text: 'Jensen' } } }), invalidValue),
  postUser('displayName as a number', user('display-number', { displayName: 12 }), invalidValue),
  postUser('displayName as an array of strings', user('display-array', { displayName: ['a', 'b'] }), invalidValue),
  postUser('active as "yes"', user('active-yes', { active: 'yes' }), invalidValue),
  postUser('active as 1', user('active-one', { active: 1 }), invalidValue),
  postUser('active as an object', user('active-object', { active: { value: true } }), invalidValue),
  postUser('emails as a bare string', user('emails-string', { emails: 'a@example.com' }), invalidValue),
  postUser('emails[0].value as a number', user('email-number', { emails: [{ value: 5 }] }), invalidValue),
  postUser('emails[0].primary as "maybe"', user('email-primary', { emails: [{ value: 'a@example.com', primary: 'maybe' }] }), invalidValue),
  postUser('emails as nested arrays', user('email-nested', { emails: [[{ value: 'a@example.com' }]] }), invalidValue),
  postUser('two primary emails', user('two-primaries', { emails: [{ value: 'a@example.com', primary: true }, { value: 'b@example.com', primary: true }] }), invalidValue),
  postUser('an unknown email sub-attribute', user('email-unknown', { emails: [{ value: 'a@example.com', verified: true }] }), invalidSyntax),
  postUser('phoneNumbers[0].value as a boolean', user('phone-bool', { phoneNumbers: [{ value: false }] }), invalidValue),
  postUser('addresses as a string', user('address-string', { addresses: '1 Main St' }), invalidValue),
  postUser('addresses[0].postalCode as a number', user('postal-number', { addresses: [{ postalCode: 12345 }] }), invalidValue),
  postUser('x509Certificates value that is not base64', user('cert-bad', { x509Certificates: [{ value: 'not base64!!' }] }), invalidValue),
  postUser('profileUrl as a number', user('profile-number', { profileUrl: 42 }), invalidValue),
  postUser('photos[0].value as an object', user('photo-object', { photos: [{ value: {} }] }), invalidValue),
  postUser('roles[0].value as an array', user('role-array', { roles: [{ value: ['admin'] }] }), invalidValue),
  postUser('password as a number', user('password-number', { password: 12345 }), invalidValue),
  postUser('password as an object', user('password-object', { password: { clear: 'secret' } }), invalidValue),
  postUser('externalId as a number', user('external-number', { externalId: 99 }), invalidValue),
  postUser('timezone as a number', user('tz-number', { timezone: 5 }), invalidValue),
  postUser('locale as a boolean', user('locale-bool', { locale: true }), invalidValue),
  postUser('the Enterprise extension as a string', user('ext-string', { [ENTERPRISE_SCHEMA]: 'Sales' }), invalidValue),
  postUser('employeeNumber as a number', user('employee-number', { [ENTERPRISE_SCHEMA]: { employeeNumber: 7 } }), invalidValue),
  postUser('manager as an array', user('manager-array', { [ENTERPRISE_SCHEMA]: { manager: [{ value: 'x' }] } }), invalidValue),
  postUser('manager.value as a number', user('manager-number', { [ENTERPRISE_SCHEMA]: { manager: { value: 9 } } }), invalidValue),
  postUser('an unknown Enterprise attribute', user('ext-unknown', { [ENTERPRISE_SCHEMA]: { badge: 'x' } }), invalidSyntax),

  // ── Unknown schemas and extension URNs, missing schemas ─────────────────
  postUser('no schemas', text({ userName: 'no-schemas' }), invalidSyntax),
  postUser('schemas as a string', text({ schemas: U, userName: 'schemas-string' }), invalidSyntax),
  postUser('schemas empty', text({ schemas: [], userName: 'schemas-empty' }), invalidSyntax),
  postUser('schemas with a number', text({ schemas: [42], userName: 'schemas-number' }), invalidSyntax),
  postUser('only an unknown schema', text({ schemas: ['urn:example:unknown:2.0:Thing'], userName: 'schemas-unknown' }), invalidSyntax),
  postUser('the Group schema on /Users', text({ schemas: [GROUP_SCHEMA], userName: 'schemas-group' }), invalidSyntax),
  // An extension nobody declared is kept (src/core/resource/undeclared-extensions.ts), within limits and outside the reserved namespaces.
  postUser('data under the reserved core namespace', user('ext-core-urn', { 'urn:ietf:params:scim:schemas:core:2.0:Thing': { level: 3 } }), invalidSyntax),
  postUser('an undeclared extension nested too deep', user('ext-deep', { 'urn:example:unknown:2.0:User': { a: { b: { c: { d: { e: [1] } } } } } }), invalidValue),
  postUser('an undeclared extension over its size limit', user('ext-big', { 'urn:example:unknown:2.0:User': { note: 'n'.repeat(40_000) } }), invalidValue),
  postUser('an undeclared extension with a key that is no attribute name', user('ext-key', { 'urn:example:unknown:2.0:User': { 'not a name': 1 } }), invalidValue),
  postUser('an undeclared extension holding U+0000', user('ext-nul', { 'urn:example:unknown:2.0:User': { note: 'a\u0000b' } }), invalidValue),
  postUser('an unknown URN-qualified attribute', user('urn-unknown-attr', { [`${U}:shoeSize`]: '9' }), invalidSyntax),
  postUser('an unknown attribute', user('unknown-attr', { shoeSize: 9 }), invalidSyntax),

  // ── Huge values ──────────────────────────────────────────────────────────
  postUser('a 70,000-character userName', user('u'.repeat(70_000)), invalidValue),
  postUser('a displayName one over 64 KiB', user('long-display', { displayName: 'd'.repeat(64 * 1024 + 1) }), invalidValue),
  postUser('20,000 emails', user('many-emails', { emails: Array.from({ length: 20_000 }, (_, i) => ({ value: `e${i}@x.io` })) }), invalidValue),
  postUser('10,001 identical roles', user('many-roles', { roles: Array.from({ length: 10_001 }, () => ({ value: 'r' })) }), invalidValue),
  {
    name: '100,001 members in a new group',
    method: 'POST',
    url: '/scim/v2/Groups',
    body: text({ schemas: [GROUP_SCHEMA], displayName: 'Huge', members: Array.from({ length: 100_001 }, (_, i) => ({ value: `${i}` })) }),
  },
  { name: 'group members as a string', method: 'POST', url: '/scim/v2/Groups', body: text({ schemas: [GROUP_SCHEMA], displayName: 'G1', members: '{alpha}' }), ...invalidValue },
  { name: 'a group member value as an object', method: 'POST', url: '/scim/v2/Groups', body: text({ schemas: [GROUP_SCHEMA], displayName: 'G2', members: [{ value: { id: '{alpha}' } }] }), ...invalidValue },
  { name: 'a group member of type Robot', method: 'POST', url: '/scim/v2/Groups', body: text({ schemas: [GROUP_SCHEMA], displayName: 'G3', members: [{ value: '{alpha}', type: 'Robot' }] }), ...invalidValue },
  { name: 'a group displayName as an array', method: 'POST', url: '/scim/v2/Groups', body: text({ schemas: [GROUP_SCHEMA], displayName: ['G4'] }), ...invalidValue },
  { name: 'a group PUT naming an unknown member', method: 'PUT', url: '/scim/v2/Groups/{group}', body: text({ schemas: [GROUP_SCHEMA], displayName: 'Renamed', members: [{ value: 'ghost' }] }), ...invalidValue },
  { name: 'a group PUT listing itself', method: 'PUT', url: '/scim/v2/Groups/{group}', body: text({ schemas: [GROUP_SCHEMA], displayName: 'Renamed', members: [{ value: '{group}' }] }), ...invalidValue },
  { name: 'a group PUT with a User id typed as Group', method: 'PUT', url: '/scim/v2/Groups/{outer}', body: text({ schemas: [GROUP_SCHEMA], displayName: 'Renamed', members: [{ value: '{beta}', type: 'Group' }] }), ...invalidValue },
  { name: 'a User PUT onto another userName', method: 'PUT', url: '/scim/v2/Users/{beta}', body: user('ALPHA'), status: 409, scimType: 'uniqueness' },
  patchAlpha('1,001 PATCH operations', patch(...Array.from({ length: 1001 }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` })))),

  // ── Filter injection and malformed filters ──────────────────────────────
  badFilter("a bare ' OR 1=1 --", "' OR 1=1 --"),
  badFilter('a closed string then OR 1=1', 'userName eq "" OR 1=1 --'),
  badFilter('a DROP TABLE after a closed string', 'userName eq "x"); DROP TABLE users; --'),
  badFilter('a statement separator', 'userName eq "x"; DELETE FROM users'),
  badFilter('a bare %', '%'),
  badFilter('a bare _', '_'),
  badFilter('a bare backslash', '\\'),
  badFilter('a backslash escape that is not JSON', 'userName eq "\\q"'),
  badFilter('a NUL byte between tokens', 'userName\u0000eq "x"'),
  badFilter('a NUL byte after the filter', 'userName eq "x"\u0000'),
  badFilter('an unbalanced (', '((userName eq "x")'),
  badFilter('an unbalanced )', 'userName eq "x"))'),
  badFilter('an unclosed [', 'emails[type eq "work"'),
  badFilter('a stray ]', 'emails] eq "x"'),
  badFilter('10,000-deep parentheses', `${'('.repeat(10_000)}userName eq "x"${')'.repeat(10_000)}`),
  badFilter('10,000 opening parentheses', '('.repeat(10_000)),
  badFilter('the unknown operator like', 'userName like "x%"'),
  badFilter('the unknown operator ==', 'userName == "x"'),
  badFilter('the unknown operator regex', 'userName regex ".*"'),
  badFilter('a 100 KB filter', `userName eq "${'a'.repeat(100 * 1024)}"`),
  badFilter('a 100 KB chain of or', Array.from({ length: 9000 }, () => 'title pr').join(' or ')),
  badFilter('not without parentheses', 'not userName eq "x"'),
  badFilter('a dangling and', 'userName eq "x" and'),
  badFilter('pr with a value', 'userName pr "x"'),
  badFilter('a filter on a sub-attribute of a simple attribute', 'userName.value eq "x"'),
  badFilter('nested value filters', 'emails[type eq "work" and emails[value eq "x"]]'),
  badFilter('an unknown attribute in a filter', 'password eq "secret" or shoeSize eq "9"'),
  badFilter('an unknown schema URN', 'urn:evil:schema:User:userName eq "x"'),
  badFilter('gt on a boolean', 'active gt false'),
  { name: 'a filter given twice', method: 'GET', url: '/scim/v2/Users?filter=userName%20pr&filter=title%20pr', status: 400 },
  {
    name: 'a filter injection through POST /.search',
    method: 'POST',
    url: '/scim/v2/.search',
    body: text({ schemas: [SEARCH_REQUEST_SCHEMA], filter: '"); DROP TABLE groups; --' }),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'a filter injection through POST /Groups/.search',
    method: 'POST',
    url: '/scim/v2/Groups/.search',
    body: text({ filter: "displayName eq 'x' OR 1=1" }),
    status: 400,
    scimType: 'invalidFilter',
  },

  // ── Bad PATCH documents ──────────────────────────────────────────────────
  patchAlpha('a PATCH without Operations', text({ schemas: [PATCH_OP_SCHEMA] }), invalidSyntax),
  patchAlpha('a PATCH without schemas', text({ Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), invalidSyntax),
  patchAlpha('a PATCH with the User schema', text({ schemas: [U], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), invalidSyntax),
  patchAlpha('Operations as an object', text({ schemas: [PATCH_OP_SCHEMA], Operations: { op: 'replace', path: 'title', value: 'x' } }), invalidSyntax),
  patchAlpha('an empty Operations array', patch(), { status: 400 }),
  patchAlpha('a null operation', patch(null), { status: 400 }),
  patchAlpha('a string operation', patch('replace'), { status: 400 }),
  patchAlpha('an unknown op', patch({ op: 'frobnicate', path: 'title', value: 'x' }), { status: 400 }),
  patchAlpha('a missing op', patch({ path: 'title', value: 'x' }), { status: 400 }),
  patchAlpha('op as a number', patch({ op: 42, path: 'title', value: 'x' }), { status: 400 }),
  patchAlpha('path as a number', patch({ op: 'replace', path: 42, value: 'x' }), { status: 400 }),
  patchAlpha('an unclosed path filter', patch({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }), invalidPath),
  patchAlpha('a sub-attribute of a simple attribute', patch({ op: 'replace', path: 'userName.first', value: 'x' }), invalidPath),
  patchAlpha('an unknown path attribute', patch({ op: 'add', path: 'shoeSize', value: '9' }), invalidPath),
  patchAlpha('an SQL-looking path', patch({ op: 'replace', path: "userName'; DROP TABLE users; --", value: 'x' }), invalidPath),
  patchAlpha('a replace of id', patch({ op: 'replace', path: 'id', value: 'stolen' }), mutability),
  patchAlpha('a replace of meta.lastModified', patch({ op: 'replace', path: 'meta.lastModified', value: '2000-01-01T00:00:00Z' }), mutability),
  patchAlpha('an add to groups', patch({ op: 'add', path: 'groups', value: [{ value: '{group}' }] }), mutability),
  patchAlpha('a remove without path', patch({ op: 'remove' }), { status: 400, scimType: 'noTarget' }),
  patchAlpha('a replace whose filter matches nothing and names no new element', patch({ op: 'replace', path: 'emails[type co "pag"].value', value: 'x@example.com' }), {
    status: 400,
    scimType: 'noTarget',
  }),
  patchAlpha('a wrongly typed active', patch({ op: 'replace', path: 'active', value: 'maybe' }), invalidValue),
  patchAlpha('a valid operation followed by an invalid one', patch({ op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'active', value: [] }), invalidValue),
  patchAlpha('a remove of the required userName', patch({ op: 'remove', path: 'userName' }), { status: 400 }),
  patchAlpha('a rename onto another userName', patch({ op: 'replace', path: 'userName', value: 'BETA' }), { status: 409, scimType: 'uniqueness' }),
  patchAlpha('a PATCH body that is an array', text([{ op: 'replace', path: 'title', value: 'x' }]), invalidSyntax),
  {
    name: 'a member add naming an unknown id',
    method: 'PATCH',
    url: '/scim/v2/Groups/{group}',
    body: patch({ op: 'add', path: 'members', value: [{ value: '{beta}' }, { value: 'no-such-id' }] }),
    ...invalidValue,
  },
  {
    name: 'a group added to itself',
    method: 'PATCH',
    url: '/scim/v2/Groups/{group}',
    body: patch({ op: 'add', path: 'members', value: [{ value: '{group}' }] }),
    ...invalidValue,
  },
  {
    name: 'a member add with a SQL injection id',
    method: 'PATCH',
    url: '/scim/v2/Groups/{group}',
    body: patch({ op: 'add', path: 'members', value: [{ value: "x' OR '1'='1" }] }),
    ...invalidValue,
  },

  // ── Bad ids in URLs ──────────────────────────────────────────────────────
  { name: 'GET /Users/%00', method: 'GET', url: '/scim/v2/Users/%00', status: 404 },
  { name: 'GET /Users/..%2F..', method: 'GET', url: '/scim/v2/Users/..%2F..', status: 404 },
  { name: 'GET /Users/..%2F..%2FGroups', method: 'GET', url: '/scim/v2/Users/..%2F..%2FGroups', status: 404 },
  { name: 'GET /Users/%2e%2e', method: 'GET', url: '/scim/v2/Users/%2e%2e', status: 404 },
  // 404 or 414 URI Too Long: either way a SCIM error.
  { name: 'GET a 10 KB id', method: 'GET', url: `/scim/v2/Users/${'a'.repeat(10 * 1024)}` },
  { name: 'PUT a 10 KB id', method: 'PUT', url: `/scim/v2/Users/${'b'.repeat(10 * 1024)}`, body: user('ten-kb-id') },
  { name: 'DELETE a 10 KB id', method: 'DELETE', url: `/scim/v2/Groups/${'c'.repeat(10 * 1024)}` },
  { name: 'PUT /Users/%00', method: 'PUT', url: '/scim/v2/Users/%00', body: user('nul-id'), status: 404 },
  { name: "DELETE /Users/' OR 1=1 --", method: 'DELETE', url: `/scim/v2/Users/${encodeURIComponent("' OR 1=1 --")}`, status: 404 },
  { name: 'DELETE /Users/%25', method: 'DELETE', url: '/scim/v2/Users/%25', status: 404 },
  { name: 'DELETE /Users/* (a wildcard id)', method: 'DELETE', url: '/scim/v2/Users/*', status: 404 },
  { name: 'PATCH /Users/%', method: 'PATCH', url: '/scim/v2/Users/%25%25', body: patch({ op: 'replace', path: 'active', value: false }), status: 404 },
  { name: 'a User id on /Groups', method: 'DELETE', url: '/scim/v2/Groups/{alpha}', status: 404 },
  { name: 'a Group id on /Users', method: 'DELETE', url: '/scim/v2/Users/{group}', status: 404 },
  { name: 'a malformed percent-encoding in the id', method: 'GET', url: '/scim/v2/Users/%E0%A4%A' },

  // ── Bad query parameters ────────────────────────────────────────────────
  { name: 'count=abc', method: 'GET', url: '/scim/v2/Users?count=abc', status: 400 },
  { name: 'startIndex=xyz', method: 'GET', url: '/scim/v2/Users?startIndex=xyz', status: 400 },
  { name: 'count=1e400', method: 'GET', url: '/scim/v2/Users?count=1e400', status: 400 },
  { name: 'count given twice', method: 'GET', url: '/scim/v2/Users?count=1&count=2', status: 400 },
  { name: 'count under two spellings', method: 'GET', url: '/scim/v2/Users?count=1&COUNT=2', status: 400 },
  { name: 'sortOrder=sideways', method: 'GET', url: '/scim/v2/Users?sortBy=userName&sortOrder=sideways', status: 400 },
  { name: 'sortBy an unknown attribute', method: 'GET', url: '/scim/v2/Users?sortBy=shoeSize', status: 400 },
  { name: 'attributes that are not attribute names', method: 'GET', url: `/scim/v2/Users?attributes=${encodeURIComponent('!!!,userName')}`, status: 400 },
  { name: 'excludedAttributes with a filter in it', method: 'GET', url: `/scim/v2/Users/{alpha}?excludedAttributes=${encodeURIComponent('emails[type eq "work"]')}`, status: 400 },
  { name: 'a search count as a string of letters', method: 'POST', url: '/scim/v2/Users/.search', body: text({ count: 'abc' }), status: 400 },
  { name: 'a search count as an object', method: 'POST', url: '/scim/v2/Users/.search', body: text({ count: {} }), status: 400 },
  { name: 'a search startIndex as a boolean', method: 'POST', url: '/scim/v2/Users/.search', body: text({ startIndex: true }), status: 400 },
  { name: 'search attributes as numbers', method: 'POST', url: '/scim/v2/Users/.search', body: text({ attributes: [1, 2] }), status: 400 },
  { name: 'a search filter as an array', method: 'POST', url: '/scim/v2/Users/.search', body: text({ filter: ['userName pr'] }), status: 400 },
  { name: 'a search sortBy as a number', method: 'POST', url: '/scim/v2/Groups/.search', body: text({ sortBy: 5 }), status: 400 },
  { name: 'a search with the wrong schemas', method: 'POST', url: '/scim/v2/Users/.search', body: text({ schemas: [U], filter: 'userName pr' }), ...invalidSyntax },

  // ── Bad headers ──────────────────────────────────────────────────────────
  { name: 'If-Match: garbage on PUT', method: 'PUT', url: '/scim/v2/Users/{alpha}', body: user('alpha', { title: 'x' }), headers: { 'if-match': 'garbage' }, status: 400 },
  { name: 'a stale If-Match on PATCH', method: 'PATCH', url: '/scim/v2/Users/{alpha}', body: patch({ op: 'replace', path: 'title', value: 'x' }), headers: { 'if-match': 'W/"999"' }, status: 412 },
  { name: 'a non-numeric If-Match on DELETE', method: 'DELETE', url: '/scim/v2/Users/{beta}', headers: { 'if-match': 'W/"abc"' }, status: 412 },
  { name: 'a stale If-Match on a group DELETE', method: 'DELETE', url: '/scim/v2/Groups/{group}', headers: { 'if-match': '"0"' }, status: 412 },
  { name: 'If-None-Match: garbage on GET', method: 'GET', url: '/scim/v2/Users/{alpha}', headers: { 'if-none-match': 'garbage' }, status: 400 },
  { name: 'Authorization: Basic', method: 'DELETE', url: '/scim/v2/Users/{alpha}', headers: { authorization: `Basic ${Buffer.from(`admin:${TEST_TOKEN}`).toString('base64')}` }, status: 401 },
  { name: 'a 100 KB bearer token', method: 'DELETE', url: '/scim/v2/Users/{alpha}', headers: { authorization: `Bearer ${'t'.repeat(100 * 1024)}` }, status: 401 },
  { name: 'an empty bearer token', method: 'DELETE', url: '/scim/v2/Users/{alpha}', headers: { authorization: 'Bearer ' }, status: 401 },
  { name: 'the token followed by junk', method: 'DELETE', url: '/scim/v2/Users/{alpha}', headers: { authorization: `Bearer ${TEST_TOKEN} junk` }, status: 401 },
  { name: 'no Authorization on POST', method: 'POST', url: '/scim/v2/Users', body: user('anonymous'), anonymous: true, status: 401 },
  { name: 'no Authorization on DELETE', method: 'DELETE', url: '/scim/v2/Groups/{group}', anonymous: true, status: 401 },
  { name: 'Content-Type: text/plain', method: 'POST', url: '/scim/v2/Users', body: user('text-plain'), headers: { 'content-type': 'text/plain' }, status: 415 },
  { name: 'Content-Type: application/xml', method: 'POST', url: '/scim/v2/Users', body: '<User><userName>xml</userName></User>', headers: { 'content-type': 'application/xml' }, status: 415 },
  { name: 'a form body', method: 'POST', url: '/scim/v2/Users', body: 'userName=form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'a form body labelled as SCIM JSON', method: 'POST', url: '/scim/v2/Users', body: 'userName=form', ...invalidSyntax },
  { name: 'Content-Type: text/plain on PATCH', method: 'PATCH', url: '/scim/v2/Users/{alpha}', body: patch({ op: 'replace', path: 'title', value: 'x' }), headers: { 'content-type': 'text/plain' }, status: 415 },

  // ── Wrong methods ────────────────────────────────────────────────────────
  { name: 'DELETE /Users', method: 'DELETE', url: '/scim/v2/Users', status: 405 },
  { name: 'PUT /Users', method: 'PUT', url: '/scim/v2/Users', body: user('put-collection'), status: 405 },
  { name: 'PATCH /Groups', method: 'PATCH', url: '/scim/v2/Groups', body: patch({ op: 'remove', path: 'members' }), status: 405 },
  { name: 'POST /Users/{id}', method: 'POST', url: '/scim/v2/Users/{alpha}', body: user('post-on-id'), status: 405 },
  { name: 'DELETE /ServiceProviderConfig', method: 'DELETE', url: '/scim/v2/ServiceProviderConfig', status: 405 },
  { name: 'GET /.search', method: 'GET', url: '/scim/v2/.search', status: 405 },
  { name: 'POST /Schemas', method: 'POST', url: '/scim/v2/Schemas', body: text({ id: 'urn:evil' }), status: 405 },
  { name: 'OPTIONS /Users', method: 'OPTIONS', url: '/scim/v2/Users', status: 405 },
  { name: 'DELETE /Users/.search', method: 'DELETE', url: '/scim/v2/Users/.search', status: 405 },
];

interface Snapshot {
  readonly users: unknown;
  readonly groups: unknown;
  readonly resources: unknown;
  readonly tables: Record<string, unknown>;
}

describe('hostile request corpus', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  let before: Snapshot;

  function resolve(template: string): string {
    return template.replace(/\{(alpha|beta|group|outer)\}/g, (_, key: string) => ids[key] ?? key);
  }

  async function snapshot(): Promise<Snapshot> {
    const users = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?count=100000&sortBy=userName' }), 200);
    const groups = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Groups?count=100000&sortBy=displayName' }), 200);
    const resources: Json[] = [];
    for (const resource of [...(users['Resources'] as Json[]), ...(groups['Resources'] as Json[])]) {
      const type = resource['meta']['resourceType'] === 'User' ? 'Users' : 'Groups';
      resources.push(expectStatus(await server.request({ method: 'GET', url: `/scim/v2/${type}/${resource['id'] as string}` }), 200));
    }
    // Below the API too: every row of every table, whichever store the suite runs on.
    const tables = await server.rawTables();
    return { users, groups, resources, tables };
  }

  beforeAll(async () => {
    server = await build();
    const post = async (url: string, body: Json) => expectStatus(await server.request({ method: 'POST', url: `/scim/v2${url}`, body }), 201);
    ids['alpha'] = (
      await post('/Users', {
        schemas: [U, ENTERPRISE_SCHEMA],
        userName: 'alpha',
        name: { givenName: 'Al', familyName: 'Pha' },
        title: 'Original',
        emails: [{ value: 'alpha@example.com', type: 'work', primary: true }],
        password: 'alpha-password-1',
        [ENTERPRISE_SCHEMA]: { department: 'R&D' },
      })
    )['id'] as string;
    ids['beta'] = (await post('/Users', { schemas: [U], userName: 'beta', active: true }))['id'] as string;
    await post('/Users', { schemas: [U], userName: 'gamma', displayName: '%_\\ gamma' });
    ids['group'] = (await post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Hostile Group', members: [{ value: ids['alpha'] }] }))['id'] as string;
    ids['outer'] = (await post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Outer Group', members: [{ value: ids['group'] }, { value: ids['beta'] }] }))['id'] as string;
    before = await snapshot();
    const tables = before.tables as Record<string, string[]>;
    expect(tables['users']).toHaveLength(3);
    expect(tables['groups']).toHaveLength(2);
  });

  afterAll(async () => {
    await server.close();
  });

  it('holds at least 100 distinct requests', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(new Set(corpus.map((request) => request.name)).size).toBe(corpus.length);
  });

  it.each(corpus.map((request) => [request.name, request] as const))('%s → 4xx SCIM error', async (_name, request) => {
    const headers: Record<string, string> = {
      ...(request.anonymous ? {} : { authorization: `Bearer ${TEST_TOKEN}` }),
      ...(request.body !== undefined ? { 'content-type': SCIM_JSON } : {}),
      ...request.headers,
    };
    const payload = typeof request.body === 'string' ? resolve(request.body) : request.body;
    const response: LightMyRequestResponse = await server.scimitar.app.inject({
      method: request.method,
      url: resolve(request.url),
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    const summary = `${request.method} ${request.url.slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
    expect(response.statusCode, summary).toBeGreaterThanOrEqual(400);
    expect(response.statusCode, summary).toBeLessThan(500);
    if (request.status !== undefined) expect(response.statusCode, summary).toBe(request.status);
    expect(String(response.headers['content-type']), summary).toMatch(/^application\/scim\+json/);
    const body = JSON.parse(response.body) as Json;
    expect(body['schemas']).toEqual([ERROR_SCHEMA]);
    expect(body['status']).toBe(String(response.statusCode));
    expect(typeof body['detail']).toBe('string');
    if (request.scimType !== undefined) expect(body['scimType'], summary).toBe(request.scimType);
    // An error detail quotes at most a short excerpt of what the client sent.
    expect(response.body.length).toBeLessThan(4096);
    expectNoInternals(response.body);
    if (response.statusCode === 401) expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer/i);
    if (response.statusCode === 405) expect(response.headers['allow']).toBeDefined();
  });

  it('leaves the directory exactly as it was, through the API and row by row', async () => {
    const after = await snapshot();
    expect(after.users).toEqual(before.users);
    expect(after.groups).toEqual(before.groups);
    expect(after.resources).toEqual(before.resources);
    expect(after.tables).toEqual(before.tables);
  });

  it('still answers normal requests afterwards', async () => {
    const live = await server.scimitar.app.inject({ method: 'GET', url: '/health/ready' });
    expect(live.statusCode).toBe(200);
    const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22alpha%22' }), 200);
    expect(list['totalResults']).toBe(1);
    const created = expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Users', body: { schemas: [U], userName: 'after-the-storm' } }), 201);
    const patched = expectStatus(
      await server.request({
        method: 'PATCH',
        url: `/scim/v2/Users/${created['id'] as string}`,
        body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'Calm' }] },
      }),
      200,
    );
    expect(patched['title']).toBe('Calm');
    expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${created['id'] as string}` }), 204);
  });
});
