/**
 * The SQL compiler against the in-memory evaluator (src/core/filter/evaluate.ts):
 * for each filter, the ids SQLite returns from real rows must be exactly the
 * ids of the resources `evaluateFilter` accepts. Users are generated with a
 * seeded generator: emails, phone numbers, the enterprise extension, absent
 * and empty values, mixed case and non-ASCII text; and users with none, one
 * and several elements of every multi-valued attribute (multiValuedUsers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differentialRegistry, itSelectsTheSameUsersForBothSpellings, expectAgreementOnGeneratedDirectories, expectAgreementOnGeneratedFilters, filterOutcomes, fullResource, generateUsers, handWrittenFilters, INSTANTS, multiValuedUsers, type FilterOutcomes } from '../../store-contract/differential-cases.js';
import type { FilterNode } from '../../../src/core/filter/ast.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import type { StoredResource } from '../../../src/store/store.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.js';

const TENANT = 'differential';
const registry = differentialRegistry();
const schemas = registry.forResourceType('User');

/** The text the users are drawn from and the generated filters compare against. */
const WORDS = ['alice', 'Alice', 'ÉMILE', 'émile', 'Zoë', 'straße', 'İstanbul', "O'Brien", 'a%b', 'a_b', 'x\\y', 'Tour Guide', '', '😀 smile', 'ＡＢ', 'bob', 'Nul\u0000Byte'];
const HAND_WRITTEN_FILTERS = handWrittenFilters();

describe('SQL filters agree with the in-memory evaluator (differential)', () => {
  let directory: string;
  let store: SqliteStore;
  let resources: Record<string, unknown>[] = [];

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    store = await openSqliteStore({ filename: path.join(directory, 'differential.db'), registry });
    await store.tenants.ensureTenant(TENANT, 'Differential', INSTANTS[0] ?? '');
    const stored = await store.transaction(async (writer) => {
      const inserted: StoredResource[] = [];
      for (const seed of [...generateUsers(30, WORDS), ...multiValuedUsers()]) {
        inserted.push(await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: seed.id, attributes: seed.attributes, passwordHash: undefined, now: seed.now }));
      }
      return inserted;
    });
    resources = stored.map(fullResource);
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** The outcome of running `filter` both ways: matching ids, or the error's scimType. */
  function bothWays(filter: FilterNode): Promise<FilterOutcomes> {
    return filterOutcomes(store, TENANT, resources, schemas, filter);
  }

  it('generates users that exercise the filters (sanity check of the fixture)', async () => {
    const { sql } = await bothWays(parseFilter('emails pr'));
    expect(Array.isArray(sql) && sql.length > 5 && sql.length < 30).toBe(true);
  });

  for (const text of HAND_WRITTEN_FILTERS) {
    it(`agrees on ${text}`, async () => {
      const { sql, memory } = await bothWays(parseFilter(text));
      expect(sql).toEqual(memory);
    });
  }

  itSelectsTheSameUsersForBothSpellings(bothWays);

  it('agrees on generated filters (fast-check)', async () => {
    await expectAgreementOnGeneratedFilters(WORDS, bothWays);
  });

  it('agrees on random directories × random filters (fast-check)', async () => {
    await expectAgreementOnGeneratedDirectories(store, schemas);
  }, 120_000);
});
