/**
 * Scimitar's SCIM API as one `(req, res)` handler, over real sockets: in
 * Express with a body parser mounted first (the body is already read when
 * the handler runs), in Express without one, and as a plain `node:http`
 * listener. The same SCIM answers in every case, SCIM's body limit applies
 * whatever the app's parser allows, and links, the request log and the log
 * lines carry the app's mount path.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { build, SCIM_JSON, TEST_TOKEN, type TestServer } from '../helpers/build.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function scimRequest(url: string, method: string, body?: unknown, contentType = SCIM_JSON): Promise<Response> {
  return fetch(url, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

/** The Okta-like round trip every host must pass: create, look up by userName, deactivate by PATCH, read back. */
async function provisionOneUser(scimRoot: string, contentType = SCIM_JSON): Promise<{ readonly location: string }> {
  const created = await scimRequest(`${scimRoot}/Users`, 'POST', { schemas: [USER_SCHEMA], userName: 'ada@example.com', active: true }, contentType);
  expect(created.status).toBe(201);
  const user = (await created.json()) as { id: string; meta: { location: string } };
  const found = await scimRequest(`${scimRoot}/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`, 'GET');
  expect(await found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  const patched = await scimRequest(`${scimRoot}/Users/${user.id}`, 'PATCH', { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] }, contentType);
  expect(patched.status).toBe(200);
  expect(await patched.json()).toMatchObject({ active: false });
  return { location: user.meta.location };
}

/** The server's pino lines, parsed. */
class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
  /** The URL of every `incoming request` line. */
  get requestUrls(): unknown[] {
    return this.lines.filter((line) => line['msg'] === 'incoming request').map((line) => (line['req'] as Record<string, unknown>)['url']);
  }
}

/** An Express app with its own JSON route; `beforeScim` runs first (a body parser, or nothing). */
function expressHost(scimitar: TestServer['scimitar'], mountPath: string, beforeScim: ((app: Express) => void) | undefined): Express {
  const app = express();
  beforeScim?.(app);
  app.use(mountPath, scimitar.handler());
  app.use(express.json());
  app.post('/api/notes', (request, response) => {
    response.json({ echoed: request.body as unknown });
  });
  return app;
}

