/**
 * Okta's provisioning loop: before creating a user it looks the userName up,
 * and creates it only when the lookup finds nothing. One operation is both
 * requests, each with a userName no one has used.
 */
import { userBody } from '../directory.js';
import type { HttpCall } from '../load.js';
import { expectStatus, field, filterQuery, type Scenario } from './scenario.js';

export const oktaLoopScenario: Scenario = {
  id: 'okta-loop',
  title: 'Okta check-then-create',
  operation: 'GET /Users?filter=userName eq "<new>" (finds nothing), then POST /Users (no password)',
  perTenant: true,
  async prepare({ plan, runTag, tenants }) {
    let created = 0;
    return {
      source: {
        requestsPerOp: 2,
        remaining: () => Number.POSITIVE_INFINITY,
        next(): readonly HttpCall[] {
          const index = plan.users + created++;
          const userName = `okta.${runTag}.${index}@example.com`;
          const { token } = tenants.pick();
          return [
            { method: 'GET', path: `/Users?${filterQuery(`userName eq "${userName}"`)}`, token },
            { method: 'POST', path: '/Users', body: userBody(index, userName), token },
          ];
        },
      },
      check([lookup, create]) {
        const problem = expectStatus(lookup, 200) ?? expectStatus(create, 201);
        if (problem !== undefined) return problem;
        if (field(lookup!.body, 'totalResults') !== 0) return `the lookup of a new userName found ${String(field(lookup!.body, 'totalResults'))} users`;
        return undefined;
      },
    };
  },
};
