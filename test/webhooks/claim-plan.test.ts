/**
 * The claim is polled by every instance, so its statement must stay an
 * index search however many deliveries are kept: pending deliveries by due
 * time, and the per-resource order check through its own index.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import { sqliteDialect } from '../../src/store/sql/dialects/sqlite.js';
import { renderSql } from '../../src/store/sql/fragment.js';
import { claimableDeliveries } from '../../src/store/sql/webhook-store.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { freshDatabase, type FreshDatabase } from '../helpers/fresh-database.js';

describe('the claim of due deliveries on SQLite', () => {
  let fresh: FreshDatabase<'sqlite'>;
  let filename: string;

  beforeAll(async () => {
    fresh = await freshDatabase('sqlite', { prefix: 'scimitar-claim-plan' });
    filename = fresh.storeOptions.filename;
    // Opening the store migrates the file.
    await (await openSqliteStore({ filename, registry: createDefaultRegistry() })).close();
  });
  afterAll(() => fresh.drop());

  it('finds claimable deliveries through the due index and checks order through the per-resource index', () => {
    const database = new Database(filename, { readonly: true });
    try {
      const { text, parameters } = renderSql(claimableDeliveries(sqliteDialect, '2030-01-01T00:00:00.000Z', 10, { webhooks: true, consumers: [] }), sqliteDialect);
      const plan = (database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((step) => step.detail).join('\n');
      expect(plan).toMatch(/SEARCH d USING INDEX webhook_deliveries_due/);
      expect(plan).toMatch(/SEARCH e USING COVERING INDEX webhook_deliveries_resource_order/);
      expect(plan).toMatch(/SEARCH w (EXISTS )?USING INDEX sqlite_autoindex_webhooks_1 \(id=\?\)/);
      expect(plan).not.toMatch(/SCAN d\b/);
    } finally {
      database.close();
    }
  });
});
