/** `scimitar deletion …`: the delete policy and the safeguard from the command line, as an operator runs it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from './support.js';

describe('scimitar deletion', () => {
  let cli: CliSandbox;

  beforeAll(async () => {
    cli = cliSandbox();
    expect((await cli.run(['tenants', 'create', 'acme'])).code).toBe(0);
  });
  afterAll(() => {
    cli.remove();
  });

  it('shows the defaults, changes the policy and the thresholds, and refuses bad values', async () => {
    const shown = await cli.run(['deletion', 'show', 'acme']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/delete policy\s+hard/);
    expect(shown.stdout).toMatch(/safeguard\s+on: holds hard deletions beyond 10% of the users \(at least 25\) within 60 min/);
    const set = await cli.run(['deletion', 'set', 'acme', '--policy', 'soft', '--soft-delete-days', '14', '--minimum', '40', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ deletePolicy: 'soft', softDeleteDays: 14, safeguard: { enabled: true, minimum: 40, tripped: false, heldCount: 0 } });
    expect((await cli.run(['deletion', 'set', 'acme', '--percent', '101'])).code).toBe(1);
    expect((await cli.run(['deletion', 'set', 'acme'])).code).toBe(2);
    expect((await cli.run(['deletion', 'set', 'acme', '--policy', 'archive'])).code).toBe(2);
    expect((await cli.run(['deletion', 'show', 'nobody'])).code).toBe(1);
  });

  it('approve asks for confirmation (refused off a terminal without --yes); reject needs none', async () => {
    const refused = await cli.run(['deletion', 'approve', 'acme']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const approved = await cli.run(['deletion', 'approve', 'acme', '--yes', '--json']);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toEqual({ users: 0, remaining: 0 });
    const rejected = await cli.run(['deletion', 'reject', 'acme', '--json']);
    expect(JSON.parse(rejected.stdout)).toEqual({ users: 0, conflicts: [], remaining: 0 });
  });
});
