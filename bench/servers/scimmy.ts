/**
 * The alternative a Node team would otherwise pick: scimmy (resource types,
 * filters, PATCH) mounted on express by scimmy-routers, over an in-memory
 * store written the way scimmy's README and handler documentation show —
 * `declare(...).ingress(...).egress(...).degress(...)`, the egress handler
 * returning one resource by id, or every resource run through the request's
 * filter (`resource.filter.match(...)`), paging left to scimmy's
 * ListResponse. A userName set guards uniqueness (409), as any real
 * handler must.
 *
 * Seeded in memory with the same users and groups as the Scimitar
 * directory (bench/directory.ts), from BENCH_USERS and BENCH_BIG_GROUP.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { groupBody, groupDisplayName, groupMemberIndexes, planDirectory, userBody, userId } from '../directory.js';
import { announceReady, exitOnSignals } from './lifecycle.js';

/** The little of express used here (the package ships no types, and this project installs none). */
interface ExpressApp {
  use(path: string, handler: unknown): void;
  listen(port: number, host: string, callback: () => void): Server;
}
const express = createRequire(import.meta.url)('express') as () => ExpressApp;

type StoredResource = Record<string, unknown> & { id: string };

interface HandlerResource {
  readonly id?: string;
  readonly filter?: { match(values: object[]): object[] };
}

const users = new Map<string, StoredResource>();
const groups = new Map<string, StoredResource>();
/** Lower-cased userNames: userName is unique whatever its case (RFC 7643 §4.1.1). */
const takenUserNames = new Set<string>();

function seed(): void {
  const plan = planDirectory({ users: Number(process.env['BENCH_USERS'] ?? '100000'), bigGroup: Number(process.env['BENCH_BIG_GROUP'] ?? '10000') });
  for (let index = 0; index < plan.users; index++) {
    const body = userBody(index);
    users.set(userId(index), { ...body, id: userId(index) });
    takenUserNames.add(String(body['userName']).toLowerCase());
  }
  for (const kind of ['small', 'big'] as const) {
    for (const [index, id] of (kind === 'small' ? plan.smallGroupIds : plan.bigGroupIds).entries()) {
      const members = groupMemberIndexes(plan, kind, index).map((member) => ({ value: userId(member), type: 'User' }));
      groups.set(id, { ...groupBody(groupDisplayName(plan, kind, index)), id, members });
    }
  }
}

/** RFC 7644 §3.12 gives 404 no scimType; scimmy's declarations want a string where its code accepts null. */
const NO_SCIM_TYPE = null as unknown as string;

function notFound(type: string, id: string | undefined): Error {
  return new SCIMMY.Types.Error(404, NO_SCIM_TYPE, `${type} ${String(id)} not found`);
}

/** One in-memory resource type, the README's ingress/egress/degress trio. */
function handlers(type: string, store: Map<string, StoredResource>, uniqueUserName: boolean) {
  return {
    ingress: (resource: HandlerResource, instance: object): StoredResource => {
      const data = { ...instance } as Record<string, unknown>;
      const wanted = typeof data['userName'] === 'string' ? data['userName'].toLowerCase() : undefined;
      if (resource.id !== undefined) {
        const existing = store.get(resource.id);
        if (existing === undefined) throw notFound(type, resource.id);
        const current = typeof existing['userName'] === 'string' ? existing['userName'].toLowerCase() : undefined;
        if (uniqueUserName && wanted !== undefined && wanted !== current) {
          if (takenUserNames.has(wanted)) throw new SCIMMY.Types.Error(409, 'uniqueness', `userName ${wanted} is taken`);
          if (current !== undefined) takenUserNames.delete(current);
          takenUserNames.add(wanted);
        }
        const updated = { ...data, id: resource.id };
        store.set(resource.id, updated);
        return updated;
      }
      if (uniqueUserName && wanted !== undefined) {
        if (takenUserNames.has(wanted)) throw new SCIMMY.Types.Error(409, 'uniqueness', `userName ${wanted} is taken`);
        takenUserNames.add(wanted);
      }
      const created = { ...data, id: randomUUID() };
      store.set(created.id, created);
      return created;
    },
    egress: (resource: HandlerResource): StoredResource | object[] => {
      if (resource.id !== undefined) {
        const found = store.get(resource.id);
        if (found === undefined) throw notFound(type, resource.id);
        return found;
      }
      const all = [...store.values()];
      return resource.filter !== undefined ? resource.filter.match(all) : all;
    },
    degress: (resource: HandlerResource): void => {
      const found = resource.id === undefined ? undefined : store.get(resource.id);
      if (found === undefined) throw notFound(type, resource.id);
      if (uniqueUserName && typeof found['userName'] === 'string') takenUserNames.delete(found['userName'].toLowerCase());
      store.delete(found.id);
    },
  };
}

seed();

const userHandlers = handlers('User', users, true);
const groupHandlers = handlers('Group', groups, false);
// The handler signatures in scimmy's declarations are generic over its schema classes; these plain-object handlers satisfy them at run time.
type AnyHandler = Parameters<typeof SCIMMY.Resources.User.ingress>[0];
SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .ingress(userHandlers.ingress as unknown as AnyHandler)
  .egress(userHandlers.egress as unknown as Parameters<typeof SCIMMY.Resources.User.egress>[0])
  .degress(userHandlers.degress as unknown as Parameters<typeof SCIMMY.Resources.User.degress>[0]);
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress(groupHandlers.ingress as unknown as Parameters<typeof SCIMMY.Resources.Group.ingress>[0])
  .egress(groupHandlers.egress as unknown as Parameters<typeof SCIMMY.Resources.Group.egress>[0])
  .degress(groupHandlers.degress as unknown as Parameters<typeof SCIMMY.Resources.Group.degress>[0]);

// Bulk is off by default in scimmy; a team that needs it switches it on like this (shorthand: supported, maxOperations).
SCIMMY.Config.set('bulk', 1000);

const expectedAuthorization = `Bearer ${process.env['BENCH_TOKEN'] ?? ''}`;
const app = express();
app.use(
  '/scim/v2',
  new SCIMMYRouters({
    type: 'bearer',
    handler: (request) => {
      if (request.header('Authorization') !== expectedAuthorization) throw new Error('Missing or invalid bearer token');
      return 'bench-client';
    },
  }),
);

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('the scimmy server has no TCP address');
  exitOnSignals(() => new Promise<void>((resolve) => server.close(() => resolve())));
  announceReady(`http://127.0.0.1:${address.port}`);
});
