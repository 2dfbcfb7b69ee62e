/**
 * A benchmark server in its own child process: started on bare `node`
 * (optionally under --cpu-prof), awaited until it announces its URL, watched
 * through /proc (resident memory, CPU time), and stopped with SIGTERM so it
 * exits cleanly and writes its profile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { READY_PREFIX, type ReadyMessage } from './servers/lifecycle.js';

export interface ServerOptions {
  /** Shown in logs and errors. */
  readonly name: string;
  /** The compiled entry script. */
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
  /** How long start-up (including an in-memory seed) may take. */
  readonly startTimeoutMs?: number;
}

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Resident set size now, in MB (VmRSS, 10^6 bytes). */
  rssMB(): number;
  /** Peak resident set size since start, in MB (VmHWM). */
  peakRssMB(): number;
  /** User + system CPU time consumed so far, in clock ticks. */
  cpuTicks(): number;
  stop(): Promise<void>;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  // /proc reports kibibytes; figures are given in MB (10^6 bytes), the unit the memory target is stated in.
  return match ? (Number(match[1]) * 1024) / 1_000_000 : Number.NaN;
}

function cpuTicksOf(pid: number): number {
  // The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU time the whole machine spent busy (all processes, all cores), in clock ticks. */
export function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, ...fields] = line.trim().split(/\s+/);
  const values = fields.map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy, and interrupt time
  // is left out because on loopback it is mostly the benchmark's own packets. Steal stays: it is
  // time the hypervisor gave to someone else.
  return (values[0] ?? 0) + (values[1] ?? 0) + (values[2] ?? 0) + (values[7] ?? 0);
}

/** Linux's USER_HZ: /proc reports CPU time in hundredths of a second. */
export const TICKS_PER_SECOND = 100;

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrTail: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      process.stderr.write(`  [${options.name}] ${line}\n`);
    }
  });

  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start within ${(options.startTimeoutMs ?? 120_000) / 1000} s`));
    }, options.startTimeoutMs ?? 120_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(READY_PREFIX)) {
          clearTimeout(timer);
          resolve((JSON.parse(line.slice(READY_PREFIX.length)) as ReadyMessage).url);
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready (${signal ?? `code ${code}`}):\n${stderrTail.join('\n')}`));
    });
  });

  const pid = child.pid!;
  return {
    name: options.name,
    pid,
    url,
    rssMB: () => statusField(pid, 'VmRSS'),
    peakRssMB: () => statusField(pid, 'VmHWM'),
    cpuTicks: () => cpuTicksOf(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const exited = await Promise.race([waitForExit(child).then(() => true), sleep(30_000).then(() => false)]);
      if (!exited) {
        child.kill('SIGKILL');
        await waitForExit(child);
      }
    },
  };
}

/**
 * Waits until the server has stopped burning CPU: when a load run ends, a
 * slow target may still be working through requests the load generator has
 * given up on, and that work must not be billed to the next scenario.
 */
export async function waitUntilIdle(server: RunningServer, maxWaitMs = 120_000): Promise<number> {
  const started = Date.now();
  let previous = server.cpuTicks();
  for (;;) {
    await sleep(250);
    const now = server.cpuTicks();
    // Clock ticks are 10 ms: at most one tick in 250 ms is under 4% of a core.
    if (now - previous <= 1 || Date.now() - started > maxWaitMs) return (Date.now() - started) / 1000;
    previous = now;
  }
}

/** Samples the server's resident memory until stopped; the peak is what a scenario reports. */
export function sampleRss(server: RunningServer, intervalMs = 200): { stop(): { peakMB: number; lastMB: number } } {
  let peak = 0;
  let last = Number.NaN;
  const take = () => {
    try {
      last = server.rssMB();
      if (last > peak) peak = last;
    } catch {
      // The process may be exiting; the samples so far stand.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakMB: peak, lastMB: last };
    },
  };
}
