/**
 * Bounded cardinality for the per-tenant series: every tenant is a label
 * value until `limit` distinct tenants have been seen by this process; the
 * tenants seen after that share the label `_other`. A Prometheus series per
 * tenant of a 10,000-tenant deployment would cost more than the server
 * itself; the first N (the busiest ones in practice, since they show up
 * first) keep their own series and the totals stay exact.
 */
const OTHER_TENANTS_LABEL = '_other';

export class TenantLabels {
  private readonly admitted = new Set<string>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`The tenant label limit must be a whole number, not ${limit}`);
  }

  labelOf(tenantId: string): string {
    if (this.admitted.has(tenantId)) return tenantId;
    if (this.admitted.size >= this.limit) return OTHER_TENANTS_LABEL;
    this.admitted.add(tenantId);
    return tenantId;
  }
}
