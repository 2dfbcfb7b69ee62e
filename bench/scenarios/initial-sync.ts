/**
 * An Entra-style initial provisioning cycle (see entra-cycle.ts for the
 * requests, sync-cycle.ts for how they are driven and timed): --sync-users
 * new users, each looked up then created, then the groups pushed with their
 * members, on 8 connections. Measured against Entra's documented pace (the
 * goal in issue-targets.ts): Scimitar must never be what slows a cycle down.
 *
 * It runs only when --only names it: it adds 100,000 users by default,
 * which would change what every later scenario measures (list pages at the
 * end, a larger directory) and what a rerun on the same database starts
 * from, and a cycle of that size takes minutes.
 */
import { runSyncCycle } from '../sync-cycle.js';
import { planSyncCycle } from './entra-cycle.js';
import type { CycleScenario } from './scenario.js';

/** Entra's provisioning service works on a target app with this many connections at once. */
export const ENTRA_CONNECTIONS = 8;

export const initialSyncScenario: CycleScenario = {
  id: 'initial-sync',
  title: `Initial sync, Entra-style (${ENTRA_CONNECTIONS} connections)`,
  operation:
    'per user GET /Users?filter=userName eq "<new>" (finds nothing) then POST /Users (Entra body, enterprise extension); then per group of 100 ' +
    'GET /Groups?excludedAttributes=members&filter=displayName eq "<new>", POST /Groups, PATCH "Add" members 10 at a time',
  onlyWhenNamed: 'it adds --sync-users users (100,000 by default) and takes minutes',
  unsupportedBy: (traits) => (traits.name === 'scimitar' ? undefined : 'measured against Entra\'s pace, on Scimitar only'),
  async runCycle({ server, target, runTag, syncUsers, databaseCpu }) {
    const { result, cycle } = await runSyncCycle(server, target, planSyncCycle(syncUsers), runTag, ENTRA_CONNECTIONS, databaseCpu);
    const problem =
      cycle.unexpectedFinds > 0
        ? `${cycle.unexpectedFinds} lookups of new names found something`
        : cycle.users < syncUsers
          ? `${(syncUsers - cycle.users).toLocaleString('en-US')} of ${syncUsers.toLocaleString('en-US')} users were not created`
          : undefined;
    // The row's columns read differently from a timed load's: say how.
    const note = `one operation is one user synced (its lookup, create and share of the group pushes); p50/p99 per request; no warm-up`;
    return { result, cycle, note, ...(problem !== undefined ? { problem } : {}) };
  },
};
