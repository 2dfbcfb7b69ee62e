import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { generateRequestId, timeOrderedUuid } from './request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function requestWith(headers: IncomingMessage['headers']): IncomingMessage {
  return { headers } as IncomingMessage;
}

describe('request ids', () => {
  it('makes UUIDs of version 7 whose first 48 bits are the time in milliseconds (RFC 9562 §5.7)', () => {
    const at = Date.UTC(2026, 11, 7, 17, 58, 0, 123);
    const id = timeOrderedUuid(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts ids made in different milliseconds by time, as text, so they are added at the end of an index', () => {
    const times = [1, 255, 256, 65_535, Date.UTC(2000, 0, 1), Date.UTC(2026, 11, 7), Date.UTC(2100, 0, 1)];
    const ids = times.map((time) => timeOrderedUuid(time));
    expect([...ids].sort()).toEqual(ids);
  });

  it('gives ids made in the same millisecond different random parts', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('keeps a sensible client id and replaces an unsafe or repeated one with a fresh time-ordered id', () => {
    expect(generateRequestId(requestWith({ 'x-request-id': 'okta-7f3c:1' }))).toBe('okta-7f3c:1');
    expect(generateRequestId(requestWith({ 'x-request-id': 'a b\nforged' }))).toMatch(UUID_V7);
    expect(generateRequestId(requestWith({ 'x-request-id': ['one', 'two'] as unknown as string }))).toMatch(UUID_V7);
    expect(generateRequestId(requestWith({}))).toMatch(UUID_V7);
  });
});
