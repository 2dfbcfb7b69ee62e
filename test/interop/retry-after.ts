/**
 * What a throttled answer must look like for identity providers to back off
 * and retry instead of failing the provisioning job: 429, a SCIM error body,
 * and Retry-After in whole seconds. RFC 9110 §10.2.3 also allows an
 * HTTP-date, but delay-seconds is the form every client parses; a fraction
 * ("1.5") is valid in neither form. The rate limiter's suite applies this
 * check to a real 429; its own tests below pin what it accepts.
 */

export interface ThrottledAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

const DELAY_SECONDS = /^[1-9]\d*$/;

/** Every way `answer` falls short of a throttling answer identity providers honour; empty when it is one. */
export function throttlingProblems(answer: ThrottledAnswer): string[] {
  const problems: string[] = [];
  if (answer.statusCode !== 429) problems.push(`status is ${answer.statusCode}, not 429`);
  const retryAfter = answer.headers['retry-after'];
  if (typeof retryAfter !== 'string') problems.push('Retry-After is missing (or repeated)');
  else if (!DELAY_SECONDS.test(retryAfter)) problems.push(`Retry-After is ${JSON.stringify(retryAfter)}, not a whole number of seconds of at least 1`);
  if (!/^application\/scim\+json(?:;|$)/.test(String(answer.headers['content-type']))) problems.push('the body is not application/scim+json');
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    problems.push('the body is not JSON');
  }
  if (body !== undefined) {
    const error = body as { schemas?: unknown; status?: unknown };
    const isError = Array.isArray(error.schemas) && error.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error');
    if (!isError || error.status !== '429') problems.push('the body is not a SCIM error with status "429" (RFC 7644 §3.12)');
  }
  return problems;
}
