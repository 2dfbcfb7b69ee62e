import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bodyWasConsumed, bytesOfParsedBody } from './consumed-body.js';
import { splitMountedUrl } from './node-handler.js';

/** Only the fields the handler reads; the rest of a request plays no part. */
function requestOf(fields: { url: string; originalUrl?: string; baseUrl?: string; readableEnded?: boolean; _body?: boolean }): IncomingMessage {
  return { readableEnded: false, ...fields } as unknown as IncomingMessage;
}

describe('where the API is mounted, from what the framework left on the request', () => {
  it('Express: the mount path is req.baseUrl, the rest is req.url', () => {
    expect(splitMountedUrl(requestOf({ url: '/Users?count=1', originalUrl: '/idp/scim/Users?count=1', baseUrl: '/idp/scim' }), undefined)).toEqual({ mountPath: '/idp/scim', rest: '/Users?count=1' });
  });

  it('Connect: the mount path is what originalUrl has before req.url, the mount root included', () => {
    expect(splitMountedUrl(requestOf({ url: '/Users/42', originalUrl: '/scim/v2/Users/42' }), undefined)).toEqual({ mountPath: '/scim/v2', rest: '/Users/42' });
    expect(splitMountedUrl(requestOf({ url: '/?x=1', originalUrl: '/scim/v2?x=1' }), undefined)).toEqual({ mountPath: '/scim/v2', rest: '/?x=1' });
  });

  it('node:http: the prefix the handler was given is stripped; a URL outside it is left whole (and answered 404)', () => {
    expect(splitMountedUrl(requestOf({ url: '/scim/v2/Users?filter=x' }), '/scim/v2')).toEqual({ mountPath: '/scim/v2', rest: '/Users?filter=x' });
    expect(splitMountedUrl(requestOf({ url: '/scim/v2' }), '/scim/v2')).toEqual({ mountPath: '/scim/v2', rest: '/' });
    expect(splitMountedUrl(requestOf({ url: '/scim/v2?x=1' }), '/scim/v2')).toEqual({ mountPath: '/scim/v2', rest: '/?x=1' });
    // A longer segment is not the prefix: /scim/v2x is another path.
    expect(splitMountedUrl(requestOf({ url: '/scim/v2x/Users' }), '/scim/v2')).toEqual({ mountPath: '', rest: '/scim/v2x/Users' });
  });
});

describe('a body another parser read', () => {
  it('is told by the spent stream or body-parser\'s flag, not by req.body (body-parser 1 sets {} on bodies it left unread)', () => {
    expect(bodyWasConsumed(requestOf({ url: '/' }))).toBe(false);
    expect(bodyWasConsumed(requestOf({ url: '/', readableEnded: true }))).toBe(true);
    expect(bodyWasConsumed(requestOf({ url: '/', _body: true }))).toBe(true);
  });

  it('keeps a Buffer or string as its bytes, and serialises a parsed value as JSON', () => {
    expect(bytesOfParsedBody(Buffer.from('{"a":1}')).toString()).toBe('{"a":1}');
    expect(bytesOfParsedBody('{"a":1}').toString()).toBe('{"a":1}');
    expect(bytesOfParsedBody({ userName: 'ada' }).toString()).toBe('{"userName":"ada"}');
    expect(bytesOfParsedBody(undefined).length).toBe(0);
  });
});
