/**
 * The database's own CPU time during a measured window, for PostgreSQL on
 * this machine: every request of a scenario costs the database work the
 * server's CPU figure does not show (a list page that costs the server 3 ms
 * may cost PostgreSQL many times that). SQLite runs inside the server
 * process, so its cost is already in the server's figure.
 *
 * PostgreSQL is a family of processes (postmaster, one backend per
 * connection, background workers), all with the command name "postgres".
 * The meter reads utime + stime of each from /proc/<pid>/stat at the start
 * and at the end of the window and sums the growth.
 *
 * Limitation: a process that starts and exits inside the window is never
 * seen, and one that exits before the end loses its share. The server's
 * connection pool keeps its backends for the whole run, so in practice only
 * short-lived work (an autovacuum worker, a checkpoint burst of a worker that
 * exits) can be missed; a process present at the end but not at the start
 * counts from zero.
 *
 * The PostgreSQL may serve other work (on a shared machine, other test
 * suites): a client backend's process title names its database, and
 * backends of other databases are left out. The shared background processes
 * (checkpointer, WAL writer, autovacuum) count, whoever made them work.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** What /proc/<pid>/stat says about a process that matters here. */
export interface ProcessCpu {
  /** The command name (field 2, without its parentheses). */
  readonly command: string;
  /** utime + stime, in clock ticks. */
  readonly ticks: number;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name is in parentheses
 * and may itself hold spaces and parentheses, so the fields after it are
 * counted from the last ')'; utime and stime are fields 14 and 15.
 */
export function parseProcStat(text: string): ProcessCpu {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new RangeError(`not a /proc/<pid>/stat line: "${text.slice(0, 60)}"`);
  const fields = text.slice(close + 2).trim().split(' ');
  // fields[0] is field 3 (state): utime (14) and stime (15) are fields[11] and fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new RangeError(`no utime/stime in /proc/<pid>/stat: "${text.slice(0, 60)}"`);
  return { command: text.slice(open + 1, close), ticks: utime + stime };
}

/** CPU ticks per process id, at one instant. */
export type CpuSnapshot = ReadonlyMap<number, number>;

/**
 * The CPU the processes used between two snapshots: each process present at
 * the end, less what it had used at the start (nothing, when it started
 * meanwhile). A pid absent at the end has exited, and what it used after the
 * first snapshot is lost (see the module comment).
 */
export function ticksBetween(start: CpuSnapshot, end: CpuSnapshot): number {
  let ticks = 0;
  for (const [pid, endTicks] of end) {
    const startTicks = start.get(pid) ?? 0;
    // A pid reused by a new process may show fewer ticks than the old one had: count the new one's own.
    ticks += endTicks >= startTicks ? endTicks - startTicks : endTicks;
  }
  return ticks;
}

/**
 * Whether a PostgreSQL process, by its title (its /proc/<pid>/cmdline), does
 * work for `database`: a client backend titles itself
 * "postgres: [cluster: ]user database host(port) state" (or "[local]" for a
 * Unix socket); every other process (postmaster, checkpointer, WAL writer,
 * autovacuum) serves all databases and counts.
 */
export function servesDatabase(title: string, database: string): boolean {
  const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(title);
  return backend === null || backend[1] === database;
}

/** The CPU ticks of every PostgreSQL process that serves `database` (see servesDatabase), read from /proc now. */
export function snapshotPostgres(database: string): CpuSnapshot {
  const snapshot = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat.command !== 'postgres') continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      if (servesDatabase(title, database)) snapshot.set(Number(entry), stat.ticks);
    } catch {
      // The process exited between the listing and the read, or is another user's and hidden.
    }
  }
  return snapshot;
}

/** Whether a database URL names this machine, where its processes can be seen. */
export function isLocalDatabase(databaseUrl: string): boolean {
  const host = new URL(databaseUrl).hostname.replace(/^\[|\]$/g, '');
  // A host-less URL connects through the local Unix socket.
  return host === '' || host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Samples the database's CPU for one window: `start()` before it, then `stop()` gives the ticks used. */
export interface DatabaseCpuMeter {
  start(): { stop(): number };
}

/**
 * The meter for a run's database: undefined on SQLite (its CPU is the
 * server's) and for a PostgreSQL elsewhere, whose processes this machine
 * cannot see (the report then says "not measured").
 */
export function databaseCpuMeter(databaseUrl: string | undefined): DatabaseCpuMeter | undefined {
  if (databaseUrl === undefined || !/^postgres(ql)?:/.test(databaseUrl) || !isLocalDatabase(databaseUrl)) return undefined;
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres';
  return {
    start() {
      const before = snapshotPostgres(database);
      return { stop: () => ticksBetween(before, snapshotPostgres(database)) };
    },
  };
}
