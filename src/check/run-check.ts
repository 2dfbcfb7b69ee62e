/**
 * `scimitar check`: calls a deployed SCIM base URL the way Okta and Entra ID
 * do, and says what each of them would conclude. Only the SCIM protocol is
 * used, so any SCIM server can be checked.
 *
 * The throwaway user it creates is ALWAYS removed: the lifecycle ends with
 * its deletion, and whatever happens before (a failed step, an interruption
 * through `signal`), a final clean-up looks the user up by its unique
 * userName and deletes it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  contentTypeProblem,
  diagnoseFailure,
  headerSensitivity,
  metaLocationMismatch,
  tlsBelow12,
  unreachable,
  type Diagnosis,
} from './diagnoses.js';
import { ProbeFailed, sendProbe, type ProbeRequest, type ProbeResponse } from './http-probe.js';
import { IDP_PROFILES, type IdpName, type IdpProfile } from './idp-profiles.js';
import { probeTlsVersion } from './tls-probe.js';

export type StepOutcome = 'pass' | 'fail';

export interface CheckStep {
  /** Which provider's way of calling; undefined for the provider-neutral probes. */
  readonly idp: IdpName | undefined;
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly outcome: StepOutcome;
  readonly diagnoses: readonly Diagnosis[];
}

export interface CheckReport {
  readonly url: string;
  readonly idps: readonly IdpName[];
  /** No step failed. */
  readonly ok: boolean;
  readonly steps: readonly CheckStep[];
  /** Every distinct diagnosis of the run, first occurrence first. */
  readonly diagnoses: readonly Diagnosis[];
  readonly cleanup: { readonly userNames: readonly string[]; readonly leftBehind: readonly string[] };
  /** Set when the run was interrupted. */
  readonly interrupted: boolean;
}

export interface CheckOptions {
  /** The SCIM base URL, e.g. https://scim.example.com/t/acme/scim/v2. */
  readonly url: string;
  readonly token: string;
  readonly idps: readonly IdpName[];
  readonly timeoutMs?: number | undefined;
  /** Aborting stops the run; the clean-up still happens. */
  readonly signal?: AbortSignal | undefined;
  /** Called after every step (progress on a terminal). */
  readonly onStep?: ((step: CheckStep) => void) | undefined;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** A neutral client: what an ordinary HTTP client sends, to compare the identity providers' requests with. */
const REFERENCE_HEADERS = { 'User-Agent': 'Mozilla/5.0 (compatible; scimitar-check)', Accept: 'application/json' };
const DEFAULT_TIMEOUT_MS = 15_000;

class Interrupted extends Error {}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const baseUrl = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const steps: CheckStep[] = [];
  const createdUserNames: string[] = [];
  const confirmedUserNames = new Set<string>();
  const leftBehind: string[] = [];
  let interrupted = false;
  const authorization = { Authorization: `Bearer ${options.token}` };

  /** `interruptible: false` for the clean-up, which must run after an interruption. */
  const send = async (request: Omit<ProbeRequest, 'timeoutMs' | 'url'> & { readonly path: string }, interruptible = true) =>
    sendProbe({ ...request, url: baseUrl + request.path, timeoutMs, signal: interruptible ? options.signal : undefined });

  /** What the header comparison found blocked: later refusals of such requests are the same cause. */
  const blockedHeaders = new Set<'blocked-without-user-agent' | 'blocked-user-agent' | 'blocked-scim-json'>();
  const explainedByHeaders = (headers: Readonly<Record<string, string>>, response: ProbeResponse): Diagnosis | undefined => {
    if (response.status === 401 || (response.status >= 300 && response.status < 400)) return undefined;
    const userAgent = headers['User-Agent'];
    const mediaTypes = `${headers['Accept'] ?? ''} ${headers['Content-Type'] ?? ''}`;
    if (blockedHeaders.has('blocked-without-user-agent') && userAgent === undefined) return headerSensitivity('blocked-without-user-agent', response);
    if (blockedHeaders.has('blocked-user-agent') && userAgent === IDP_PROFILES.okta.headers['User-Agent']) return headerSensitivity('blocked-user-agent', response);
    if (blockedHeaders.has('blocked-scim-json') && mediaTypes.includes('scim+json')) return headerSensitivity('blocked-scim-json', response);
    return undefined;
  };

