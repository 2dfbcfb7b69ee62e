/**
 * The ceiling: the least a Fastify server can do per request on this
 * machine — route, serialise a small JSON object, write it. No logger, no
 * hooks. Every scenario is reported as a fraction of this figure.
 */
import Fastify from 'fastify';
import { announceReady, exitOnSignals } from './lifecycle.js';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));

const address = await app.listen({ port: 0, host: '127.0.0.1' });
exitOnSignals(() => app.close());
announceReady(address);
