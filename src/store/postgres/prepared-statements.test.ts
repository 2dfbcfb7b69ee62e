import { describe, expect, it } from 'vitest';
import { parameter, sql, SqlFragment } from '../sql/fragment.js';
import { PreparedStatementNames } from './prepared-statements.js';

const byId = (id: string) => sql`SELECT id FROM tenants WHERE id = ${parameter(id)}`;
const TEXT = 'SELECT id FROM tenants WHERE id = $1';

describe('prepared statement names', () => {
  it('gives a statement of a kept shape one name, whatever its values', () => {
    const names = new PreparedStatementNames();
    const first = names.nameOf(byId('a'), TEXT);
    expect(first).toMatch(/^scimitar_\d+_\d+$/);
    expect(names.nameOf(byId('b'), TEXT)).toBe(first);
  });

  it('gives different texts different names, as node-postgres requires', () => {
    const names = new PreparedStatementNames();
    const a = names.nameOf(byId('a'), TEXT);
    const b = names.nameOf(sql`SELECT name FROM tenants WHERE id = ${parameter('a')}`, 'SELECT name FROM tenants WHERE id = $1');
    expect(a).not.toBe(b);
  });

  it('leaves a statement unnamed when its shape is not kept: its text may never come again', () => {
    const names = new PreparedStatementNames();
    expect(names.nameOf(new SqlFragment(['SELECT 1'], []), 'SELECT 1')).toBeUndefined();
    expect(names.size).toBe(0);
  });

  it('names at most `limit` texts; later ones run unnamed, the named ones keep their names', () => {
    const names = new PreparedStatementNames(2);
    const a = names.nameOf(byId('a'), 'A $1');
    const b = names.nameOf(byId('a'), 'B $1');
    expect(names.nameOf(byId('a'), 'C $1')).toBeUndefined();
    expect([names.nameOf(byId('a'), 'A $1'), names.nameOf(byId('a'), 'B $1')]).toEqual([a, b]);
  });

  it('after forget, names every text anew, never reusing a name an older generation gave another text', () => {
    const names = new PreparedStatementNames();
    const before = [names.nameOf(byId('a'), 'A $1'), names.nameOf(byId('a'), 'B $1')];
    names.forget();
    const after = [names.nameOf(byId('a'), 'B $1'), names.nameOf(byId('a'), 'A $1')];
    expect(after.every((name) => name !== undefined && !before.includes(name))).toBe(true);
    expect(new Set(after).size).toBe(2);
  });
});