  const record = (step: CheckStep): CheckStep => {
    steps.push(step);
    options.onStep?.(step);
    return step;
  };

  /** One request as a step: a network failure or an unexpected status becomes a diagnosed failure. */
  const step = async (
    idp: IdpName | undefined,
    name: string,
    request: Omit<ProbeRequest, 'timeoutMs' | 'url'> & { readonly path: string },
    expected: readonly number[],
    inspect: (response: ProbeResponse) => Diagnosis[] = () => [],
  ): Promise<ProbeResponse | undefined> => {
    if (options.signal?.aborted) throw new Interrupted();
    let response: ProbeResponse;
    try {
      response = await send(request);
    } catch (error) {
      if (error instanceof ProbeFailed && error.reason === 'aborted') throw new Interrupted();
      record({ idp, name, method: request.method, path: request.path, status: undefined, outcome: 'fail', diagnoses: [unreachable((error as Error).message)] });
      return undefined;
    }
    if (!expected.includes(response.status)) {
      const diagnosis = explainedByHeaders(request.headers, response) ?? diagnoseFailure(response, expected.join(' or '), request.path);
      record({ idp, name, method: request.method, path: request.path, status: response.status, outcome: 'fail', diagnoses: [diagnosis] });
      return undefined;
    }
    const found = [...(response.bodyText === '' ? [] : [contentTypeProblem(response)].filter((d): d is Diagnosis => d !== undefined)), ...inspect(response)];
    // Every finding fails the step, a wrong meta.location included: a CI gate must not pass a deployment whose links point elsewhere.
    const outcome: StepOutcome = found.length === 0 ? 'pass' : 'fail';
    record({ idp, name, method: request.method, path: request.path, status: response.status, outcome, diagnoses: found });
    return response;
  };

  try {
    // The transport first: the TLS version, then reachability and redirects with a neutral request.
    if (new URL(baseUrl).protocol === 'https:') await tlsStep();
    const transport = await step(undefined, 'Reach the base URL (a neutral request, no redirect followed)', { method: 'GET', path: '/Users?startIndex=1&count=1', headers: { ...REFERENCE_HEADERS, ...authorization } }, [200]);
    if (transport !== undefined) await compareHeaders(transport);
    for (const idp of options.idps) await providerChecks(IDP_PROFILES[idp]);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    interrupted = true;
  } finally {
    await cleanUp();
  }

  const diagnoses: Diagnosis[] = [];
  for (const found of steps.flatMap((s) => s.diagnoses)) if (!diagnoses.some((d) => d.code === found.code)) diagnoses.push(found);
  return {
    url: baseUrl,
    idps: options.idps,
    ok: !interrupted && steps.every((s) => s.outcome !== 'fail'),
    steps,
    diagnoses,
    cleanup: { userNames: createdUserNames, leftBehind },
    interrupted,
  };

  /** Okta and Entra require TLS 1.2 or later. */
  async function tlsStep(): Promise<void> {
    const url = new URL(baseUrl);
    const name = 'TLS handshake (best version the server offers)';
    const path = `${url.host}:${url.port || '443'}`;
    try {
      const { protocol } = await probeTlsVersion(url, timeoutMs, options.signal);
      const old = protocol === undefined || /^TLSv1(\.[01])?$/.test(protocol);
      record({ idp: undefined, name: `${name}: ${protocol ?? 'unknown'}`, method: 'TLS', path, status: undefined, outcome: old ? 'fail' : 'pass', diagnoses: old ? [tlsBelow12(protocol ?? 'an unknown protocol')] : [] });
    } catch (error) {
      if (options.signal?.aborted) throw new Interrupted();
      record({ idp: undefined, name, method: 'TLS', path, status: undefined, outcome: 'fail', diagnoses: [unreachable((error as Error).message)] });
    }
  }

