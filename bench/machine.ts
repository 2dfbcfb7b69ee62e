/** The machine and software a run measured, recorded with its figures. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly os: string;
  readonly node: string;
  /** The SQLite library better-sqlite3 embeds. */
  readonly sqlite: string;
  /** Versions of the packages the servers and the load generator run on. */
  readonly packages: Readonly<Record<string, string>>;
}

const PACKAGES = ['fastify', 'better-sqlite3', 'pg', 'scimmy', 'scimmy-routers', 'express', 'autocannon'];

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function sqliteVersion(repoRoot: string): string {
  try {
    type Database = { prepare(sql: string): { pluck(): { get(): unknown } }; close(): void };
    const open = createRequire(path.join(repoRoot, 'package.json'))('better-sqlite3') as (filename: string) => Database;
    const db = open(':memory:');
    const version = String(db.prepare('SELECT sqlite_version()').pluck().get());
    db.close();
    return version;
  } catch {
    return 'unknown';
  }
}

function packageVersion(repoRoot: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function describeMachine(repoRoot: string): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 1e9),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite: sqliteVersion(repoRoot),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(repoRoot, name)])),
  };
}
