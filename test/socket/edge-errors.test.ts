/**
 * Errors raised before a route exists, over a raw TCP socket (node:net): a
 * request line or headers over 16 KB (431) and a control character in a
 * header value (400) are refused by Node's HTTP parser, and still answer an
 * RFC 7644 §3.12 error body on SCIM paths (the admin API's own shape on its
 * paths). A body over the limit answers a 413 that ordinary clients (fetch,
 * node:http) read, instead of a reset connection.
 */
import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, TEST_TOKEN, type TestServer } from '../helpers/build.js';
import { ERROR_SCHEMA, type Json } from '../http/support.js';

const BODY_LIMIT = 4096;
const BULK_MAX_PAYLOAD = 65_536;

interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

describe('errors before any route, over a raw socket', () => {
  let server: TestServer;
  let port: number;

  beforeAll(async () => {
    server = await build({ SCIMITAR_BODY_LIMIT: String(BODY_LIMIT), SCIMITAR_BULK_MAX_PAYLOAD_SIZE: String(BULK_MAX_PAYLOAD) });
    await server.scimitar.app.listen({ port: 0, host: '127.0.0.1' });
    port = (server.scimitar.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await server.close();
  });

  /** Writes `request` as bytes and reads everything the server sends until it closes the connection. */
  function rawExchange(request: string | Buffer): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head = '', body = ''] = text.split('\r\n\r\n');
        const [statusLine = '', ...headerLines] = head.split('\r\n');
        const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
      });
      socket.end(request);
    });
  }

  function expectScimErrorAnswer(answer: RawAnswer, status: number): Json {
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/scim\+json/);
    const body = JSON.parse(answer.body) as Json;
    expect(body['schemas']).toEqual([ERROR_SCHEMA]);
    expect(body['status']).toBe(String(status));
    expect(typeof body['detail']).toBe('string');
    return body;
  }

  const longFilter = `userName eq "${'a'.repeat(20_000)}"`;

  it('answers a URL over 16 KB on /scim/v2 with a SCIM 431', async () => {
    const answer = await rawExchange(`GET /scim/v2/Users?filter=${encodeURIComponent(longFilter)} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n\r\n`);
    expect(expectScimErrorAnswer(answer, 431)['detail']).toMatch(/16 KB.*\.search/);
  });

  it('answers header fields over 16 KB on a tenant’s URL with a SCIM 431', async () => {
    const answer = await rawExchange(`GET /t/acme/scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`);
    expectScimErrorAnswer(answer, 431);
  });

  it('answers a control character in a header value with a SCIM 400', async () => {
    const answer = await rawExchange(`GET /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nX-Note: one\u0001two\r\n\r\n`);
    expect(expectScimErrorAnswer(answer, 400)['detail']).toMatch(/control character/);
  });

  it('answers a malformed request line with a SCIM 400', async () => {
    expectScimErrorAnswer(await rawExchange('GET /scim/v2/Users HTTP/9.9 extra\r\n\r\n'), 400);
  });

  it('answers in the admin API’s own error shape on its paths', async () => {
    const answer = await rawExchange(`GET /admin/v1/tenants?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ status: 431, code: 'header_fields_too_large', message: expect.stringMatching(/16 KB/) });
  });

  it('lets fetch read the 413 of a body 500 times over the limit', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'x'.repeat(BODY_LIMIT * 500) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    const body = (await response.json()) as Json;
    expect(body['schemas']).toEqual([ERROR_SCHEMA]);
    expect(body['status']).toBe('413');
  });

  it('lets node:http read the 413 of a Bulk sent in pieces, 50 times over maxPayloadSize, once it has sent it all', async () => {
    const total = BULK_MAX_PAYLOAD * 50;
    const answer = await new Promise<{ status: number; body: string; sentAll: boolean }>((resolve, reject) => {
      let sent = 0;
      const request = http.request(
        { port, host: '127.0.0.1', method: 'POST', path: '/scim/v2/Bulk', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json', 'content-length': total } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, sentAll: sent === total }));
        },
      );
      request.on('error', reject);
      const piece = Buffer.alloc(16_384, 0x20);
      const sendNext = () => {
        if (sent >= total) {
          request.end();
          return;
        }
        sent += piece.length;
        // Each piece after the previous one has left: the client is still sending when the limit is passed.
        request.write(piece, () => setImmediate(sendNext));
      };
      sendNext();
    });
    expect(answer.sentAll).toBe(true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)['detail']).toMatch(/maxPayloadSize \(65536 bytes\)/);
  });
});
