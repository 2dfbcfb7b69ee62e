import { describe, expect, it } from 'vitest';
import { checkIssueTargets, ENTRA_FASTEST_OBJECTS_PER_SECOND, ISSUE_TARGETS, type ScenarioFigures } from '../../bench/issue-targets.js';

const figures = (values: Partial<ScenarioFigures>): ScenarioFigures => ({ ceilingFraction: Number.NaN, serverCpuMs: Number.NaN, usersPerSecond: Number.NaN, ...values });

describe("issue 18's targets (bench/issue-targets.ts)", () => {
  it('states the SQLite targets: GET 35%, lookup 30%, Okta loop and PATCH 15% of the ceiling', () => {
    const bounds = Object.fromEntries(ISSUE_TARGETS.sqlite.filter((target) => target.measure === 'ceiling-fraction').map((target) => [target.scenarioId, target.value]));
    expect(bounds).toEqual({ 'get-user': 0.35, 'filter-lookup': 0.3, 'okta-loop': 0.15, 'patch-deactivate': 0.15 });
  });

  it('states the PostgreSQL targets: GET and lookup 25%, Okta loop and PATCH 10%, list and cursor pages at most 2 ms of server CPU', () => {
    const postgres = ISSUE_TARGETS.postgres;
    expect(Object.fromEntries(postgres.filter((target) => target.measure === 'ceiling-fraction').map((target) => [target.scenarioId, target.value]))).toEqual({
      'get-user': 0.25,
      'filter-lookup': 0.25,
      'okta-loop': 0.1,
      'patch-deactivate': 0.1,
    });
    const cpu = postgres.filter((target) => target.measure === 'server-cpu-ms');
    expect(cpu.map((target) => [target.scenarioId, target.bound, target.value])).toEqual([
      ['list-start', 'at-most', 2],
      ['cursor-start', 'at-most', 2],
    ]);
  });

  it("holds the initial sync to a multiple of Entra's fastest documented pace, 0.01 minute per object, on both databases", () => {
    expect(ENTRA_FASTEST_OBJECTS_PER_SECOND * 60).toBeCloseTo(100);
    for (const database of ['sqlite', 'postgres'] as const) {
      const sync = ISSUE_TARGETS[database].find((target) => target.scenarioId === 'initial-sync');
      expect(sync?.measure).toBe('users-per-second');
      expect(sync!.value).toBeGreaterThan(ENTRA_FASTEST_OBJECTS_PER_SECOND);
    }
  });

  it('meets a lower bound at the bound and misses it below', () => {
    const at = checkIssueTargets('sqlite', (id) => (id === 'get-user' ? figures({ ceilingFraction: 0.35 }) : undefined));
    expect(at.find((check) => check.goal.includes('GET'))?.met).toBe(true);
    const below = checkIssueTargets('sqlite', (id) => (id === 'get-user' ? figures({ ceilingFraction: 0.34 }) : undefined));
    expect(below.find((check) => check.goal.includes('GET'))?.met).toBe(false);
  });

  it('meets an upper bound of server CPU at or under it', () => {
    const checks = checkIssueTargets('postgres', (id) => (id === 'list-start' ? figures({ serverCpuMs: 2 }) : id === 'cursor-start' ? figures({ serverCpuMs: 2.01 }) : undefined));
    expect(checks.find((check) => check.goal.includes('list page'))?.met).toBe(true);
    expect(checks.find((check) => check.goal.includes('cursor page'))?.met).toBe(false);
  });

  it('says "not measured" (met undefined) for a scenario the run did not measure, or a figure that is not a number', () => {
    const checks = checkIssueTargets('postgres', (id) => (id === 'get-user' ? figures({}) : undefined));
    expect(checks.every((check) => check.met === undefined && check.measured === undefined)).toBe(true);
  });
});
