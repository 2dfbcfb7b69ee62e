/**
 * Setup links through the admin API (/admin/v1/tenants/{tenant}/setup-links)
 * and the services the setup portal calls: resolving a link, checking it on
 * every later request, and managing the tenant's tokens through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupLinkRefusedError } from '../../src/setup-links/portal-tokens.js';
import { build, type TestServer } from '../helpers/build.js';
import type { Json } from '../http/support.js';
import { clientFor } from '../tenancy/support.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from './support.js';

const ORIGIN = 'https://scim.example.com';
const DAY_MS = 86_400_000;

describe('setup links', () => {
  let server: TestServer;
  let admin: AdminClient;
  /** The server's clock: tests move it to expire links. */
  let clockOffsetMs = 0;
  const now = () => new Date(Date.now() + clockOffsetMs);

  beforeAll(async () => {
    server = await build({ SCIMITAR_AUTH_FAILURE_LIMIT: '100000' }, { now });
    admin = await adminClient(server);
    for (const id of ['acme', 'globex']) expectJson(await admin.request('POST', '/tenants', { id }), 201);
  });
  afterAll(async () => {
    await server.close();
  });

  async function createLink(tenant: string, body: Json = {}): Promise<Json> {
    return expectJson(await admin.request('POST', `/tenants/${tenant}/setup-links`, body), 201);
  }

  function secretOf(created: Json): string {
    return decodeURIComponent(String(created['url']).split('/').pop()!);
  }

  describe('admin API', () => {
    it('POST creates a link for one tenant, expiring in 7 days by default, with its URL shown once', async () => {
      const before = now().getTime();
      const created = await createLink('acme', { note: 'sent to it@acme.example' });
      expect(created).toEqual({
        id: expect.any(String),
        tenant: 'acme',
        note: 'sent to it@acme.example',
        status: 'active',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        revokedAt: null,
        lastUsedAt: null,
        url: expect.stringMatching(/^https:\/\/scim\.example\.com\/setup\/scimsetup_[A-Za-z0-9_-]{43}$/),
      });
      const lifetime = Date.parse(created['expiresAt']) - Date.parse(created['createdAt']);
      expect(lifetime).toBe(7 * DAY_MS);
      expect(Date.parse(created['createdAt'])).toBeGreaterThanOrEqual(before - 1);

      const secret = secretOf(created);
      const listed = expectJson(await admin.request('GET', '/tenants/acme/setup-links'), 200);
      const { url: _url, ...summary } = created;
      expect(listed['setupLinks']).toEqual([summary]);
      expect(JSON.stringify(listed)).not.toContain(secret);
      const shown = expectJson(await admin.request('GET', `/tenants/acme/setup-links/${created['id']}`), 200);
      expect(Object.keys(shown).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'note', 'revokedAt', 'status', 'tenant']);
      expect(JSON.stringify(shown)).not.toContain(secret);
      // Only the keyed hash is stored.
      const rows = (await server.rawTables())['setup_links'] ?? [];
      expect(rows.join('\n')).not.toContain(secret);
      expect(rows.join('\n')).toContain('hmac-sha256:');
    });

    it('takes the lifetime as expiresInSeconds or expiresAt, bounded to 30 days', async () => {
      const short = await createLink('acme', { expiresInSeconds: 3600 });
      expect(Date.parse(short['expiresAt']) - Date.parse(short['createdAt'])).toBe(3_600_000);
      const expiresAt = new Date(now().getTime() + 2 * DAY_MS).toISOString();
      expect((await createLink('acme', { expiresAt }))['expiresAt']).toBe(expiresAt);

      const farAway = new Date(now().getTime() + 31 * DAY_MS).toISOString();
      expect(expectAdminError(await admin.request('POST', '/tenants/acme/setup-links', { expiresAt: farAway }), 400, 'bad_request')['message']).toMatch(/at most 30 days/);
      expect(expectAdminError(await admin.request('POST', '/tenants/acme/setup-links', { expiresAt: '2020-01-01T00:00:00Z' }), 400, 'bad_request')['message']).toMatch(/not in the future/);
      expectAdminError(await admin.request('POST', '/tenants/acme/setup-links', { expiresInSeconds: 31 * 86_400 }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants/acme/setup-links', { expiresInSeconds: 60, expiresAt }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants/acme/setup-links', { note: 'x'.repeat(501) }), 400, 'bad_request');
      expectAdminError(await admin.request('POST', '/tenants/acme/setup-links', { secret: 'mine' }), 400, 'bad_request');
    });

    it('answers 404 for an unknown tenant, and for another tenant’s link', async () => {
      expectAdminError(await admin.request('POST', '/tenants/nobody/setup-links', {}), 404, 'not_found');
      expectAdminError(await admin.request('GET', '/tenants/nobody/setup-links'), 404, 'not_found');
      const created = await createLink('acme');
      expectAdminError(await admin.request('GET', `/tenants/globex/setup-links/${created['id']}`), 404, 'not_found');
      expectAdminError(await admin.request('DELETE', `/tenants/globex/setup-links/${created['id']}`), 404, 'not_found');
      expect(await server.scimitar.setupLinks.resolve(secretOf(created))).toMatchObject({ valid: true });
    });

    it('DELETE revokes a link: it stays listed as revoked and opens nothing from then on', async () => {
      const created = await createLink('globex');
      const secret = secretOf(created);
      expect(await server.scimitar.setupLinks.resolve(secret)).toMatchObject({ valid: true, grant: { tenantId: 'globex', linkId: created['id'] } });
      const revoked = expectJson(await admin.request('DELETE', `/tenants/globex/setup-links/${created['id']}`), 200);
      expect(revoked).toMatchObject({ id: created['id'], status: 'revoked', revokedAt: expect.any(String) });
      expect(await server.scimitar.setupLinks.resolve(secret)).toEqual({ valid: false, reason: 'revoked' });
      expect(await server.scimitar.setupLinks.check({ tenantId: 'globex', linkId: created['id'] })).toEqual({ valid: false, reason: 'revoked' });
      // Revoking again keeps the first time.
      expect(expectJson(await admin.request('DELETE', `/tenants/globex/setup-links/${created['id']}`), 200)['revokedAt']).toBe(revoked['revokedAt']);
    });

    it('requires an admin key', async () => {
      const response = await server.scimitar.app.inject({ method: 'GET', url: '/admin/v1/tenants/acme/setup-links' });
      expectAdminError(response, 401, 'unauthorized');
    });
  });

  describe('resolving a link (the setup portal)', () => {
    it('grants the link’s one tenant until it expires, and records its last use', async () => {
      const created = await createLink('acme', { expiresInSeconds: 3600 });
      const secret = secretOf(created);
      expect(await server.scimitar.setupLinks.resolve(secret)).toEqual({
        valid: true,
        grant: { tenantId: 'acme', linkId: created['id'], expiresAt: created['expiresAt'] },
      });
      await expect.poll(async () => (await server.scimitar.setupLinks.get('acme', created['id'])).lastUsedAt).toEqual(expect.any(String));
      clockOffsetMs += 3_600_000;
      try {
        expect(await server.scimitar.setupLinks.resolve(secret)).toEqual({ valid: false, reason: 'expired' });
        expect(await server.scimitar.setupLinks.check({ tenantId: 'acme', linkId: created['id'] })).toEqual({ valid: false, reason: 'expired' });
        expect((await server.scimitar.setupLinks.get('acme', created['id'])).status).toBe('expired');
      } finally {
        clockOffsetMs -= 3_600_000;
      }
    });

    it('answers a tampered, malformed or empty secret, and an unknown link id, as unknown', async () => {
      const created = await createLink('acme');
      const secret = secretOf(created);
      const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
      expect(await server.scimitar.setupLinks.resolve(tampered)).toEqual({ valid: false, reason: 'unknown' });
      expect(await server.scimitar.setupLinks.resolve('not a secret')).toEqual({ valid: false, reason: 'unknown' });
      expect(await server.scimitar.setupLinks.resolve('')).toEqual({ valid: false, reason: 'unknown' });
      expect(await server.scimitar.setupLinks.check({ tenantId: 'acme', linkId: 'no-such-link' })).toEqual({ valid: false, reason: 'unknown' });
    });

    it('says the tenant is gone once the link’s tenant is deleted', async () => {
      expectJson(await admin.request('POST', '/tenants', { id: 'initech' }), 201);
      const created = await createLink('initech');
      expect(await server.scimitar.setupLinks.check({ tenantId: 'initech', linkId: created['id'] })).toMatchObject({ valid: true });
      expectJson(await admin.request('DELETE', '/tenants/initech'), 204);
      expect(await server.scimitar.setupLinks.check({ tenantId: 'initech', linkId: created['id'] })).toEqual({ valid: false, reason: 'tenant_gone' });
      // The link went with its tenant: its secret is now simply unknown.
      expect(await server.scimitar.setupLinks.resolve(secretOf(created))).toEqual({ valid: false, reason: 'unknown' });
    });
  });

  describe("the portal's token management", () => {
    it('creates a token for the link’s tenant that names the link, lists, rotates and revokes', async () => {
      const created = await createLink('acme');
      const resolution = await server.scimitar.setupLinks.resolve(secretOf(created));
      if (!resolution.valid) throw new TypeError(`link refused: ${resolution.reason}`);
      const { grant } = resolution;
      const portal = server.scimitar.portalTokens;

      const issued = await portal.create(grant, { name: 'Okta' });
      expect(issued.summary).toMatchObject({ tenantId: 'acme', name: 'Okta', status: 'active', setupLinkId: grant.linkId });
      const scim = clientFor(server, 'acme', issued.token, issued.summary.id);
      expect((await scim.request('GET', `${scim.base}/Users?count=1`)).statusCode).toBe(200);

      // The operator sees which tokens came through the link.
      const listed = expectJson(await admin.request('GET', '/tenants/acme/tokens'), 200)['tokens'] as Json[];
      expect(listed.find((token) => token['id'] === issued.summary.id)).toMatchObject({ setupLinkId: grant.linkId, name: 'Okta' });
      expect(listed.filter((token) => token['setupLinkId'] === null).length).toBeGreaterThanOrEqual(1);
      expect((await portal.list(grant)).map((token) => token.id)).toContain(issued.summary.id);

      const rotated = await portal.rotate(grant, issued.summary.id, { overlapMs: 60_000 });
      expect(rotated.summary.setupLinkId).toBe(grant.linkId);
      expect(Date.parse(rotated.previous.expiresAt!) - now().getTime()).toBeLessThanOrEqual(60_000);
      await expect(portal.rotate(grant, rotated.summary.id, { overlapMs: 8 * DAY_MS })).rejects.toMatchObject({ status: 400 });

      const revoked = await portal.revoke(grant, rotated.summary.id);
      expect(revoked.status).toBe('revoked');
      const successor = clientFor(server, 'acme', rotated.token, rotated.summary.id);
      expect((await successor.request('GET', `${successor.base}/Users?count=1`)).statusCode).toBe(401);
    });

    it('reaches only the link’s tenant', async () => {
      const created = await createLink('acme');
      const resolution = await server.scimitar.setupLinks.resolve(secretOf(created));
      if (!resolution.valid) throw new TypeError(`link refused: ${resolution.reason}`);
      const globexTokens = expectJson(await admin.request('GET', '/tenants/globex/tokens'), 200)['tokens'] as Json[];
      const globexTokenId = String(globexTokens[0]!['id']);
      await expect(server.scimitar.portalTokens.revoke(resolution.grant, globexTokenId)).rejects.toMatchObject({ status: 404 });
      // A grant naming another tenant than its link's is refused as an unknown link.
      await expect(server.scimitar.portalTokens.list({ tenantId: 'globex', linkId: resolution.grant.linkId })).rejects.toMatchObject({ reason: 'unknown' });
      const still = expectJson(await admin.request('GET', '/tenants/globex/tokens'), 200)['tokens'] as Json[];
      expect(still.find((token) => token['id'] === globexTokenId)?.['status']).toBe('active');
    });

    it('stops at once when the link is revoked, while the tokens made through it keep working', async () => {
      const created = await createLink('acme');
      const resolution = await server.scimitar.setupLinks.resolve(secretOf(created));
      if (!resolution.valid) throw new TypeError(`link refused: ${resolution.reason}`);
      const issued = await server.scimitar.portalTokens.create(resolution.grant);
      expect(issued.summary.name).toBe('setup portal token');
      expectJson(await admin.request('DELETE', `/tenants/acme/setup-links/${created['id']}`), 200);
      const refusal = await server.scimitar.portalTokens.create(resolution.grant).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(SetupLinkRefusedError);
      expect(refusal).toMatchObject({ reason: 'revoked', message: expect.stringContaining('withdrawn') });
      await expect(server.scimitar.portalTokens.list(resolution.grant)).rejects.toBeInstanceOf(SetupLinkRefusedError);
      const scim = clientFor(server, 'acme', issued.token, issued.summary.id);
      expect((await scim.request('GET', `${scim.base}/Users?count=1`)).statusCode).toBe(200);
    });
  });
});
