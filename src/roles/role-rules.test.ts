import { describe, expect, it } from 'vitest';
import { isScimError } from '../core/errors/scim-error.js';
import { checkRoleMapping, effectiveRoles, type RoleMapping, type RoleRules } from './role-rules.js';

const at = '2030-01-01T00:00:00.000Z';

function rule(id: string, matchBy: RoleMapping['matchBy'], matchValue: string, role: string, precedence = 100): RoleMapping {
  return { id, matchBy, matchValue, role, precedence, createdAt: at };
}

const engineering = { id: 'g-1', displayName: 'Engineering', externalId: 'eng' };
const sales = { id: 'g-2', displayName: 'Sales', externalId: null };

describe('effective roles', () => {
  const rules: RoleRules = {
    mappings: [rule('a', 'displayName', 'ENGINEERING', 'editor', 20), rule('b', 'externalId', 'eng', 'deployer', 10), rule('c', 'id', 'g-2', 'seller', 20), rule('d', 'externalId', 'ENG', 'never')],
    defaultRole: 'member',
  };

  it('lists the roles of every matching rule by precedence, then name: displayName case-insensitively, externalId and id exactly', () => {
    expect(effectiveRoles([engineering, sales], rules)).toEqual(['deployer', 'editor', 'seller']);
  });

  it('gives a role once, at its best precedence', () => {
    const twice: RoleRules = { mappings: [rule('a', 'id', 'g-1', 'editor', 50), rule('b', 'id', 'g-2', 'editor', 1), rule('c', 'id', 'g-1', 'viewer', 10)], defaultRole: null };
    expect(effectiveRoles([engineering, sales], twice)).toEqual(['editor', 'viewer']);
  });

  it('gives the default role only when no rule matches, and nothing without one', () => {
    expect(effectiveRoles([], rules)).toEqual(['member']);
    expect(effectiveRoles([{ id: 'g-9', displayName: null, externalId: null }], { ...rules, defaultRole: null })).toEqual([]);
  });
});

describe('checking a rule', () => {
  function problem(input: Record<string, unknown>): string {
    try {
      checkRoleMapping(input);
    } catch (error) {
      if (isScimError(error)) return `${error.status} ${error.detail}`;
      throw error;
    }
    return 'accepted';
  }

  it('takes a valid rule, with precedence 100 unless given', () => {
    expect(checkRoleMapping({ matchBy: 'id', matchValue: 'g-1', role: 'editor' })).toEqual({ matchBy: 'id', matchValue: 'g-1', role: 'editor', precedence: 100 });
  });

  it('refuses each bad field with a 400 naming it', () => {
    expect(problem({ matchBy: 'name', matchValue: 'x', role: 'r' })).toMatch(/^400 matchBy/);
    expect(problem({ matchBy: 'id', matchValue: 'x\u0000', role: 'r' })).toMatch(/^400 matchValue/);
    expect(problem({ matchBy: 'displayName', matchValue: '\u0130'.repeat(200), role: 'r' })).toMatch(/^400 matchValue is longer/);
    expect(problem({ matchBy: 'id', matchValue: 'x', role: 7 })).toMatch(/^400 role must be a string/);
    expect(problem({ matchBy: 'id', matchValue: 'x', role: 'r', precedence: 1.5 })).toMatch(/^400 precedence/);
  });
});
