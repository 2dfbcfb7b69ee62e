import type { Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropTestSchema, migratedTestPool, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { createPostgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { SqlTenantStore } from '../../../src/store/sql/tenant-store.js';
import { CREDENTIALS_CHANNEL, PostgresCredentialWatch } from '../../../src/store/postgres/credential-watch.js';
import { createListenerClient, type PoolSettings } from '../../../src/store/postgres/pool.js';
import { PostgresSessions } from '../../../src/store/postgres/postgres-driver.js';

const NOW = '2024-01-01T00:00:00.000Z';
const available = await postgresAvailableFor('the credential notice test');

describe.skipIf(!available)('the tenant store on the PostgreSQL driver: the credential notice', () => {
  let schema: string;
  let pool: Pool;
  let sessions: PostgresSessions;
  let watch: PostgresCredentialWatch;
  let tenants: SqlTenantStore;
  let notices: number;

  beforeEach(async () => {
    let settings: PoolSettings;
    ({ schema, pool, settings } = await migratedTestPool('scimitar_notice', 2));
    sessions = new PostgresSessions({ pool, dialect: createPostgresDialect('database') });
    tenants = new SqlTenantStore(sessions);
    watch = new PostgresCredentialWatch(() => createListenerClient(settings));
    await watch.start();
    expect(watch.live).toBe(true);
    notices = 0;
    watch.subscribe(() => (notices += 1));
    for (const tenantId of ['acme', 'doomed']) await tenants.ensureTenant(tenantId, tenantId, NOW);
    await tenants.insertToken({ id: 't1', tenantId: 'acme', name: 'okta', prefix: 'scim_abc', hash: 'h1', createdAt: NOW, expiresAt: undefined });
  });

  afterEach(async () => {
    await watch.close();
    await sessions.close();
    await dropTestSchema(schema);
  });

  it('is sent when a token is re-expired or revoked or a tenant deleted, once each', async () => {
    await tenants.expireToken('acme', 't1', '2030-01-01T00:00:00.000Z');
    await expect.poll(() => notices).toBe(1);
    await tenants.revokeToken('acme', 't1', NOW);
    await expect.poll(() => notices).toBe(2);
    await tenants.deleteTenant('doomed');
    await expect.poll(() => notices).toBe(3);
  });

  it('is not sent for a change rolled back, nor for one that changed nothing', async () => {
    // A listener of its own, recording payloads: the store's notices are empty, the test's marker is not.
    const listener = createListenerClient({ url: postgresTestUrl(), schema, poolSize: 1, statementTimeoutMs: 10_000 });
    const payloads: string[] = [];
    listener.on('notification', (message) => payloads.push(message.payload ?? ''));
    await listener.connect();
    try {
      await listener.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
      const failure = new Error('give up');
      await expect(
        sessions.write(async () => {
          expect(await tenants.revokeToken('acme', 't1', NOW)).toBe(true);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await tenants.revokeToken('acme', 'no-such-token', NOW)).toBe(false);
      expect(await tenants.deleteTenant('no-such-tenant')).toBe(false);
      expect(await tenants.revokeToken('acme', 't1', NOW)).toBe(true);
      // Notices reach one listener in commit order: once the marker is there, every notice sent before it is too.
      await pool.query('SELECT pg_notify($1, $2)', [CREDENTIALS_CHANNEL, 'marker']);
      await expect.poll(() => payloads.includes('marker')).toBe(true);
      expect(payloads).toEqual(['', 'marker']);
    } finally {
      await listener.end();
    }
  });
});
