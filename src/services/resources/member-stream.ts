/**
 * A Group with a very large membership, sent without holding it in memory:
 * the representation is JSON text streamed in chunks, its `members` read one
 * keyset page at a time (member id order) and serialised page by page, so
 * memory stays bounded by the page size whatever the group's size.
 *
 * What this trades: the members are read while the response is being sent,
 * not in one snapshot, so a membership change committed meanwhile may or may
 * not be in the answer (its `meta.version` is the one read first); and a
 * database failure halfway can only cut the response short, after the
 * status line has gone out.
 */
import { projectResource, type Projection } from '../../core/projection/index.js';
import type { ResourceSchemas } from '../../core/schema/registry.js';
import type { ResourceTypes } from '../../core/schema/resource-types.js';
import type { StoredMember, StoredResource, StoreReader } from '../../store/store.js';
import { renderResource } from './render.js';

/** Stands in for the members array while the rest of the resource is serialised around it. */
const MEMBERS_MARKER = '\u0000scimitar-members\u0000';

export interface MemberStreamSource {
  readonly reader: StoreReader;
  readonly tenantId: string;
  readonly baseUrl: string;
  readonly schemas: ResourceSchemas;
  readonly types: ResourceTypes;
  readonly stored: StoredResource;
  readonly projection: Projection;
  readonly pageSize: number;
}

/** The attribute the members are listed in (a Group's `members`). */
function membersAttribute(source: MemberStreamSource): string {
  const members = source.schemas.resourceType.members;
  if (members === undefined) throw new TypeError(`A ${source.schemas.resourceType.name} holds no members to stream`);
  return members.attribute;
}

/** The projected `members` elements of one page, as the whole resource's projection would give them. */
function projectedMembers(source: MemberStreamSource, page: readonly StoredMember[]): unknown[] {
  const rendered = renderResource(source.stored, source.schemas, source.baseUrl, { types: source.types, members: page });
  const projected = projectResource(rendered, source.schemas, source.projection)[membersAttribute(source)];
  return Array.isArray(projected) ? projected : [];
}

/**
 * The resource's JSON text, in chunks. `firstPage` is the first page of
 * members, already read (the caller read it to decide to stream).
 */
export async function* streamGroupJson(source: MemberStreamSource, firstPage: readonly StoredMember[]): AsyncGenerator<string> {
  const rendered = renderResource(source.stored, source.schemas, source.baseUrl, { types: source.types, members: firstPage.slice(0, 1) });
  const withoutMembers = projectResource(rendered, source.schemas, source.projection);
  withoutMembers[membersAttribute(source)] = MEMBERS_MARKER;
  const [prefix, suffix] = JSON.stringify(withoutMembers).split(JSON.stringify(MEMBERS_MARKER)) as [string, string];
  yield `${prefix}[`;
  let page = firstPage;
  let separator = '';
  while (page.length > 0) {
    const elements = projectedMembers(source, page).map((element) => JSON.stringify(element));
    if (elements.length > 0) {
      yield separator + elements.join(',');
      separator = ',';
    }
    page = await source.reader.listMembersPage(source.tenantId, source.stored.id, page.at(-1)!.value, source.pageSize);
  }
  yield `]${suffix}`;
}
