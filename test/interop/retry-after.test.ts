import { describe, expect, it } from 'vitest';
import { throttlingProblems, type ThrottledAnswer } from './retry-after.js';

const errorBody = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests; retry in 2 seconds' });
const answer = (retryAfter: unknown, overrides: Partial<ThrottledAnswer> = {}): ThrottledAnswer => ({
  statusCode: 429,
  headers: { 'retry-after': retryAfter, 'content-type': 'application/scim+json; charset=utf-8' },
  body: errorBody,
  ...overrides,
});

describe('a throttling answer identity providers honour', () => {
  it('is 429 with Retry-After in whole seconds and a SCIM error body', () => {
    expect(throttlingProblems(answer('1'))).toEqual([]);
    expect(throttlingProblems(answer('120'))).toEqual([]);
  });

  it('refuses Retry-After as an HTTP-date, a fraction, zero, empty, repeated or missing', () => {
    for (const value of ['Wed, 21 Oct 2026 07:28:00 GMT', '1.5', '0', '', ' 2', '-1', ['1', '2'], undefined]) {
      expect(throttlingProblems(answer(value)), JSON.stringify(value)).toEqual([expect.stringMatching(/^Retry-After is/)]);
    }
  });

  it('refuses another status, a non-SCIM body or a body without status "429"', () => {
    expect(throttlingProblems(answer('1', { statusCode: 503 }))).toEqual(['status is 503, not 429']);
    expect(throttlingProblems(answer('1', { body: 'Too Many Requests' }))).toEqual(['the body is not JSON']);
    expect(throttlingProblems(answer('1', { body: JSON.stringify({ status: 429 }) }))).toEqual(['the body is not a SCIM error with status "429" (RFC 7644 §3.12)']);
    expect(throttlingProblems(answer('1', { headers: { 'retry-after': '1', 'content-type': 'text/plain' } }))).toEqual(['the body is not application/scim+json']);
  });
});

describe("Scimitar's own 429 answers", () => {
  it('the per-tenant rate limit answers in the form Okta and Entra honour', async () => {
    const { build, SCIM } = await import('../helpers/build.js');
    const server = await build({ SCIMITAR_RATE_LIMIT_PER_SECOND: '1', SCIMITAR_RATE_LIMIT_BURST: '2' });
    try {
      let throttled: ThrottledAnswer | undefined;
      for (let attempt = 0; attempt < 10 && throttled === undefined; attempt += 1) {
        const response = await server.request({ method: 'GET', url: `${SCIM}/Users?count=0` });
        if (response.statusCode === 429) throttled = { statusCode: response.statusCode, headers: response.headers, body: response.body };
      }
      expect(throttled).toBeDefined();
      expect(throttlingProblems(throttled!)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
