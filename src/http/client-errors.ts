/**
 * Requests Node's HTTP parser refuses before Fastify sees them: a request
 * line or header fields over 16 KB (431), a control character in a header
 * value or a malformed request line (400), a request not received in time
 * (408). Fastify would answer these with its own JSON, and RFC 7644 §3.12
 * wants a SCIM error body on SCIM paths. The path is read from the bytes the
 * parser refused, when they begin with the request line: the admin API's
 * paths get its error shape, any other path — SCIM, or one that cannot be
 * read — the SCIM one.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { adminErrorBody } from '../admin/admin-errors.js';
import { scimErrors, type ScimError } from '../core/errors/scim-error.js';
import { SCIM_CONTENT_TYPE } from './scim/media.js';

/** What Node attaches to a parser error: its code, and the chunk it could not parse (a Buffer). */
interface ParserError extends Error {
  readonly code?: string;
  readonly rawPacket?: unknown;
}

function scimErrorFor(code: string | undefined): ScimError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return scimErrors.headerFieldsTooLarge('The request line and header fields are over 16 KB together; shorten the URL (send a long filter with POST /.search) or the headers');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return scimErrors.requestTimeout('The request was not received in time; send it again');
    case 'HPE_INVALID_HEADER_TOKEN':
      return scimErrors.badRequest('A header name or value holds a character HTTP does not allow (such as a control character); the request was not processed');
    default:
      return scimErrors.badRequest('The request is not valid HTTP/1.1 (check the request line and the headers); it was not processed');
  }
}

/** The path of the request line at the start of `packet` (the part that arrived, if the line was cut), or undefined. */
function requestPath(packet: unknown): string | undefined {
  if (!Buffer.isBuffer(packet)) return undefined;
  const start = packet.subarray(0, 1024).toString('latin1');
  return /^[A-Z]+ (\/[^\s?#]*)/.exec(start)?.[1];
}

/** The body and media type of the answer, in the format of the API the path belongs to. */
function answerFor(error: ScimError, path: string | undefined, adminPrefix: string): { readonly contentType: string; readonly body: string } {
  if (path !== undefined && (path === adminPrefix || path.startsWith(`${adminPrefix}/`))) {
    return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(adminErrorBody(error.status, error.detail)) };
  }
  return { contentType: SCIM_CONTENT_TYPE, body: JSON.stringify(error.toJSON()) };
}

/** A `clientErrorHandler` for Fastify (Node's `clientError` event). */
export function clientErrorAnswerer(adminPrefix: string) {
  return (error: ParserError, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const scimError = scimErrorFor(error.code);
    const { contentType, body } = answerFor(scimError, requestPath(error.rawPacket), adminPrefix);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${scimError.status} ${STATUS_CODES[scimError.status]}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    // The parser cannot resume after an error: the connection ends with the answer, as Node's own would.
    socket.destroy();
  };
}
