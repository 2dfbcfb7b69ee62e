export {
  PATCH_OP_SCHEMA,
  DEFAULT_PATCH_LIMITS,
  parsePatchRequest,
  type PatchLimits,
  type PatchOperation,
  type PatchOperationName,
} from './patch-request.js';
export { applyPatch, type PatchResult } from './apply-patch.js';
export { planMembershipPatch, type MembershipPlan, type MembershipStep, type PlannedMember } from './membership-plan.js';
