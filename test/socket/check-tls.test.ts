/**
 * `scimitar check` reads the TLS version an https server negotiates: below
 * TLS 1.2 is a failure (Okta and Entra refuse it), TLS 1.3 passes. The
 * servers are real node:https listeners with a certificate made for the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';

describe('scimitar check and TLS versions', () => {
  let directory: string;
  let key: Buffer;
  let cert: Buffer;
  const servers: https.Server[] = [];

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'scimitar-check-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', 'key.pem', '-out', 'cert.pem'], { cwd: directory });
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr.toString()}`);
    key = readFileSync(path.join(directory, 'key.pem'));
    cert = readFileSync(path.join(directory, 'cert.pem'));
  });

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  async function serve(options: https.ServerOptions): Promise<string> {
    const server = https.createServer({ key, cert, ...options }, (_request, response) => response.writeHead(404).end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  }

  it('fails a server that offers nothing newer than TLS 1.1, and sends it no request', async () => {
    const url = await serve({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
    const report = await runCheck({ url, token: 'any', idps: ['okta'], timeoutMs: 5_000 });
    expect(report.ok).toBe(false);
    expect(report.steps[0]!.name).toBe('TLS handshake (best version the server offers): TLSv1.1');
    expect(report.diagnoses[0]!.code).toBe('tls-below-1.2');
    // The SCIM requests keep Node's TLS 1.2 minimum: the token never crosses TLS 1.1.
    expect(report.steps[1]!.status).toBeUndefined();
    expect(report.steps[1]!.diagnoses[0]!.code).toBe('unreachable');
  });

  it('passes the handshake step of a TLS 1.3 server', async () => {
    const url = await serve({});
    const report = await runCheck({ url, token: 'any', idps: ['okta'], timeoutMs: 5_000 });
    expect(report.steps[0]!).toMatchObject({ name: 'TLS handshake (best version the server offers): TLSv1.3', outcome: 'pass', diagnoses: [] });
  });
});
