/** The documented command: `npx tsx examples/session-revocation/src/main.ts`, as a real process. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = 'examples/session-revocation/src/main.ts';

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPOSITORY,
    env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 20_000);
    child.stdout.on('data', () => {
      const match = /receiving Scimitar webhooks at (http:\/\/\S+)\/webhooks\/scimitar/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, exited, listening, output: () => output };
}

describe('src/main.ts', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'session-revocation-main-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('serves with the secret from SCIMITAR_WEBHOOK_SECRET, and stops on SIGTERM', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const app = start({ SCIMITAR_WEBHOOK_SECRET: secret, PORT: '0', STATE_FILE: path.join(directory, 'state.json') });
    const origin = await app.listening;
    const opened = await fetch(`${origin}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"scimId":"u1"}' });
    const { token } = (await opened.json()) as { token: string };
    expect((await fetch(`${origin}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const unsigned = await fetch(`${origin}/webhooks/scimitar`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('refuses to start without a usable secret, saying what to set', async () => {
    const missing = start({});
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toMatch(/SCIMITAR_WEBHOOK_SECRET/);
    missing.listening.catch(() => undefined);

    const malformed = start({ SCIMITAR_WEBHOOK_SECRET: 'hunter2' });
    expect(await malformed.exited).toBe(2);
    expect(malformed.output()).toMatch(/whsec_/);
    malformed.listening.catch(() => undefined);
  });
});
