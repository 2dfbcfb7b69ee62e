/**
 * Scimitar mounted in an existing Fastify app with
 * `app.register(scimitar.fastifyPlugin, { prefix })`: the SCIM routes keep
 * their own error handler, body parser and body limit; the app's routes,
 * error handler and parsers stay the app's; Scimitar closes with the app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { build, SCIM_JSON, TEST_TOKEN, type TestServer } from '../helpers/build.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

interface HostApp {
  readonly host: FastifyInstance;
  /** URLs the host's own onRequest hook saw. */
  readonly seen: string[];
}

/** A host app with its own error handler, hook, JSON route and a small body limit, and Scimitar mounted in it. */
async function hostWithScimitar(server: TestServer): Promise<HostApp> {
  const seen: string[] = [];
  const host = Fastify({ bodyLimit: 2048 });
  host.setErrorHandler(async (error: Error, _request, reply) => reply.code(418).send({ hostError: error.message }));
  host.addHook('onRequest', async (request) => {
    seen.push(request.url);
  });
  host.post('/api/notes', async (request) => ({ echoed: request.body }));
  host.get('/api/boom', async () => {
    throw new Error('the host failed');
  });
  await host.register(server.scimitar.fastifyPlugin, { prefix: '/scim/v2' });
  await host.register(server.scimitar.fastifyAdminPlugin, { prefix: '/admin/v1' });
  return { host, seen };
}

function createUser(host: FastifyInstance, userName: string, extra: Record<string, unknown> = {}) {
  return host.inject({
    method: 'POST',
    url: '/scim/v2/Users',
    headers: { ...SCIM_AUTH, 'content-type': SCIM_JSON },
    payload: JSON.stringify({ schemas: [USER_SCHEMA], userName, ...extra }),
  });
}

describe('the SCIM plugin registered in an existing Fastify app', () => {
  let server: TestServer | undefined;
  let host: FastifyInstance | undefined;

  afterEach(async () => {
    await host?.close();
    await server?.close();
    host = undefined;
    server = undefined;
  });

  it('serves SCIM under the prefix the app chose, with locations under that prefix', async () => {
    server = await build();
    ({ host } = await hostWithScimitar(server));
    const created = await createUser(host, 'ada@example.com');
    expect(created.statusCode).toBe(201);
    const user = created.json<{ id: string; meta: { location: string } }>();
    expect(user.meta.location).toBe(`https://scim.example.com/scim/v2/Users/${user.id}`);
    const found = await host.inject({ method: 'GET', url: '/scim/v2/Users?filter=userName eq "ada@example.com"', headers: SCIM_AUTH });
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  });

  it('answers SCIM errors in the SCIM envelope, and the app keeps its own error handler and 404', async () => {
    server = await build();
    ({ host } = await hostWithScimitar(server));
    const unauthorized = await host.inject({ method: 'GET', url: '/scim/v2/Users' });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers['content-type']).toMatch(/^application\/scim\+json/);
    const missing = await host.inject({ method: 'GET', url: '/scim/v2/Nowhere', headers: SCIM_AUTH });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });

    const hostFailure = await host.inject({ method: 'GET', url: '/api/boom' });
    expect(hostFailure.statusCode).toBe(418);
    expect(hostFailure.json()).toEqual({ hostError: 'the host failed' });
    const hostMissing = await host.inject({ method: 'GET', url: '/api/nowhere' });
    expect(hostMissing.statusCode).toBe(404);
    expect(hostMissing.headers['content-type']).not.toMatch(/scim/);
  });

  it("keeps the body parsers apart: the app's routes do not accept application/scim+json, its JSON route works as before", async () => {
    server = await build();
    ({ host } = await hostWithScimitar(server));
    const echoed = await host.inject({ method: 'POST', url: '/api/notes', headers: { 'content-type': 'application/json' }, payload: '{"note":"hi"}' });
    expect(echoed.json()).toEqual({ echoed: { note: 'hi' } });
    const scimOnHostRoute = await host.inject({ method: 'POST', url: '/api/notes', headers: { 'content-type': SCIM_JSON }, payload: '{"note":"hi"}' });
    expect(scimOnHostRoute.statusCode).toBe(418);
    expect(scimOnHostRoute.json<{ hostError: string }>().hostError).toMatch(/Unsupported Media Type/i);
  });

  it("applies SCIM's body limit to SCIM requests, not the app's smaller one", async () => {
    server = await build();
    ({ host } = await hostWithScimitar(server));
    const large = 'x'.repeat(8_000);
    const created = await createUser(host, 'large@example.com', { displayName: large });
    expect(created.statusCode).toBe(201);
    const onHostRoute = await host.inject({ method: 'POST', url: '/api/notes', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ note: large }) });
    expect(onHostRoute.statusCode).toBe(418);
    expect(onHostRoute.json<{ hostError: string }>().hostError).toMatch(/too large/i);
  });

  it("runs the app's own hooks around SCIM requests too, as a parent context's hooks do", async () => {
    server = await build();
    const mounted = await hostWithScimitar(server);
    host = mounted.host;
    await host.inject({ method: 'GET', url: '/scim/v2/ServiceProviderConfig', headers: SCIM_AUTH });
    expect(mounted.seen).toContain('/scim/v2/ServiceProviderConfig');
  });

  it('serves the admin API under its own prefix, with its own authentication', async () => {
    server = await build();
    ({ host } = await hostWithScimitar(server));
    const { key } = await server.scimitar.adminKeys.create('host admin');
    const tenants = await host.inject({ method: 'GET', url: '/admin/v1/tenants', headers: { authorization: `Bearer ${key}` } });
    expect(tenants.statusCode).toBe(200);
    const withScimToken = await host.inject({ method: 'GET', url: '/admin/v1/tenants', headers: SCIM_AUTH });
    expect(withScimToken.statusCode).toBe(401);
  });

  it("closes with the app: a waiting event-feed long poll answers at once, then Scimitar's store is closed", async () => {
    server = await build();
    ({ host } = await hostWithScimitar(server));
    const { key } = await server.scimitar.adminKeys.create('feed reader');
    const address = await host.listen({ port: 0, host: '127.0.0.1' });
    const longPoll = fetch(`${address}/admin/v1/tenants/default/events?after=latest&wait=30`, { headers: { authorization: `Bearer ${key}` } });
    // The poll is waiting once the server has it; a short pause is enough on a loaded machine too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await host.close();
    host = undefined;
    expect((await longPoll).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(server.scimitar.store.ping()).rejects.toThrow();
  });
});