  /**
   * A WAF's rules show as the same request answered differently: the neutral
   * request passed, so each variant changes one thing (no User-Agent, Okta's
   * User-Agent, SCIM's media type) and a different answer names the culprit.
   */
  async function compareHeaders(reference: ProbeResponse): Promise<void> {
    const { 'User-Agent': _userAgent, ...withoutUserAgent } = REFERENCE_HEADERS;
    const variants = [
      { code: 'blocked-without-user-agent' as const, name: 'The same request without a User-Agent', headers: withoutUserAgent },
      { code: 'blocked-user-agent' as const, name: 'The same request with Okta\'s User-Agent', headers: { ...REFERENCE_HEADERS, 'User-Agent': IDP_PROFILES.okta.headers['User-Agent']! } },
      {
        code: 'blocked-scim-json' as const,
        name: 'The same request with application/scim+json (Accept and Content-Type)',
        headers: { ...REFERENCE_HEADERS, Accept: 'application/scim+json', 'Content-Type': 'application/scim+json' },
      },
    ];
    for (const variant of variants) {
      if (options.signal?.aborted) throw new Interrupted();
      const path = '/Users?startIndex=1&count=1';
      let response: ProbeResponse;
      try {
        response = await send({ method: 'GET', path, headers: { ...variant.headers, ...authorization } });
      } catch (error) {
        if (error instanceof ProbeFailed && error.reason === 'aborted') throw new Interrupted();
        record({ idp: undefined, name: variant.name, method: 'GET', path, status: undefined, outcome: 'fail', diagnoses: [unreachable((error as Error).message)] });
        continue;
      }
      const same = response.status === reference.status;
      if (!same) blockedHeaders.add(variant.code);
      record({ idp: undefined, name: variant.name, method: 'GET', path, status: response.status, outcome: same ? 'pass' : 'fail', diagnoses: same ? [] : [headerSensitivity(variant.code, response)] });
    }
  }

