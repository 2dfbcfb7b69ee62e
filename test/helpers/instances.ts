/**
 * Real `scimitar start` processes, for the suites that need more than one
 * server or a server that can be killed: started from the sources with tsx
 * on a free port, resolved once the process says where it serves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Instance {
  readonly process: ChildProcess;
  /** The SCIM root it serves, e.g. http://127.0.0.1:40123/scim/v2. */
  readonly baseUrl: string;
}

/**
 * Starts `scimitar start` with this environment (PORT and HOST are chosen
 * here), or another entry (a script and its arguments, from the repository
 * root) that prints the same "serving SCIM 2.0 at …" line.
 */
export function startInstance(env: Record<string, string>, entry: readonly string[] = ['src/cli/main.ts', 'start']): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...entry], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`instance did not start in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving SCIM 2\.0 at (http:\/\/\S+\/scim\/v2)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ process: child, baseUrl: match[1].replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}:\n${output}`));
    });
  });
}
