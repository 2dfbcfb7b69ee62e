/**
 * Replays one fixture against a real server, step by step, and reports the
 * first step whose answer differs from what the identity provider reads.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../../helpers/build.js';
import type { ReplayFixture, ReplayStep } from './fixture.js';
import { mismatches } from './match.js';
import { readJsonPath, substitute, substituteText } from './substitute.js';

export interface ReplayOptions {
  /** Path of the SCIM base URL on the server, e.g. `/scim/v2`. */
  readonly basePath: string;
  /** The base URL the server advertises in `meta.location` and `$ref`, available to fixtures as `${base}`. */
  readonly publicBase: string;
}

export class ReplayFailure extends Error {}

function parseBody(response: LightMyRequestResponse): unknown {
  if (response.body === '') return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return response.body;
  }
}

function describeStep(label: string, step: ReplayStep, path: string, response: LightMyRequestResponse): string {
  return `${label} › "${step.name}": ${step.request.method} ${path} answered ${response.statusCode} ${response.body.slice(0, 600)}`;
}

/** Runs every step in order on `server`; throws a ReplayFailure describing the first difference. */
export async function replay(server: TestServer, fixture: ReplayFixture, label: string, options: ReplayOptions): Promise<void> {
  const variables = new Map<string, unknown>([['base', options.publicBase]]);
  for (const step of fixture.steps) {
    const path = String(substituteText(step.request.path, variables));
    // Header names are case-insensitive; lower-casing lets a fixture's "Authorization" replace the test token.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(step.request.headers ?? {})) headers[name.toLowerCase()] = String(substituteText(value, variables));
    const body = step.request.body === undefined ? undefined : substitute(step.request.body, variables);
    const response = await server.request({
      method: step.request.method,
      url: `${options.basePath}${path}`,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const context = describeStep(label, step, path, response);
    if (response.statusCode !== step.expect.status) throw new ReplayFailure(`expected status ${step.expect.status}; ${context}`);
    const parsed = parseBody(response);
    const problems: string[] = [];
    if (step.expect.body !== undefined) problems.push(...mismatches(parsed, substitute(step.expect.body, variables)));
    for (const [name, expected] of Object.entries(step.expect.headers ?? {})) {
      problems.push(...mismatches(response.headers[name.toLowerCase()], substitute(expected, variables), `header ${name}`));
    }
    if (problems.length > 0) throw new ReplayFailure(`${problems.join('\n')}\n${context}`);
    for (const [name, jsonPath] of Object.entries(step.capture ?? {})) {
      const value = readJsonPath(parsed, jsonPath);
      if (value === undefined) throw new ReplayFailure(`capture ${name}: nothing at ${jsonPath}; ${context}`);
      variables.set(name, value);
    }
  }
}