  async function providerChecks(profile: IdpProfile): Promise<void> {
    const headers = { ...profile.headers, ...authorization };
    const bodyHeaders = { ...headers, ...profile.bodyHeaders };
    for (const query of profile.connectionTest) {
      await step(profile.name, query.description, { method: 'GET', path: query.path(randomUUID()), headers }, [200], (response) => listProblems(response, query.expectsEmpty));
    }

    const userName = `scimitar-check-${randomBytes(6).toString('hex')}@example.invalid`;
    createdUserNames.push(userName);
    // Known to exist once the create answered 201; cleaned up either way.
    const newUser = {
      schemas: [USER_SCHEMA],
      userName,
      externalId: randomUUID(),
      name: { givenName: 'Scimitar', familyName: 'Check' },
      displayName: 'Scimitar Check',
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    };
    const created = await step(profile.name, 'Create a throwaway user', { method: 'POST', path: '/Users', headers: bodyHeaders, body: newUser }, [201], (response) => locationProblems(response));
    const id = idOf(created?.json);
    if (id === undefined) return;
    confirmedUserNames.add(userName);
    const userPath = `/Users/${encodeURIComponent(id)}`;
    await step(profile.name, 'Read it back by id', { method: 'GET', path: userPath, headers }, [200], (response) => sameUserName(response, userName));
    await step(
      profile.name,
      'Update it (PATCH replace name.givenName)',
      { method: 'PATCH', path: userPath, headers: bodyHeaders, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Checked' }] } },
      [200, 204],
    );
    await step(profile.name, 'Deactivate it (PATCH active false)', { method: 'PATCH', path: userPath, headers: bodyHeaders, body: profile.deactivation }, [200, 204]);
    const deleted = await step(profile.name, 'Delete it', { method: 'DELETE', path: userPath, headers }, [204, 200]);
    if (deleted !== undefined) await step(profile.name, 'It is gone (404)', { method: 'GET', path: userPath, headers }, [404]);
  }

  function listProblems(response: ProbeResponse, expectsEmpty: boolean): Diagnosis[] {
    const list = response.json as { schemas?: unknown; totalResults?: unknown } | undefined;
    if (list === undefined || !Array.isArray(list.schemas) || !list.schemas.includes(LIST_RESPONSE)) {
      return [{ code: 'unexpected-answer', finding: 'The answer is not a SCIM ListResponse', idpConclusion: 'The identity provider cannot read the result and the connection test fails.', fix: 'The base URL must point at the SCIM root, whose /Users answers a ListResponse (RFC 7644 §3.4.2).' }];
    }
    if (expectsEmpty && list.totalResults !== 0) {
      return [{ code: 'unexpected-answer', finding: `A lookup of a random value found ${String(list.totalResults)} results`, idpConclusion: 'The identity provider would match the wrong user.', fix: 'The server must honour the filter (RFC 7644 §3.4.2.2).' }];
    }
    return [];
  }

  function locationProblems(response: ProbeResponse): Diagnosis[] {
    const location = (response.json as { meta?: { location?: unknown } } | undefined)?.meta?.location;
    const candidates = [typeof location === 'string' ? location : undefined, response.headers['location']].filter((value): value is string => value !== undefined);
    const expectedPrefix = `${baseUrl}/Users/`;
    for (const candidate of candidates) {
      let parsed: URL;
      try {
        parsed = new URL(candidate);
      } catch {
        return [metaLocationMismatch(candidate, expectedPrefix)];
      }
      const base = new URL(`${baseUrl}/Users/`);
      if (parsed.protocol !== base.protocol || parsed.host !== base.host || !parsed.pathname.startsWith(base.pathname)) return [metaLocationMismatch(candidate, expectedPrefix)];
    }
    return [];
  }

  function sameUserName(response: ProbeResponse, userName: string): Diagnosis[] {
    const found = (response.json as { userName?: unknown } | undefined)?.userName;
    if (typeof found === 'string' && found.toLowerCase() === userName.toLowerCase()) return [];
    return [{ code: 'unexpected-answer', finding: `The user read back has userName ${JSON.stringify(found)}`, idpConclusion: 'The identity provider cannot confirm what it created.', fix: 'GET /Users/{id} must return the user created (RFC 7644 §3.4.1).' }];
  }

  /**
   * Deletes every throwaway user still there, found by its unique userName
   * (the create may have succeeded even if its answer never arrived). Runs
   * with its own timeout, never with the interrupted signal.
   */
  async function cleanUp(): Promise<void> {
    for (const userName of createdUserNames) {
      try {
        const headers = { ...REFERENCE_HEADERS, Accept: 'application/scim+json', ...authorization };
        const found = await send({ method: 'GET', path: `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, headers }, false);
        const resources = (found.json as { Resources?: unknown } | undefined)?.Resources;
        if (found.status !== 200 || !Array.isArray(resources)) {
          // A lookup that fails says nothing when the create never succeeded (the same proxy refused both).
          if (confirmedUserNames.has(userName)) leftBehind.push(userName);
          continue;
        }
        for (const resource of resources) {
          const id = idOf(resource);
          if (id === undefined) continue;
          const removed = await send({ method: 'DELETE', path: `/Users/${encodeURIComponent(id)}`, headers }, false);
          if (removed.status !== 204 && removed.status !== 200 && removed.status !== 404) leftBehind.push(userName);
        }
      } catch {
        if (confirmedUserNames.has(userName)) leftBehind.push(userName);
      }
    }
  }
}

function idOf(resource: unknown): string | undefined {
  const id = (resource as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
