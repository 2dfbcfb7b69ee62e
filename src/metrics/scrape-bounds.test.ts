/** What keeps a scrape cheap and bounded: cached database readings, and a bounded tenant label. */
import { describe, expect, it } from 'vitest';
import { CachedProbe } from './cached-probe.js';
import { TenantLabels } from './tenant-labels.js';

/** The label the tenants past the limit share: dashboards and alerts name it. */
const OTHER_TENANTS_LABEL = '_other';

describe('CachedProbe (outbox readings on scrape)', () => {
  it('serves a burst of scrapes from one reading, and reads again once the period has passed', async () => {
    let now = 0;
    let reads = 0;
    const probe = new CachedProbe(async () => ++reads, 5_000, () => now);
    const burst = await Promise.all(Array.from({ length: 50 }, () => probe.get()));
    expect(burst.every((value) => value === 1)).toBe(true);
    now = 4_999;
    expect(await probe.get()).toBe(1);
    now = 5_000;
    expect(await probe.get()).toBe(2);
    expect(reads).toBe(2);
  });

  it('does not keep a failed reading: the next scrape tries again', async () => {
    let fail = true;
    const probe = new CachedProbe(async () => {
      if (fail) throw new Error('database unreachable');
      return 'ok';
    }, 5_000, () => 0);
    await expect(probe.get()).rejects.toThrow('database unreachable');
    fail = false;
    expect(await probe.get()).toBe('ok');
  });
});

describe('TenantLabels (bounded per-tenant series)', () => {
  it('gives the first N tenants a label each and folds the rest into _other, for good', () => {
    const labels = new TenantLabels(2);
    expect(['acme', 'globex', 'initech', 'acme', 'initech'].map((tenant) => labels.labelOf(tenant))).toEqual(['acme', 'globex', OTHER_TENANTS_LABEL, 'acme', OTHER_TENANTS_LABEL]);
    expect(new TenantLabels(0).labelOf('acme')).toBe(OTHER_TENANTS_LABEL);
  });
});
