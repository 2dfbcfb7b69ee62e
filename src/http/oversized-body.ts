/**
 * A body over the limit is refused after its first bytes, while the client
 * is still sending the rest. Answering then and closing at once makes the
 * client's next writes meet a closed socket: its kernel answers with a reset,
 * which can discard the 413 before the client has read it, so the client
 * sees EPIPE or ECONNRESET instead of the reason. Reading and discarding the
 * rest first — up to a bound, so nobody can make the server read forever —
 * lets an ordinary client finish sending and read the answer; the connection
 * is then closed.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The most further bytes read and discarded after the limit; beyond it the connection is closed without reading. */
export const OVERSIZED_BODY_DISCARD_BOUND = 64 * 1_048_576;

/** Resolves once the request's body has ended, or once `bound` more bytes have been discarded. */
export function discardRequestBody(request: IncomingMessage, bound: number): Promise<void> {
  return new Promise((resolve) => {
    if (request.readableEnded || request.destroyed) {
      resolve();
      return;
    }
    const declaredLength = Number(request.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > bound) {
      resolve();
      return;
    }
    let discarded = 0;
    const finish = () => {
      request.off('data', onData);
      request.off('end', finish);
      request.off('close', finish);
      request.off('error', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > bound) finish();
    };
    request.on('data', onData);
    request.once('end', finish);
    request.once('close', finish);
    request.once('error', finish);
    request.resume();
  });
}

/** Before a 413 for a body too large: lets the client finish sending (within the bound), then closes the connection. */
export async function lingerOverOversizedBody(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await discardRequestBody(request.raw, OVERSIZED_BODY_DISCARD_BOUND);
  reply.header('Connection', 'close');
}
