/**
 * A request whose body another framework already read. Express's
 * `express.json()` (and `express.text()`, `express.raw()`, Connect's body
 * parsers) read the whole stream and leave the result on `req.body`; a
 * handler that then waits for the stream waits forever. What was read is
 * handed back to Fastify as a fresh stream in its preParsing hook, so the
 * SCIM parser, its limit and its errors apply exactly as on a fresh request.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyRequest, FastifyReply } from 'fastify';

/** What body parsers leave on the request: `body`, and body-parser's "already parsed" flag. */
interface ParsedRequest extends IncomingMessage {
  readonly body?: unknown;
  readonly _body?: unknown;
}

/** Where the handler leaves the bytes for the preParsing hook. */
const CONSUMED_BODY = Symbol('scimitar.consumedBody');

interface WithConsumedBody extends IncomingMessage {
  [CONSUMED_BODY]?: Buffer;
}

/**
 * Whether the stream was read before us. `req.body` alone does not tell:
 * body-parser 1 (Express 4) sets it to `{}` for every request, also those
 * whose media type it left unread (application/scim+json is not
 * application/json to it), and a parser may leave a string or a Buffer.
 */
export function bodyWasConsumed(request: IncomingMessage): boolean {
  return request.readableEnded || (request as ParsedRequest)._body === true;
}

/** The bytes of a body a parser left: a Buffer or a string as they are; anything else (a parsed object) as JSON. */
export function bytesOfParsedBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Called by the handler before routing: keeps what the parser left, when the stream is gone. */
export function keepConsumedBody(request: IncomingMessage): void {
  if (!bodyWasConsumed(request)) return;
  (request as WithConsumedBody)[CONSUMED_BODY] = bytesOfParsedBody((request as ParsedRequest).body);
}

/** A stream of the body's bytes, with the length Fastify compares against Content-Length and the body limit. */
function replayStream(bytes: Buffer, declaredLength: number): Readable & { receivedEncodedLength: number } {
  const stream = Readable.from([bytes], { objectMode: false }) as Readable & { receivedEncodedLength: number };
  // A parsed object is serialised again, so its length may differ from what the client sent:
  // the client's declared length is what its bytes were checked against, the new length otherwise.
  stream.receivedEncodedLength = Number.isFinite(declaredLength) ? declaredLength : bytes.length;
  return stream;
}

/** Fastify's preParsing hook: the consumed body's bytes in place of the spent stream. */
export async function replayConsumedBody(request: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  const bytes = (request.raw as WithConsumedBody)[CONSUMED_BODY];
  if (bytes === undefined) return payload;
  // An empty body stays absent: the SCIM parser reads "" as no body at all.
  return replayStream(bytes, Number(request.headers['content-length']));
}
