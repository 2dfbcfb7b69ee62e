/**
 * Every scenario, in the order they run and are reported. Reads come before
 * the writes that reshape the directory; the list scenarios rely on it (they
 * take the directory's size from the seed).
 */
import { bulkCreateScenario } from './bulk-create.js';
import { cursorEndScenario, cursorStartScenario } from './cursor-page.js';
import { deliveryBulkBacklogScenario, deliveryBulkScenario, deliveryOktaBacklogScenario, deliveryOktaScenario } from './delivery.js';
import { cursorEndDuringWritesScenario, cursorStartDuringWritesScenario } from './cursor-page-during-writes.js';
import { filterLookupScenario } from './filter-lookup.js';
import { getDuringBulkScenario } from './get-during-bulk.js';
import { getUserScenario } from './get-user.js';
import { groupGetScenario } from './group-get.js';
import { listEndScenario, listStartScenario } from './list-page.js';
import { memberAddBigScenario, memberAddSmallScenario } from './member-add.js';
import { oktaLoopScenario } from './okta-loop.js';
import { patchDeactivateScenario } from './patch-deactivate.js';
import { initialSyncScenario } from './initial-sync.js';
import { putReplaceScenario } from './put-replace.js';
import type { BenchScenario } from './scenario.js';

export const SCENARIOS: readonly BenchScenario[] = [
  getUserScenario,
  filterLookupScenario,
  groupGetScenario,
  listStartScenario,
  listEndScenario,
  cursorStartScenario,
  cursorEndScenario,
  // After every read of the seed: these create users.
  cursorStartDuringWritesScenario,
  cursorEndDuringWritesScenario,
  oktaLoopScenario,
  patchDeactivateScenario,
  putReplaceScenario,
  memberAddSmallScenario,
  memberAddBigScenario,
  bulkCreateScenario,
  getDuringBulkScenario,
  // Last: they run only with a delivery target (see delivery.ts), and leave users behind.
  deliveryOktaScenario,
  deliveryOktaBacklogScenario,
  deliveryBulkScenario,
  deliveryBulkBacklogScenario,
  // Last of all: it runs only when named, and adds --sync-users users.
  initialSyncScenario,
];
