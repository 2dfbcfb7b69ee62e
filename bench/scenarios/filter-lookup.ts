/** The lookup identity providers make before every update: userName eq, in whatever case the IdP holds it. */
import { randomCase } from '../directory.js';
import { expectStatus, field, filterQuery, singleCallSource, type Scenario } from './scenario.js';

export const filterLookupScenario: Scenario = {
  id: 'filter-lookup',
  title: 'Filtered lookup by userName',
  operation: 'GET /Users?filter=userName eq "<existing, random case>"',
  perTenant: true,
  async prepare({ tenants, traits }) {
    return {
      source: singleCallSource(() => {
        const tenant = tenants.pick();
        const name = tenant.userName(tenant.randomUserIndex());
        return { method: 'GET', path: `/Users?${filterQuery(`userName eq "${traits.caseInsensitiveUserName ? randomCase(name) : name}"`)}`, token: tenant.token };
      }),
      check([lookup]) {
        const problem = expectStatus(lookup, 200);
        if (problem !== undefined) return problem;
        const found = field(lookup!.body, 'totalResults');
        return found === 1 ? undefined : `found ${String(found)} users, expected 1`;
      },
      ...(traits.caseInsensitiveUserName
        ? {}
        : { note: 'userName sent in its stored case: scimmy matches userName case-sensitively (RFC 7643 §4.1.1 says caseExact false)' }),
    };
  },
};
