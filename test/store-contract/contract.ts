/**
 * The contract every Store adapter must pass (src/store/store.ts). Each
 * adapter's test file calls `describeStoreContract` with a function opening
 * a fresh, empty store built with `createDefaultRegistry()`; the suites
 * create the tenants they use and run against the real database.
 */
import { describe } from 'vitest';
import { describeDeletionContract } from './deletions.contract.js';
import { describeAppTransactionContract } from './app-transaction.contract.js';
import { describeEventContract } from './events.contract.js';
import { describeFilterContract } from './filters.contract.js';
import { describeGenericTypeContract } from './generic-type.contract.js';
import { describeListingContract } from './listing.contract.js';
import { describeMemberContract } from './members.contract.js';
import { describeRequestLogContract } from './request-log.contract.js';
import { describeResourceContract } from './resources.contract.js';
import { describeSchemaDeclarationContract } from './schema-declarations.contract.js';
import { describeRoleContract } from './roles.contract.js';
import { describeSetupLinkContract } from './setup-links.contract.js';
import type { OpenedStore, OpenStore } from './support.js';
import { describeTenantContract } from './tenants.contract.js';
import { describeWebhookContract } from './webhooks.contract.js';

export type { OpenedStore, OpenStore } from './support.js';
export { contractRegistry } from './support.js';

export function describeStoreContract(name: string, openStore: () => Promise<OpenedStore>): void {
  const open: OpenStore = openStore;
  describe(`store contract: ${name}`, () => {
    describeResourceContract(open);
    describeMemberContract(open);
    describeGenericTypeContract(open);
    describeFilterContract(open);
    describeListingContract(open);
    describeTenantContract(open);
    describeEventContract(open);
    describeRequestLogContract(open);
    describeWebhookContract(open);
    describeSchemaDeclarationContract(open);
    describeRoleContract(open);
    describeDeletionContract(open);
    describeAppTransactionContract(open);
    describeSetupLinkContract(open);
  });
}