describe('scimitar.handler() in Express, Connect-style middleware and node:http', () => {
  let server: TestServer | undefined;
  let http: Server | undefined;

  afterEach(async () => {
    // The app's shutdown order: stop accepting, then close Scimitar.
    const closing = http !== undefined ? closeServer(http) : Promise.resolve();
    await server?.close();
    await closing;
    server = undefined;
    http = undefined;
  });

  async function serve(listener: Express | RequestListener): Promise<string> {
    http = createServer(listener as RequestListener);
    return listen(http);
  }

  it.each([
    ['no body parser', undefined],
    ['express.json() for both JSON media types', (app: Express) => app.use(express.json({ type: ['application/json', 'application/scim+json'] }))],
    ['express.json() for application/json only (body-parser leaves SCIM bodies unread)', (app: Express) => app.use(express.json())],
    ['express.text() for every type (the body is a string)', (app: Express) => app.use(express.text({ type: '*/*' }))],
    ['express.raw() for every type (the body is a Buffer)', (app: Express) => app.use(express.raw({ type: '*/*' }))],
  ])('provisions a user through Express with %s mounted first', async (_name, beforeScim) => {
    server = await build();
    const root = `${await serve(expressHost(server.scimitar, '/scim/v2', beforeScim))}/scim/v2`;
    for (const contentType of [SCIM_JSON, 'application/json']) {
      const { location } = await provisionOneUser(root, contentType);
      expect(location).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
      const id = location.split('/').at(-1)!;
      expect((await scimRequest(`${root}/Users/${id}`, 'DELETE')).status).toBe(204);
    }
  });

  it('gives the SCIM error, not a hang, for malformed JSON the SCIM parser sees, and keeps the app routes working', async () => {
    server = await build();
    const origin = await serve(expressHost(server.scimitar, '/scim/v2', undefined));
    const malformed = await scimRequest(`${origin}/scim/v2/Users`, 'POST', '{"userName": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const note = await fetch(`${origin}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":"hi"}' });
    expect(await note.json()).toEqual({ echoed: { note: 'hi' } });
  });

  it("applies SCIM's body limit to a body the app's more generous parser already read", async () => {
    server = await build({ SCIMITAR_BODY_LIMIT: '4096' });
    const origin = await serve(expressHost(server.scimitar, '/scim/v2', (app) => app.use(express.json({ type: ['application/json', 'application/scim+json'], limit: '10mb' }))));
    const tooLarge = await scimRequest(`${origin}/scim/v2/Users`, 'POST', { schemas: [USER_SCHEMA], userName: 'big@example.com', displayName: 'x'.repeat(20_000) });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ status: '413' });
  });

  it("is not held to the app's smaller parser limit when mounted before the parser", async () => {
    server = await build();
    const app = express();
    app.use('/scim/v2', server.scimitar.handler());
    app.use(express.json({ type: ['application/json', 'application/scim+json'], limit: '1kb' }));
    const origin = await serve(app);
    const created = await scimRequest(`${origin}/scim/v2/Users`, 'POST', { schemas: [USER_SCHEMA], userName: 'big@example.com', displayName: 'x'.repeat(20_000) });
    expect(created.status).toBe(201);
  });

  it("keeps the headers the app's middleware set before the mount (CORS, security headers)", async () => {
    server = await build();
    const app = express();
    app.use((_request, response, next) => {
      response.setHeader('x-frame-options', 'DENY');
      next();
    });
    app.use('/scim/v2', server.scimitar.handler());
    const origin = await serve(app);
    const answer = await scimRequest(`${origin}/scim/v2/ServiceProviderConfig`, 'GET');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  });

  it('puts the mount path the app chose into meta.location', async () => {
    server = await build();
    const root = `${await serve(expressHost(server.scimitar, '/idp/scim', undefined))}/idp/scim`;
    const { location } = await provisionOneUser(root);
    expect(location).toMatch(/^https:\/\/scim\.example\.com\/idp\/scim\/Users\/[^/]+$/);
  });

  it('serves a node:http listener given its prefix, and answers paths outside it with a SCIM 404', async () => {
    server = await build();
    const handler = server.scimitar.handler({ prefix: '/scim/v2' });
    const listener: RequestListener = (request, response) => handler(request, response);
    const origin = await serve(listener);
    const { location } = await provisionOneUser(`${origin}/scim/v2`);
    expect(location).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
    const outside = await scimRequest(`${origin}/elsewhere/Users`, 'GET');
    expect(outside.status).toBe(404);
  });

  it('serves the admin API through adminHandler() with its own authentication', async () => {
    server = await build();
    const app = express();
    app.use('/admin/v1', server.scimitar.adminHandler());
    const origin = await serve(app);
    const { key } = await server.scimitar.adminKeys.create('host admin');
    const tenants = await fetch(`${origin}/admin/v1/tenants`, { headers: { authorization: `Bearer ${key}` } });
    expect(tenants.status).toBe(200);
    const withScimToken = await fetch(`${origin}/admin/v1/tenants`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(withScimToken.status).toBe(401);
  });

  describe('the path people read is the one the client requested', () => {
    /** The request log entry of an answer, found by the X-Request-Id it carried. */
    async function logEntryOf(answer: Response) {
      await server!.scimitar.requestLogRecorder.flush();
      return (await server!.scimitar.requestLog.get('default', answer.headers.get('x-request-id')!)).entry;
    }

    it('under an Express router mounted at /api: the request log, the log lines and a 404 name /api/scim/v2/…', async () => {
      const capture = new LogCapture();
      server = await build({ SCIMITAR_LOG_LEVEL: 'info' }, { logStream: capture });
      const app = express();
      const api = express.Router();
      api.use('/scim/v2', server.scimitar.handler());
      app.use('/api', api);
      const origin = await serve(app);

      const created = await scimRequest(`${origin}/api/scim/v2/Users`, 'POST', { schemas: [USER_SCHEMA], userName: 'ada@example.com' });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      const read = await scimRequest(`${origin}/api/scim/v2/Users/${id}?attributes=userName`, 'GET');
      expect(read.status).toBe(200);
      const found = await scimRequest(`${origin}/api/scim/v2/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`, 'GET');
      expect(found.status).toBe(200);
      const nowhere = await scimRequest(`${origin}/api/scim/v2/Nothing`, 'GET');
      expect(nowhere.status).toBe(404);
      expect(await nowhere.json()).toMatchObject({ detail: 'No SCIM endpoint at GET /api/scim/v2/Nothing' });

      expect(await logEntryOf(created)).toMatchObject({ method: 'POST', path: '/api/scim/v2/Users', query: null, status: 201, resourceId: id });
      expect(await logEntryOf(read)).toMatchObject({ method: 'GET', path: `/api/scim/v2/Users/${id}`, query: 'attributes=userName', status: 200, resourceId: id });
      expect(await logEntryOf(found)).toMatchObject({ method: 'GET', path: '/api/scim/v2/Users', status: 200 });
      expect(await logEntryOf(nowhere)).toMatchObject({ method: 'GET', path: '/api/scim/v2/Nothing', status: 404 });
      // The same filter redaction as ever, on the client's whole URL.
      expect(capture.requestUrls).toEqual([
        '/api/scim/v2/Users',
        `/api/scim/v2/Users/${id}?attributes=userName`,
        '/api/scim/v2/Users?filter=[redacted]',
        '/api/scim/v2/Nothing',
      ]);
    });

    it('in a node:http listener given its prefix: the URL as received', async () => {
      server = await build();
      const handler = server.scimitar.handler({ prefix: '/scim/v2' });
      const listener: RequestListener = (request, response) => handler(request, response);
      const origin = await serve(listener);
      const missing = await scimRequest(`${origin}/scim/v2/Users/no-such-user`, 'GET');
      expect(missing.status).toBe(404);
      expect(await logEntryOf(missing)).toMatchObject({ method: 'GET', path: '/scim/v2/Users/no-such-user', status: 404 });
      const outside = await scimRequest(`${origin}/elsewhere/Users`, 'GET');
      expect(await outside.json()).toMatchObject({ detail: 'No SCIM endpoint at GET /elsewhere/Users' });
    });
  });
});
