import { describe, expect, it } from 'vitest';
import { parseOptions, selectedScenarios } from '../../bench/options.js';

describe('the initial sync on the command line (bench/options.ts)', () => {
  it('syncs 100,000 users unless --sync-users says otherwise', () => {
    expect(parseOptions([])?.syncUsers).toBe(100_000);
    expect(parseOptions(['--sync-users', '2000'])?.syncUsers).toBe(2000);
    expect(() => parseOptions(['--sync-users', '0'])).toThrow(RangeError);
  });

  it('runs only when --only names it: it adds its users to the directory every later scenario measures', () => {
    expect(selectedScenarios(undefined).map((scenario) => scenario.id)).not.toContain('initial-sync');
    expect(selectedScenarios(new Set(['get-user', 'initial-sync'])).map((scenario) => scenario.id)).toEqual(['get-user', 'initial-sync']);
  });
});
