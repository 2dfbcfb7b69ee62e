/**
 * The access report through the admin API: content (nested groups,
 * deactivated users, CSV quoting and the formula guard), the snapshot it is
 * read from (a write during the export is not in it; the named sequence
 * plus the event feed after it is the current state), and streaming in
 * pages. Runs on SQLite and on PostgreSQL (vitest.config.ts).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../../src/cli/seed.js';
import { AccessReportService } from '../../src/reports/access-report.js';
import { CSV_COLUMNS, formatAccessReport } from '../../src/reports/access-report-format.js';
import { build, type TestServer } from '../helpers/build.js';
import { adminClient, expectAdminError, type AdminClient } from '../admin/support.js';
import { createGroup, createUser, expectStatus, type Json, patchBody } from '../http/support.js';

const TENANT = 'default';

function jsonLines(text: string): Json[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
}

async function currentSequence(server: TestServer, tenant = TENANT): Promise<number> {
  return (await server.scimitar.store.events.position(tenant)).lastSequence;
}

describe('the access report', () => {
  let server: TestServer;
  let admin: AdminClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await build();
    admin = await adminClient(server);
    ids['ada'] = (await createUser(server, 'ada', { displayName: 'Ada, "the Countess"', externalId: 'ext-ada', emails: [{ value: 'ada@other.example', type: 'home' }, { value: 'ada@example.com', type: 'work', primary: true }] }))['id'] as string;
    ids['bob'] = (await createUser(server, 'bob', { displayName: '=HYPERLINK("http://evil.example")', active: false, emails: [{ value: 'bob@example.com' }] }))['id'] as string;
    ids['cyd'] = (await createUser(server, '+cyd', { displayName: 'Line one\nline two', externalId: '@ext' }))['id'] as string;
    // engineering ⊂ staff ⊂ everyone: a member of engineering is in staff and everyone too.
    ids['engineering'] = (await createGroup(server, 'Engineering', [ids['ada']!]))['id'] as string;
    ids['staff'] = (await createGroup(server, 'Staff', [ids['engineering']!, ids['bob']!]))['id'] as string;
    ids['everyone'] = (await createGroup(server, '-everyone', [ids['staff']!]))['id'] as string;
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists every user with state, primary email and groups (direct and inherited through nesting) as JSON Lines', async () => {
    const response = await admin.request('GET', `/tenants/${TENANT}/access-report?format=json`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const sequence = await currentSequence(server);
    expect(response.headers['scimitar-event-sequence']).toBe(String(sequence));
    const [header, ...rest] = jsonLines(response.body);
    const end = rest.pop();
    expect(header).toMatchObject({ type: 'header', tenant: TENANT, eventSequence: sequence, generatedAt: expect.any(String) });
    expect(end).toEqual({ type: 'end', users: 3, eventSequence: sequence });
    const byName = new Map(rest.map((user) => [user['userName'], user]));
    expect(byName.get('ada')).toEqual({
      type: 'user',
      id: ids['ada'],
      userName: 'ada',
      externalId: 'ext-ada',
      displayName: 'Ada, "the Countess"',
      active: true,
      primaryEmail: 'ada@example.com',
      groups: [
        { id: ids['engineering'], displayName: 'Engineering', direct: true },
        { id: ids['everyone'], displayName: '-everyone', direct: false },
        { id: ids['staff'], displayName: 'Staff', direct: false },
      ].sort((left, right) => left.id!.localeCompare(right.id!)),
    });
    expect(byName.get('bob')).toMatchObject({
      active: false,
      primaryEmail: 'bob@example.com',
      groups: [
        { id: ids['everyone'], displayName: '-everyone', direct: false },
        { id: ids['staff'], displayName: 'Staff', direct: true },
      ].sort((left, right) => left.id!.localeCompare(right.id!)),
    });
    expect(byName.get('+cyd')).toMatchObject({ active: true, primaryEmail: null, groups: [] });
  });

  it('as CSV: RFC 4180 quoting, formulas neutralised, the event sequence in every row', async () => {
    const response = await admin.request('GET', `/tenants/${TENANT}/access-report?format=csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.body.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const rows = parseCsv(response.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    const sequence = String(await currentSequence(server));
    const byId = new Map(rows.map((row) => [row['id'], row]));
    // The guard looks at the start of the whole cell: a list beginning with "-everyone" gets the apostrophe, one beginning with "Staff" does not.
    const inherited = [[ids['everyone']!, '-everyone'], [ids['staff']!, 'Staff']].sort().map(([, name]) => name).join('; ');
    expect(byId.get(ids['ada'])).toEqual({
      id: ids['ada'],
      userName: 'ada',
      externalId: 'ext-ada',
      displayName: 'Ada, "the Countess"',
      active: 'true',
      primaryEmail: 'ada@example.com',
      directGroups: 'Engineering',
      directGroupIds: ids['engineering'],
      inheritedGroups: inherited.startsWith('-') ? `'${inherited}` : inherited,
      inheritedGroupIds: [ids['everyone'], ids['staff']].sort().join('; '),
      eventSequence: sequence,
    });
    // A spreadsheet would run these: each starts with an apostrophe instead.
    expect(byId.get(ids['bob'])).toMatchObject({ displayName: `'=HYPERLINK("http://evil.example")`, active: 'false', directGroups: 'Staff' });
    expect(byId.get(ids['cyd'])).toMatchObject({ userName: "'+cyd", externalId: "'@ext", displayName: 'Line one\nline two', directGroups: '' });
    // The quote-bearing cell is enclosed and its quotes doubled, as RFC 4180 §2.7 says.
    expect(response.body).toContain('"Ada, ""the Countess"""');
  });

  it('answers 404 for an unknown tenant, 400 for an unknown format, 401 without an admin key', async () => {
    expectAdminError(await admin.request('GET', '/tenants/nobody/access-report'), 404, 'not_found');
    expectAdminError(await admin.request('GET', `/tenants/${TENANT}/access-report?format=xlsx`), 400, 'bad_request');
    const anonymous = await server.scimitar.app.inject({ method: 'GET', url: `/admin/v1/tenants/${TENANT}/access-report` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('is read from one snapshot: a write during the export is not in it, and the feed after its sequence brings the current state', async () => {
    // Pages of one user, so the writes land between pages.
    const reports = new AccessReportService({ sql: server.scimitar.store.sql, now: () => new Date(), pageSize: 1 });
    const report = await reports.open(TENANT);
    const pages = report.pages();
    const first = await pages.next();
    expect(first.done).toBe(false);

    const dan = (await createUser(server, 'dan'))['id'] as string;
    expectStatus(await server.request({ method: 'PATCH', url: `/scim/v2/Users/${ids['cyd']}`, body: patchBody({ op: 'replace', path: 'active', value: false }) }), 200);
    expectStatus(
      await server.request({ method: 'PATCH', url: `/scim/v2/Groups/${ids['engineering']}`, body: patchBody({ op: 'add', path: 'members', value: [{ value: ids['cyd'] }] }) }),
      204,
    );

    const users = [...(first.value ?? [])];
    for await (const page of { [Symbol.asyncIterator]: () => pages }) users.push(...page);
    expect(users.map((user) => user.userName).sort()).toEqual(['+cyd', 'ada', 'bob']);
    const cyd = users.find((user) => user.id === ids['cyd'])!;
    expect(cyd.active).toBe(true);
    expect(cyd.groups).toEqual([]);

    // The feed after the named sequence holds exactly the three writes, none before it.
    const after = await server.scimitar.store.events.listEvents(TENANT, report.eventSequence, 100);
    expect(after.map((event) => [event.type, event.resourceId])).toEqual([
      ['user.created', dan],
      ['user.deactivated', ids['cyd']],
      ['group.member_added', ids['engineering']],
    ]);
    expect(after[0]!.sequence).toBe(report.eventSequence + 1);
    // And a report taken now reflects them.
    const now = jsonLines((await admin.request('GET', `/tenants/${TENANT}/access-report`)).body);
    expect(now[0]!['eventSequence']).toBe(after.at(-1)!.sequence);
    const cydNow = now.find((line) => line['id'] === ids['cyd'])!;
    expect(cydNow['active']).toBe(false);
    expect((cydNow['groups'] as Json[]).map((group) => group['displayName']).sort()).toEqual(['-everyone', 'Engineering', 'Staff']);
  });

  it('streams over a real socket, the sequence in a header', async () => {
    const address = await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${address}/admin/v1/tenants/${TENANT}/access-report?format=csv`, { headers: { authorization: `Bearer ${admin.key}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('scimitar-event-sequence')).toBe(String(await currentSequence(server)));
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="access-report-default-\d+\.csv"$/);
      const rows = parseCsv(await response.text(), { columns: true }) as Record<string, string>[];
      expect(rows.length).toBeGreaterThanOrEqual(3);
    } finally {
      await server.scimitar.app.close();
    }
  });
});

describe('the access report of a large tenant', () => {
  let server: TestServer;
  const USERS = 20_000;

  beforeAll(async () => {
    server = await build();
    await server.scimitar.tenants.create('large');
    const seeded = await seedTenant(server.scimitar.store, { tenant: 'large', users: USERS, groups: 20, groupSize: 500, now: new Date().toISOString() });
    expect(seeded.userIds).toHaveLength(USERS);
  }, 180_000);
  afterAll(async () => {
    await server.close();
  });

  it('is produced a page at a time, never the whole tenant at once', async () => {
    const pageSize = 1000;
    const reports = new AccessReportService({ sql: server.scimitar.store.sql, now: () => new Date(), pageSize });
    const report = await reports.open('large');
    const chunks: string[] = [];
    const progress: number[] = [];
    let seen = 0;
    const ids = new Set<string>();
    for await (const chunk of formatAccessReport(report, 'json', (usersSoFar) => progress.push(usersSoFar))) {
      chunks.push(chunk.slice(0, 40));
      const lines = chunk.trimEnd().split('\n');
      // One page of users per chunk, at most.
      expect(lines.length).toBeLessThanOrEqual(pageSize);
      for (const line of lines) {
        const parsed = JSON.parse(line) as Json;
        if (parsed['type'] === 'user') {
          seen += 1;
          ids.add(parsed['id'] as string);
        }
      }
    }
    expect(seen).toBe(USERS);
    expect(ids.size).toBe(USERS);
    // Header, twenty pages, end.
    expect(chunks).toHaveLength(USERS / pageSize + 2);
    expect(progress).toEqual(Array.from({ length: USERS / pageSize }, (_, index) => (index + 1) * pageSize));
  }, 120_000);
});
