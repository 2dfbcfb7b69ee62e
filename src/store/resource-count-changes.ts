/**
 * A transaction's changes to the per-tenant resource counts (migration
 * 0005-resource-counts), summed in memory and written once, just before
 * COMMIT: the count row is then locked only for the commit instead of from
 * the first insert to the end of the transaction.
 */
import type { ResourceTypeName } from '../core/schema/attribute.js';

export interface ResourceCountChange {
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  readonly delta: number;
}

export class ResourceCountChanges {
  private readonly changes = new Map<string, ResourceCountChange>();

  change(tenantId: string, resourceType: ResourceTypeName, delta: number): void {
    const key = `${resourceType}\u0000${tenantId}`;
    const earlier = this.changes.get(key)?.delta ?? 0;
    this.changes.set(key, { tenantId, resourceType, delta: earlier + delta });
  }

  /**
   * The non-zero changes, in one fixed order (by type, then tenant) so two
   * transactions never lock the same count rows in opposite orders; and
   * forgets them.
   */
  drain(): ResourceCountChange[] {
    const changes = [...this.changes.entries()]
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
      .map(([, change]) => change)
      .filter((change) => change.delta !== 0);
    this.changes.clear();
    return changes;
  }
}
