/**
 * The request log as an operator meets it: every SCIM request recorded with
 * what was sent and answered, secrets never stored, failed authentications
 * with their reason, request ids on every response and in the events, read
 * back through the admin API. Runs on SQLite and on PostgreSQL.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { build, SCIM, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from '../admin/support.js';
import { json, PATCH_OP_SCHEMA, USER_SCHEMA, type Json } from '../http/support.js';

const OKTA = 'Okta SCIM Client 1.0.0';
const PASSWORD = 'Sup3r-Secret-Passw0rd!';

function newUser(userName: string, extra: Json = {}): Json {
  return { schemas: [USER_SCHEMA], userName, name: { givenName: 'Jane', familyName: 'Doe' }, emails: [{ value: `${userName}@example.com`, primary: true }], ...extra };
}

describe('request log', () => {
  let server: TestServer;
  let admin: AdminClient;

  beforeEach(async () => {
    server = await build();
    admin = await adminClient(server);
    return () => server.close();
  });

  async function flushed(): Promise<void> {
    await server.scimitar.requestLogRecorder.flush();
  }

  async function entries(query = ''): Promise<Json[]> {
    await flushed();
    return expectJson(await admin.request('GET', `/tenants/default/requests${query}`), 200)['entries'] as Json[];
  }

  it('records what the identity provider sent and what it was answered, linked to the events the request wrote', async () => {
    const created = await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('jane', { password: PASSWORD }), headers: { 'user-agent': OKTA, 'x-request-id': 'okta-create-1' } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['x-request-id']).toBe('okta-create-1');
    const userId = json(created)['id'] as string;

    const [entry] = await entries();
    expect(entry).toMatchObject({
      requestId: 'okta-create-1',
      tenant: 'default',
      method: 'POST',
      path: `${SCIM}/Users`,
      query: null,
      status: 201,
      scimType: null,
      detail: null,
      authFailure: null,
      userAgent: OKTA,
      idp: 'Okta',
      resourceId: userId,
    });
    expect(entry!['latencyMs']).toEqual(expect.any(Number));
    expect(entry).not.toHaveProperty('requestBody');

    const detail = expectJson(await admin.request('GET', '/tenants/default/requests/okta-create-1'), 200);
    expect(JSON.parse(detail['requestBody'] as string)).toMatchObject({ userName: 'jane', password: '[redacted]' });
    expect(JSON.parse(detail['responseBody'] as string)).toMatchObject({ id: userId, userName: 'jane' });
    expect(detail['events']).toEqual([{ id: expect.any(String), sequence: 1, type: 'user.created', resourceType: 'User', resourceId: userId }]);

    // The other way round: the event names the request.
    const feed = expectJson(await admin.request('GET', '/tenants/default/events'), 200);
    expect(feed['events'][0]).toMatchObject({ type: 'user.created', requestId: 'okta-create-1' });
  });

  it('records an error with the scimType and detail the client got', async () => {
    await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('taken') });
    const conflict = await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('taken'), headers: { 'user-agent': OKTA } });
    expect(conflict.statusCode).toBe(409);
    const [entry] = await entries('?status=4xx');
    expect(entry).toMatchObject({ status: 409, scimType: 'uniqueness', detail: json(conflict)['detail'], requestId: conflict.headers['x-request-id'] });
  });

  it('answers every response with an X-Request-Id: the client’s when valid, a fresh one otherwise', async () => {
    const responses = await Promise.all([
      server.request({ method: 'GET', url: `${SCIM}/Users`, headers: { 'x-request-id': 'abc-123' } }),
      server.request({ method: 'GET', url: `${SCIM}/NoSuchEndpoint` }),
      server.request({ method: 'GET', url: `${SCIM}/Users`, headers: { authorization: 'Bearer wrong-token-0123456789' } }),
      admin.request('GET', '/tenants'),
      admin.request('GET', '/no-such-route'),
      server.scimitar.app.inject({ method: 'GET', url: '/health/live' }),
      server.scimitar.app.inject({ method: 'GET', url: '/nowhere' }),
    ]);
    expect(responses.map((response) => response.statusCode)).toEqual([200, 404, 401, 200, 404, 200, 404]);
    expect(responses[0]!.headers['x-request-id']).toBe('abc-123');
    for (const response of responses.slice(1)) expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    // Too long, unsafe characters: replaced, never echoed.
    for (const sent of ['x'.repeat(129), 'bad id with spaces', 'line\u0085break', '../../etc']) {
      const response = await server.request({ method: 'GET', url: `${SCIM}/Users`, headers: { 'x-request-id': sent } });
      expect(response.headers['x-request-id']).not.toBe(sent);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('never stores a password or a bearer token, in bodies, queries or headers', async () => {
    const created = json(await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('secretive', { password: PASSWORD }) }));
    await server.request({
      method: 'PATCH',
      url: `${SCIM}/Users/${created['id']}`,
      body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: `${PASSWORD}-2` }, { op: 'replace', value: { password: `${PASSWORD}-3` } }] },
    });
    await server.request({ method: 'PUT', url: `${SCIM}/Users/${created['id']}`, body: newUser('secretive', { password: `${PASSWORD}-4` }) });
    await server.request({ method: 'GET', url: `${SCIM}/Users?access_token=${TEST_TOKEN}&filter=userName%20eq%20%22secretive%22` });
    await server.request({ method: 'GET', url: `${SCIM}/Users`, headers: { authorization: 'Bearer scim_leakedButWrongTokenValue0123456789' } });
    const tables = JSON.stringify(await server.rawTables({ requestLog: true }));
    expect(tables).toContain('secretive');
    expect(tables).not.toContain(PASSWORD);
    expect(tables).not.toContain(TEST_TOKEN);
    expect(tables).not.toContain('leakedButWrongTokenValue');
    const [listing] = await entries('?path=/scim/v2/Users&method=GET&status=200');
    expect(listing!['query']).toBe('access_token=%5Bredacted%5D&filter=userName+eq+%22secretive%22');
  });

  it('masks the personal attributes listed in SCIMITAR_REQUEST_LOG_REDACT, and cuts bodies at the configured size', async () => {
    const redacting = await build({ SCIMITAR_REQUEST_LOG_REDACT: 'emails,name,phoneNumbers', SCIMITAR_REQUEST_LOG_MAX_BODY_BYTES: '200' });
    try {
      const created = json(await redacting.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('masked', { title: 'x'.repeat(500) }) }));
      await redacting.request({
        method: 'PATCH',
        url: `${SCIM}/Users/${created['id']}`,
        body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '+1 555 0100' }] }] },
      });
      // The directory holds them, of course; the log must not.
      const tables = JSON.stringify((await redacting.rawTables({ requestLog: true }))['request_log']);
      expect(tables).toContain('masked');
      expect(tables).not.toContain('masked@example.com');
      expect(tables).not.toContain('Jane');
      expect(tables).not.toContain('555 0100');
      const rows = (await redacting.rawTables({ requestLog: true }))['request_log']!.map((row) => JSON.parse(row) as Json);
      for (const row of rows) {
        for (const body of [row['request_body'], row['response_body']]) if (typeof body === 'string') expect(Buffer.byteLength(body)).toBeLessThanOrEqual(200);
      }
      expect(rows.some((row) => String(row['response_body']).endsWith('…[truncated]'))).toBe(true);
    } finally {
      await redacting.close();
    }
  });

  it('records failed authentications with their reason, in the tenant concerned, never with the token', async () => {
    let clock = Date.parse('2026-05-01T12:00:00.000Z');
    const timed = await build({}, { now: () => new Date(clock) });
    try {
      const timedAdmin = await adminClient(timed);
      const acme = await timed.scimitar.tenants.create('acme');
      const globex = await timed.scimitar.tenants.create('globex');
      const revoked = await timed.scimitar.tokens.create('acme', { name: 'revoked' });
      await timed.scimitar.tokens.revoke('acme', revoked.summary.id);
      const expiring = await timed.scimitar.tokens.create('acme', { name: 'expiring', expiresAt: new Date(clock + 1000) });
      clock += 5000;
      const attempt = (token: string | undefined, requestId: string) =>
        timed.scimitar.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users', headers: { 'x-request-id': requestId, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) } });
      const answers = await Promise.all([
        attempt(undefined, 'missing'),
        attempt('scim_noSuchToken0123456789abcdef', 'unknown'),
        attempt(revoked.token, 'revoked'),
        attempt(expiring.token, 'expired'),
        attempt(globex.firstToken.token, 'wrong-tenant'),
        attempt(acme.firstToken.token, 'fine'),
      ]);
      expect(answers.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 401, 401, 200]);
      await timed.scimitar.requestLogRecorder.flush();
      const logged = expectJson(await timedAdmin.request('GET', '/tenants/acme/requests?order=oldest'), 200)['entries'] as Json[];
      const reasons = Object.fromEntries(logged.map((entry) => [entry['requestId'], [entry['status'], entry['authFailure']]]));
      expect(reasons).toEqual({
        missing: [401, 'missing'],
        unknown: [401, 'unknown'],
        revoked: [401, 'revoked'],
        expired: [401, 'expired'],
        'wrong-tenant': [401, 'wrong_tenant'],
        fine: [200, null],
      });
      const tables = JSON.stringify(await timed.rawTables({ requestLog: true }));
      for (const token of [revoked.token, expiring.token, globex.firstToken.token, acme.firstToken.token]) expect(tables).not.toContain(token);
    } finally {
      await timed.close();
    }
  });

  it('never fails a SCIM request when the log cannot be written: it drops and counts', async () => {
    await server.execute('DROP TABLE request_log');
    const created = await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('unbothered') });
    expect(created.statusCode).toBe(201);
    const read = await server.request({ method: 'GET', url: `${SCIM}/Users/${json(created)['id']}` });
    expect(read.statusCode).toBe(200);
    await flushed();
    const stats = server.scimitar.requestLogRecorder.stats();
    expect(stats.dropped).toBeGreaterThanOrEqual(2);
    expect(stats.failedWrites).toBeGreaterThanOrEqual(1);
    expect(stats.queued).toBe(0);
    // Still serving.
    expect((await server.request({ method: 'GET', url: `${SCIM}/Users` })).statusCode).toBe(200);
  });

  it('records nothing when switched off', async () => {
    const silent = await build({ SCIMITAR_REQUEST_LOG: 'false' });
    try {
      expect((await silent.request({ method: 'GET', url: `${SCIM}/Users` })).statusCode).toBe(200);
      expect((await silent.rawTables({ requestLog: true }))['request_log']).toEqual([]);
      expect(silent.scimitar.requestLogRecorder.stats()).toEqual({ written: 0, dropped: 0, failedWrites: 0, queued: 0 });
    } finally {
      await silent.close();
    }
  });

  describe('admin API', () => {
    it('filters by status class, method, path, resource, request id and IdP', async () => {
      const created = json(await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('filtered'), headers: { 'user-agent': OKTA } }));
      await server.request({ method: 'GET', url: `${SCIM}/Users/${created['id']}`, headers: { 'user-agent': 'Azure AD SCIM Provisioning', 'x-request-id': 'entra-read' } });
      await server.request({ method: 'GET', url: `${SCIM}/Users/no-such-user` });
      await server.request({ method: 'DELETE', url: `${SCIM}/Groups/nothing` });
      const ids = async (query: string) => (await entries(query)).map((entry) => `${entry['method']} ${entry['status']}`);
      expect(await ids('?status=4xx')).toEqual(['DELETE 404', 'GET 404']);
      expect(await ids('?status=201')).toEqual(['POST 201']);
      expect(await ids('?method=get')).toEqual(['GET 404', 'GET 200']);
      expect(await ids('?path=/scim/v2/Groups')).toEqual(['DELETE 404']);
      expect(await ids(`?resourceId=${created['id']}`)).toEqual(['GET 200', 'POST 201']);
      expect(await ids('?requestId=entra-read')).toEqual(['GET 200']);
      expect(await ids('?idp=Entra%20ID')).toEqual(['GET 200']);
      expect(await ids('?idp=Okta')).toEqual(['POST 201']);
      expect(await ids('?until=1h')).toEqual([]);
      expect(await ids(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
      expect(await ids('?since=1h&status=2xx')).toEqual(['GET 200', 'POST 201']);
    });

    it('pages with an opaque cursor, newest first, and tails oldest first', async () => {
      for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) await server.request({ method: 'GET', url: `${SCIM}/Users`, headers: { 'x-request-id': name } });
      await flushed();
      const first = expectJson(await admin.request('GET', '/tenants/default/requests?limit=2'), 200);
      expect(first['entries'].map((entry: Json) => entry['requestId'])).toEqual(['p5', 'p4']);
      const second = expectJson(await admin.request('GET', `/tenants/default/requests?limit=2&cursor=${first['nextCursor']}`), 200);
      expect(second['entries'].map((entry: Json) => entry['requestId'])).toEqual(['p3', 'p2']);
      const last = expectJson(await admin.request('GET', `/tenants/default/requests?limit=2&cursor=${second['nextCursor']}`), 200);
      expect(last['entries'].map((entry: Json) => entry['requestId'])).toEqual(['p1']);
      expect(last['nextCursor']).toBeNull();

      const tail = expectJson(await admin.request('GET', '/tenants/default/requests?order=oldest&limit=10'), 200);
      expect(tail['entries'].map((entry: Json) => entry['requestId'])).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      const nothingNew = expectJson(await admin.request('GET', `/tenants/default/requests?order=oldest&cursor=${tail['nextCursor']}`), 200);
      expect(nothingNew).toEqual({ entries: [], nextCursor: tail['nextCursor'] });
      // The tail request itself is an admin request: not in the SCIM log. A new SCIM request is.
      await server.request({ method: 'GET', url: `${SCIM}/Users`, headers: { 'x-request-id': 'p6' } });
      await flushed();
      const next = expectJson(await admin.request('GET', `/tenants/default/requests?order=oldest&cursor=${tail['nextCursor']}`), 200);
      expect(next['entries'].map((entry: Json) => entry['requestId'])).toEqual(['p6']);
    });

    it('exports every matching entry with bodies as NDJSON, streamed', async () => {
      for (let index = 0; index < 3; index += 1) await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser(`export-${index}`, { password: PASSWORD }) });
      await server.request({ method: 'GET', url: `${SCIM}/Users` });
      await flushed();
      for (const response of [
        await admin.request('GET', '/tenants/default/requests?method=POST', undefined, { accept: 'application/x-ndjson' }),
        await admin.request('GET', '/tenants/default/requests?method=POST&format=ndjson'),
      ]) {
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
        const lines = response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
        expect(lines.map((line) => JSON.parse(line['requestBody'] as string)['userName'])).toEqual(['export-2', 'export-1', 'export-0']);
        expect(response.body).not.toContain(PASSWORD);
      }
      const empty = await admin.request('GET', '/tenants/default/requests?method=PUT&format=ndjson');
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toBe('');
    });

    it('answers bad filters, ranges and cursors with a 400 that says what to send', async () => {
      const cases: [string, RegExp][] = [
        ['status=abc', /status must be a status code \(404\) or a class \(4xx, 5xx\)/],
        ['status=6xx', /status must be/],
        ['since=yesterday', /since must be an ISO 8601 date-time/],
        ['since=2026-05-02T00:00:00Z&until=2026-05-01T00:00:00Z', /since .* must be before until/],
        ['method=FETCH', /method must be one of/],
        ['path=Users', /starts with "\/"/],
        ['cursor=not-a-cursor', /cursor is not a cursor of this log/],
        [`cursor=${Buffer.from('o12').toString('base64url')}`, /cursor belongs to a page in the other order/],
        ['limit=0', /limit/],
        ['limit=5000', /limit/],
        ['order=sideways', /order/],
        ['colour=blue', /colour|additional/],
      ];
      for (const [query, message] of cases) {
        const error = expectAdminError(await admin.request('GET', `/tenants/default/requests?${query}`), 400, 'bad_request');
        expect(error['message'], query).toMatch(message);
      }
      // The NDJSON export validates before it starts streaming.
      expectAdminError(await admin.request('GET', '/tenants/default/requests?status=abc&format=ndjson'), 400, 'bad_request');
      expectAdminError(await admin.request('GET', '/tenants/nobody/requests'), 404, 'not_found');
      expectAdminError(await admin.request('GET', '/tenants/default/requests/no-such-request'), 404, 'not_found');
    });

    it('tells a user’s history: every change with the request and identity provider behind it', async () => {
      const created = json(await server.request({ method: 'POST', url: `${SCIM}/Users`, body: newUser('jane.history'), headers: { 'user-agent': OKTA, 'x-request-id': 'okta-create' } }));
      const deactivate = { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
      await server.request({ method: 'PATCH', url: `${SCIM}/Users/${created['id']}`, body: deactivate, headers: { 'user-agent': 'Microsoft.Identity.Provisioning', 'x-request-id': 'entra-deactivate' } });
      await server.request({ method: 'DELETE', url: `${SCIM}/Users/${created['id']}`, headers: { 'user-agent': OKTA } });
      await flushed();
      const history = expectJson(await admin.request('GET', `/tenants/default/users/${created['id']}/history`), 200);
      expect(history['nextAfter']).toBeNull();
      expect(history['changes'].map((change: Json) => [change['type'], change['requestId'], change['request']?.['idp']])).toEqual([
        ['user.created', 'okta-create', 'Okta'],
        ['user.deactivated', 'entra-deactivate', 'Entra ID'],
        ['user.deleted', expect.any(String), 'Okta'],
      ]);
      expect(history['changes'][1]).toMatchObject({ request: { method: 'PATCH', path: `${SCIM}/Users/${created['id']}`, status: 200, userAgent: 'Microsoft.Identity.Provisioning' } });
      // Paging by sequence.
      const page = expectJson(await admin.request('GET', `/tenants/default/users/${created['id']}/history?limit=1&after=1`), 200);
      expect(page['changes'].map((change: Json) => change['type'])).toEqual(['user.deactivated']);
      expect(page['nextAfter']).toBe(2);
      expectAdminError(await admin.request('GET', '/tenants/default/users/never-existed/history'), 404, 'not_found');
    });
  });
});
