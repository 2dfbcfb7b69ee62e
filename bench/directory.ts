/**
 * The benchmark directory, as a pure function of its sizes: every user's id,
 * userName and SCIM body can be recomputed from its index. The seeding
 * script, the scimmy server (which keeps its own in-memory copy) and the
 * load generator therefore agree on the directory without shipping a list of
 * a million ids between processes.
 *
 * Layout, by user index:
 *   [0, bigGroupSize)                   members of every big group; the small groups
 *                                       take consecutive slices of 100 of them
 *   then three disjoint pools of users in no group, each consumed one user
 *   per operation so that no write repeats on the same resource:
 *     deactivatePool                    PATCH active=false
 *     smallGroupAddPool                 PATCH add member to a small group
 *     bigGroupAddPool                   PATCH add member to a big group
 *   the remaining users fill the directory up to `users`.
 *
 * There are several groups of each size, and member adds go round-robin
 * over them: thousands of adds to one "group of 100" would measure a group
 * of thousands by the end of the run.
 */
import { createHash } from 'node:crypto';

export const USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export const SMALL_GROUP_SIZE = 100;
export const SMALL_GROUP_COUNT = 100;
export const BIG_GROUP_COUNT = 10;
/** A pool never needs more users than this: no scenario on this hardware sustains 100,000 writes in its window. */
const MAX_POOL_SIZE = 100_000;
const MIN_POOL_SIZE = 1_000;

export interface DirectorySizes {
  readonly users: number;
  readonly bigGroup: number;
}

/** A contiguous range of user indexes. */
export interface UserRange {
  readonly start: number;
  readonly size: number;
}

export interface DirectoryPlan {
  readonly users: number;
  readonly smallGroupSize: number;
  readonly bigGroupSize: number;
  readonly smallGroupIds: readonly string[];
  readonly bigGroupIds: readonly string[];
  readonly deactivatePool: UserRange;
  readonly smallGroupAddPool: UserRange;
  readonly bigGroupAddPool: UserRange;
}

export function planDirectory(sizes: DirectorySizes): DirectoryPlan {
  const { users, bigGroup } = sizes;
  if (!Number.isInteger(users) || !Number.isInteger(bigGroup)) throw new RangeError('--users and --big-group must be whole numbers');
  if (bigGroup < SMALL_GROUP_SIZE) throw new RangeError(`--big-group must be at least ${SMALL_GROUP_SIZE} (the small group's size)`);
  const poolSize = Math.min(MAX_POOL_SIZE, Math.floor((users - bigGroup) / 3));
  if (poolSize < MIN_POOL_SIZE) {
    throw new RangeError(
      `--users ${users} leaves too few users outside the big group (${bigGroup}) for the write scenarios: ` +
        `need at least --users ${bigGroup + 3 * MIN_POOL_SIZE}`,
    );
  }
  return {
    users,
    smallGroupSize: SMALL_GROUP_SIZE,
    bigGroupSize: bigGroup,
    smallGroupIds: Array.from({ length: SMALL_GROUP_COUNT }, (_, index) => groupId(`small:${index}`)),
    bigGroupIds: Array.from({ length: BIG_GROUP_COUNT }, (_, index) => groupId(`big:${index}`)),
    deactivatePool: { start: bigGroup, size: poolSize },
    smallGroupAddPool: { start: bigGroup + poolSize, size: poolSize },
    bigGroupAddPool: { start: bigGroup + 2 * poolSize, size: poolSize },
  };
}

/**
 * A version-4-shaped UUID derived from a name. Ids look and sort like the
 * random UUIDs the server assigns, so the id index is exercised with random
 * keys, not with an artificially sequential pattern.
 */
export function uuidFromName(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function userId(index: number): string {
  return uuidFromName(`scimitar-bench:user:${index}`);
}

export function groupId(name: string): string {
  return uuidFromName(`scimitar-bench:group:${name}`);
}

const GIVEN_NAMES = ['Ada', 'Barbara', 'Chen', 'Dmitri', 'Esther', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Julia', 'Kwame', 'Lena', 'Mateo', 'Noor', 'Oskar', 'Priya'];
const FAMILY_NAMES = ['Jensen', 'Okafor', 'Larsen', 'Nakamura', 'Silva', 'Kowalski', 'Haddad', 'Moreau', 'Schmidt', 'Rossi', 'Tanaka', 'Novak', 'Byrne', 'Costa', 'Ivanova', 'Park'];

function names(index: number): { given: string; family: string } {
  return { given: GIVEN_NAMES[index % GIVEN_NAMES.length]!, family: FAMILY_NAMES[Math.floor(index / GIVEN_NAMES.length) % FAMILY_NAMES.length]! };
}

/** The user indexes of a group's seeded members. */
export function groupMemberIndexes(plan: DirectoryPlan, kind: 'small' | 'big', index: number): number[] {
  if (kind === 'big') return Array.from({ length: plan.bigGroupSize }, (_, member) => member);
  return Array.from({ length: plan.smallGroupSize }, (_, member) => (index * plan.smallGroupSize + member) % plan.bigGroupSize);
}

export function groupDisplayName(plan: DirectoryPlan, kind: 'small' | 'big', index: number): string {
  return kind === 'small' ? `Team ${index} (${plan.smallGroupSize})` : `Everyone ${index} (${plan.bigGroupSize})`;
}

export function userName(index: number): string {
  const { given, family } = names(index);
  return `${given}.${family}.${index}@example.com`.toLowerCase();
}

/** The body an identity provider sends to create this user: no password (scrypt would dominate every figure). */
export function userBody(index: number, userNameOverride?: string): Record<string, unknown> {
  const { given, family } = names(index);
  const name = userNameOverride ?? userName(index);
  return {
    schemas: [USER_SCHEMA_URN],
    userName: name,
    externalId: `00u${index.toString(36).padStart(8, '0')}`,
    name: { givenName: given, familyName: family, formatted: `${given} ${family}` },
    displayName: `${given} ${family}`,
    emails: [{ value: name, type: 'work', primary: true }],
    active: true,
  };
}

export function groupBody(displayName: string): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA_URN], displayName };
}

/** The same text with each letter's case flipped at random: userName matches whatever its case (RFC 7643 §4.1.1). */
export function randomCase(text: string): string {
  let out = '';
  for (const char of text) out += Math.random() < 0.5 ? char.toUpperCase() : char.toLowerCase();
  return out;
}

/** A uniformly random user index in [0, users). */
export function randomUserIndex(plan: DirectoryPlan): number {
  return Math.floor(Math.random() * plan.users);
}
