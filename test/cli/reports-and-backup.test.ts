/**
 * `scimitar access-report` as an operator runs it: the report on standard
 * output or in a file, progress and the event sequence on standard error,
 * exit codes for an unknown tenant and a bad format. And `scimitar backup`
 * of the same live database.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox, type Json } from './support.js';

describe('scimitar access-report', () => {
  let cli: CliSandbox;

  beforeAll(async () => {
    cli = cliSandbox();
    const seeded = await cli.run(['seed', '--users', '30', '--groups', '3', '--group-size', '10']);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 60_000);
  afterAll(() => {
    cli.remove();
  });

  it('writes CSV to standard output, the event sequence and a summary to standard error', async () => {
    const result = await cli.run(['access-report', '--tenant', 'default', '--format', 'csv']);
    expect(result.code, result.stderr).toBe(0);
    const rows = parseCsv(result.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(30);
    expect(rows.every((row) => row['active'] === 'true' && row['directGroups'] !== '' && row['eventSequence'] === '0')).toBe(true);
    expect(result.stderr).toMatch(/^Access report of tenant "default" as of event sequence 0 \(follow the feed with after=0\)\n/);
    expect(result.stderr).toMatch(/Exported 30 users\.\n$/);
  });

  it('writes JSON Lines to --output', async () => {
    const file = path.join(path.dirname(cli.databaseUrl.slice('sqlite:'.length)), 'report.jsonl');
    const result = await cli.run(['access-report', '--format', 'json', '--output', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
    expect(lines[0]).toMatchObject({ type: 'header', tenant: 'default', eventSequence: 0 });
    expect(lines.at(-1)).toEqual({ type: 'end', users: 30, eventSequence: 0 });
    expect(lines.filter((line) => line['type'] === 'user')).toHaveLength(30);
    expect(result.stderr).toContain(`Exported 30 users to ${file}.`);
  });

  it('fails with 1 for an unknown tenant and 2 for an unknown format', async () => {
    const unknown = await cli.run(['access-report', '--tenant', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No tenant "nobody"/);
    expect((await cli.run(['access-report', '--format', 'xlsx'])).code).toBe(2);
  });

  it('backup copies the database while a server has it open; the copy opens and holds every user', async () => {
    const server = await cli.server();
    try {
      const directory = path.dirname(cli.databaseUrl.slice('sqlite:'.length));
      const file = path.join(directory, 'backup.db');
      const result = await cli.run(['backup', file]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Copied .* to .*backup\.db in [\d.]+ s\.\nKeep .*\.secret with it/);
      const copy = new Database(file, { readonly: true, fileMustExist: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        expect((copy.prepare("SELECT COUNT(*) AS n FROM users WHERE tenant_id = 'default'").get() as { n: number }).n).toBe(30);
      } finally {
        copy.close();
      }
      // An existing file is never overwritten.
      expect((await cli.run(['backup', file])).code).toBe(2);
    } finally {
      await server.close();
    }
  });
});
