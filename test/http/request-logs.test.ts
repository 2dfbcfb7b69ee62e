/**
 * Personal data stays out of the request logs by default: a filter on an
 * email address is logged as `filter=[redacted]`, with the path and the
 * paging parameters intact; SCIMITAR_LOG_FULL_URLS=true logs URLs whole.
 * The log lines are read from the server's real pino stream.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { createUser, type Json } from './support.js';

class LogCapture extends Writable {
  readonly lines: Json[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line) as Json);
    done();
  }
  get text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}

const EMAIL_FILTER = `/scim/v2/Users?filter=${encodeURIComponent('userName eq "jane@corp.com"')}&startIndex=1&count=10`;

describe('request logs', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serverLoggingTo(capture: LogCapture, env: Record<string, string> = {}): Promise<TestServer> {
    return build({ SCIMITAR_LOG_LEVEL: 'info', ...env }, { logStream: capture });
  }

  it('log the path and the paging parameters, never the filter’s value', async () => {
    const capture = new LogCapture();
    server = await serverLoggingTo(capture);
    await createUser(server, 'jane@corp.com');
    expect((await server.request({ method: 'GET', url: EMAIL_FILTER })).statusCode).toBe(200);
    expect((await server.request({ method: 'GET', url: `/admin/v1/tenants/default/users?filter=${encodeURIComponent('emails.value co "jane"')}` })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await server.request({ method: 'GET', url: '/nowhere?email=jane@corp.com' })).statusCode).toBe(404);

    const urls = capture.lines.filter((line) => line['msg'] === 'incoming request').map((line) => line['req']?.['url']);
    expect(urls).toContain('/scim/v2/Users?filter=[redacted]&startIndex=1&count=10');
    expect(urls).toContain('/admin/v1/tenants/default/users?filter=[redacted]');
    expect(urls).toContain('/nowhere?email=[redacted]');
    expect(capture.text).not.toMatch(/jane/i);
  });

  it('log URLs whole when SCIMITAR_LOG_FULL_URLS is on', async () => {
    const capture = new LogCapture();
    server = await serverLoggingTo(capture, { SCIMITAR_LOG_FULL_URLS: 'true' });
    expect((await server.request({ method: 'GET', url: EMAIL_FILTER })).statusCode).toBe(200);
    const urls = capture.lines.filter((line) => line['msg'] === 'incoming request').map((line) => line['req']?.['url']);
    expect(urls).toContain(EMAIL_FILTER);
  });
});
