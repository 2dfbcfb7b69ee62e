/**
 * The example host app: sessions for SCIM users, and the endpoint that
 * receives Scimitar's webhooks and revokes a user's sessions when the
 * identity provider deactivates or deletes the user.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions, LogController } from 'fastify';
import type { EventLedger } from './event-ledger.js';
import { EventReceiver } from './receiver.js';
import { readEvent } from './scimitar-event.js';
import type { SessionStore } from './session-store.js';
import { SignatureError, type VerifiedDelivery, WebhookVerifier } from './signature.js';

export const WEBHOOK_PATH = '/webhooks/scimitar';

/** Scimitar's largest body is a membership event of 1,000 members: well under this. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface SessionRevocationOptions {
  /** The webhook's `whsec_…` secret. */
  readonly secret: string;
  readonly sessions: SessionStore;
  readonly ledger: EventLedger;
}

/**
 * The app's routes as a Fastify plugin: register it in your own app (which
 * is what buildReceiverApp does).
 */
export const sessionRevocationRoutes: FastifyPluginAsync<SessionRevocationOptions> = async (app, options) => {
  const verifier = new WebhookVerifier(options.secret);
  const { sessions, ledger } = options;
  const receiver = new EventReceiver({ sessions, ledger, log: app.log });

  // A toy login: a real app authenticates the user (SSO, password…) and maps it to its SCIM id.
  app.post<{ Body: { scimId: string } }>(
    '/sessions',
    { schema: { body: { type: 'object', required: ['scimId'], properties: { scimId: { type: 'string', minLength: 1 } } } } },
    async (request, reply) => {
      const token = await sessions.open(request.body.scimId);
      return reply.code(201).send({ token, scimId: request.body.scimId });
    },
  );

  app.get('/me', async (request, reply) => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    const userId = match?.[1] === undefined ? undefined : await sessions.userOf(match[1]);
    if (userId === undefined) return reply.code(401).send({ error: 'no session, or the session was revoked' });
    return { scimId: userId };
  });

  app.get('/events-seen', async () => ({ events: await ledger.arrivals() }));

  // Its own context: here, and only here, bodies stay the exact bytes Scimitar signed.
  await app.register(async (webhooks) => {
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    webhooks.post(WEBHOOK_PATH, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let delivery: VerifiedDelivery;
      try {
        delivery = verifier.verify(rawBody, request.headers);
      } catch (error) {
        if (!(error instanceof SignatureError)) throw error;
        request.log.warn({ reason: error.message }, 'webhook refused: signature not valid');
        return reply.code(401).send({ error: 'invalid signature' });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(delivery.body);
      } catch {
        return reply.code(400).send({ error: 'the body is not JSON' });
      }
      const read = readEvent(parsed);
      if ('problem' in read) return reply.code(400).send({ error: `not a Scimitar event: ${read.problem}` });
      // Applied before answering (it is quick): a 2xx then means "done", and a crash before it means "retry".
      await receiver.receive(delivery.webhookId, read.event);
      return reply.code(204).send();
    });
  });
};

export interface ReceiverAppOptions extends SessionRevocationOptions {
  readonly logger?: FastifyServerOptions['logger'];
}

export async function buildReceiverApp(options: ReceiverAppOptions): Promise<FastifyInstance> {
  const { logger, ...routeOptions } = options;
  // Checked here too, so that a wrong secret stops the start rather than the first delivery.
  new WebhookVerifier(routeOptions.secret);
  // One log line per event (receiver.ts) says more than one per request.
  const app = Fastify({ logger: logger ?? false, logController: new LogController({ disableRequestLogging: true }) });
  await app.register(sessionRevocationRoutes, routeOptions);
  return app;
}
