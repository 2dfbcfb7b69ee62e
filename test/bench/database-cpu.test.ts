import { describe, expect, it } from 'vitest';
import { isLocalDatabase, parseProcStat, servesDatabase, ticksBetween } from '../../bench/database-cpu.js';

describe('the database CPU meter (bench/database-cpu.ts)', () => {
  it('reads utime + stime, fields 14 and 15 of /proc/<pid>/stat', () => {
    const line = '2229 (postgres) S 2224 2229 2229 0 -1 4194368 250 0 0 0 37 12 0 0 20 0 1 0 3096 223932416 2306 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ command: 'postgres', ticks: 49 });
  });

  it('counts fields from the last parenthesis: a command name may hold spaces and parentheses', () => {
    const line = '77 (odd) name (x)) R 1 77 77 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 10 0 0 0';
    expect(parseProcStat(line)).toEqual({ command: 'odd) name (x)', ticks: 11 });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('no parentheses here')).toThrow(RangeError);
  });

  it('sums the growth of processes present at the end; one started meanwhile counts from zero', () => {
    const start = new Map([[10, 100], [11, 50]]);
    const end = new Map([[10, 130], [11, 50], [12, 7]]);
    expect(ticksBetween(start, end)).toBe(30 + 0 + 7);
  });

  it('loses what a process that exited during the window used (the documented limitation)', () => {
    expect(ticksBetween(new Map([[10, 100], [13, 40]]), new Map([[10, 110]]))).toBe(10);
  });

  it('counts a reused pid whose ticks went down as a new process', () => {
    expect(ticksBetween(new Map([[10, 500]]), new Map([[10, 3]]))).toBe(3);
  });

  it("keeps client backends of the bench's database and every background process, not other databases' backends", () => {
    expect(servesDatabase('postgres: 15/main: postgres bench_sync 127.0.0.1(50432) idle', 'bench_sync')).toBe(true);
    expect(servesDatabase('postgres: postgres bench_sync [local] SELECT', 'bench_sync')).toBe(true);
    expect(servesDatabase('postgres: 15/main: postgres test 127.0.0.1(50433) idle', 'bench_sync')).toBe(false);
    expect(servesDatabase('postgres: 15/main: checkpointer', 'bench_sync')).toBe(true);
    expect(servesDatabase('postgres: 15/main: logical replication launcher', 'bench_sync')).toBe(true);
    expect(servesDatabase('/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main', 'bench_sync')).toBe(true);
  });

  it('sees the processes of a PostgreSQL on this machine only', () => {
    expect(isLocalDatabase('postgres://postgres@127.0.0.1:5432/bench')).toBe(true);
    expect(isLocalDatabase('postgres://postgres@localhost/bench')).toBe(true);
    expect(isLocalDatabase('postgres://postgres@[::1]:5432/bench')).toBe(true);
    expect(isLocalDatabase('postgres://postgres@db.example.com:5432/bench')).toBe(false);
  });
});
