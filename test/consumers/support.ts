/** Shared by the consumer process suites: the app of consumer-app.ts as a real process, and what its handler wrote. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startInstance, type Instance } from '../helpers/instances.js';

export interface HandledLine {
  readonly pid: number;
  readonly id: string;
  readonly sequence: number;
  readonly type: string;
  readonly resourceId: string;
  readonly at: number;
  /** Written when a call began that never returns (CONSUMER_HANG_ON_TYPE). */
  readonly started?: boolean;
}

export function startConsumerApp(env: Record<string, string>): Promise<Instance> {
  return startInstance(env, ['test/consumers/consumer-app.ts']);
}

/** A temporary directory for the handlers' log files. */
export function logDirectory(): { file(name: string): string; remove(): void } {
  const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-consumers-'));
  return { file: (name) => path.join(directory, name), remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export function handledLines(...files: readonly string[]): HandledLine[] {
  return files.flatMap((file) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as HandledLine)
      : [],
  );
}
