/**
 * The row locks store logic appends to a SELECT, per dialect: the claim of
 * webhook deliveries and the enqueue of events rely on SKIP LOCKED to let
 * instances sharing one database take different rows.
 */
import { describe, expect, it } from 'vitest';
import type { RowLockOptions, SqlDialect } from '../dialect.js';
import { renderSql } from '../fragment.js';
import { postgresDialect } from './postgres.js';
import { sqliteDialect } from './sqlite.js';

const cases: readonly { readonly mode: 'update' | 'keyShare'; readonly options?: RowLockOptions; readonly expected: Readonly<Record<string, string>> }[] = [
  { mode: 'update', expected: { sqlite: '', postgres: ' FOR NO KEY UPDATE' } },
  { mode: 'update', options: { skipLocked: true }, expected: { sqlite: '', postgres: ' FOR NO KEY UPDATE SKIP LOCKED' } },
  { mode: 'keyShare', expected: { sqlite: '', postgres: ' FOR KEY SHARE' } },
];

const dialects: readonly SqlDialect[] = [sqliteDialect, postgresDialect];

describe.each(dialects.map((dialect) => [dialect.name, dialect] as const))('row locks on %s', (name, dialect) => {
  it.each(cases.map((entry) => [`${entry.mode}${entry.options?.skipLocked === true ? ', skipping locked rows' : ''}`, entry] as const))('%s', (_title, entry) => {
    const { text, parameters } = renderSql(dialect.rowLock(entry.mode, entry.options), dialect);
    expect(text).toBe(entry.expected[name]);
    expect(parameters).toEqual([]);
  });
});
