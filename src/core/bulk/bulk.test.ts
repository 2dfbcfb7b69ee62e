import { describe, expect, it } from 'vitest';
import { isScimError } from '../errors/scim-error.js';
import { planBulkOrder } from './bulk-order.js';
import { referencedBulkIds, substituteBulkIds } from './bulk-references.js';
import { BULK_REQUEST_SCHEMA, parseBulkRequest, type BulkRequest } from './bulk-request.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { defineResourceType } from '../schema/resource-types.js';

const LIMITS = { maxOperations: 10 };
const TYPES = createDefaultRegistry().types;

function request(operations: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { schemas: [BULK_REQUEST_SCHEMA], Operations: operations, ...extra };
}

function parse(operations: unknown[], extra: Record<string, unknown> = {}): BulkRequest {
  return parseBulkRequest(request(operations, extra), LIMITS, TYPES);
}

function failure(action: () => unknown): { status: number; scimType: string | undefined; detail: string } {
  try {
    action();
  } catch (error) {
    if (isScimError(error)) return { status: error.status, scimType: error.scimType, detail: error.detail };
    throw error;
  }
  throw new Error('expected a ScimError');
}

const postUser = (bulkId: string, extra: Record<string, unknown> = {}) => ({ method: 'POST', path: '/Users', bulkId, data: { userName: bulkId, ...extra } });
const postGroup = (bulkId: string, members: string[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: { displayName: bulkId, members: members.map((value) => ({ value })) },
});

describe('parseBulkRequest', () => {
  it('parses operations, targets, versions and failOnErrors', () => {
    const parsed = parse(
      [
        postUser('u1'),
        { method: 'put', path: '/Users/abc', version: 'W/"1"', data: { userName: 'x' } },
        { method: 'PATCH', path: 'groups/bulkId:g1', data: { Operations: [] } },
        { method: 'DELETE', path: '/Users/a%2Fb' },
      ],
      { failOnErrors: 2 },
    );
    expect(parsed.failOnErrors).toBe(2);
    expect(parsed.operations.map((operation) => [operation.method, operation.target.resourceType, operation.target.id])).toEqual([
      ['POST', 'User', undefined],
      ['PUT', 'User', 'abc'],
      ['PATCH', 'Group', 'bulkId:g1'],
      ['DELETE', 'User', 'a/b'],
    ]);
    expect(parsed.operations[1]?.version).toBe('W/"1"');
  });

  it('reads message attribute names case-insensitively', () => {
    const parsed = parseBulkRequest({ SCHEMAS: [BULK_REQUEST_SCHEMA], operations: [{ Method: 'POST', PATH: '/Users', BulkId: 'a', Data: {} }] }, LIMITS, TYPES);
    expect(parsed.operations[0]?.bulkId).toBe('a');
  });

  it.each([
    ['a body that is not an object', []],
    ['a missing BulkRequest schema', { schemas: ['urn:x'], Operations: [] }],
    ['Operations that are not an array', { schemas: [BULK_REQUEST_SCHEMA], Operations: {} }],
    ['failOnErrors of 0', request([], { failOnErrors: 0 })],
    ['failOnErrors that is not an integer', request([], { failOnErrors: '1' })],
    ['an operation that is not an object', request(['POST'])],
    ['an unknown method', request([{ method: 'GET', path: '/Users/1' }])],
    ['a missing path', request([{ method: 'DELETE' }])],
    ['an unknown endpoint', request([{ method: 'POST', path: '/Widgets', bulkId: 'a', data: {} }])],
    ['a POST to one resource', request([{ method: 'POST', path: '/Users/1', bulkId: 'a', data: {} }])],
    ['a PUT without an id', request([{ method: 'PUT', path: '/Users', data: {} }])],
    ['a path with a query', request([{ method: 'DELETE', path: '/Users/1?x=1' }])],
    ['a POST without bulkId', request([{ method: 'POST', path: '/Users', data: {} }])],
    ['a POST without data', request([{ method: 'POST', path: '/Users', bulkId: 'a' }])],
    ['a PATCH whose data is an array', request([{ method: 'PATCH', path: '/Users/1', data: [] }])],
    ['data on a DELETE', request([{ method: 'DELETE', path: '/Users/1', data: {} }])],
    ['a bulkId written as a reference', request([postUser('bulkId:a')])],
    ['duplicate bulkIds', request([postUser('a'), postUser('a')])],
  ])('refuses %s with 400 invalidSyntax', (_name, body) => {
    expect(failure(() => parseBulkRequest(body, LIMITS, TYPES))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
  });

  it('addresses the endpoints of the registered resource types, and names them when a path matches none', () => {
    const widgetSchema = { id: 'urn:example:scim:schemas:Widget', name: 'Widget', description: 'Widget', attributes: [] };
    const withWidgets = createDefaultRegistry([], [defineResourceType({ name: 'Widget', endpoint: '/Widgets', schema: widgetSchema })]).types;
    const body = request([{ method: 'DELETE', path: '/widgets/w1' }]);
    expect(parseBulkRequest(body, LIMITS, withWidgets).operations[0]?.target).toEqual({ resourceType: 'Widget', id: 'w1' });
    expect(failure(() => parseBulkRequest(body, LIMITS, TYPES)).detail).toBe('Operations[0].path "/widgets/w1" must be /Users or /Groups, or /Users/{id} or /Groups/{id}');
  });

  it('refuses more than maxOperations with 413 naming the limit (RFC 7644 §3.7.4)', () => {
    const result = failure(() => parse(Array.from({ length: 11 }, (_, index) => postUser(`u${index}`))));
    expect(result.status).toBe(413);
    expect(result.detail).toContain('maxOperations (10)');
  });
});

describe('bulkId references', () => {
  it('finds references in the path and anywhere in data', () => {
    const [operation] = parse([{ method: 'PUT', path: '/Groups/bulkId:g', data: { members: [{ value: 'bulkId:u' }], x: { y: ['bulkId:v', 'bulkId:'] } } }]).operations;
    expect(referencedBulkIds(operation!).sort()).toEqual(['g', 'u', 'v']);
  });

  it('substitutes references with created ids without touching other strings or the input', () => {
    const data = { members: [{ value: 'bulkId:u', display: 'bulkId is a word' }], count: 1 };
    const resolved = substituteBulkIds(data, (bulkId) => `id-of-${bulkId}`);
    expect(resolved).toEqual({ members: [{ value: 'id-of-u', display: 'bulkId is a word' }], count: 1 });
    expect(data.members[0]?.value).toBe('bulkId:u');
  });

  it('keeps a "__proto__" key as data', () => {
    const data = JSON.parse('{"__proto__": {"polluted": "bulkId:u"}}') as Record<string, unknown>;
    const resolved = substituteBulkIds(data, () => 'id');
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value).toEqual({ polluted: 'id' });
  });
});

describe('planBulkOrder', () => {
  const order = (operations: unknown[]) => planBulkOrder(parse(operations).operations).map((step) => step.operation.bulkId ?? step.operation.path);

  it('keeps request order when nothing refers to anything', () => {
    expect(order([postUser('a'), postUser('b'), postUser('c')])).toEqual(['a', 'b', 'c']);
  });

  it('runs a POST after the POSTs it refers to, wherever they stand', () => {
    expect(order([postGroup('g', ['bulkId:b', 'bulkId:a']), postUser('a'), postUser('b')])).toEqual(['b', 'a', 'g']);
  });

  it('runs PATCH and DELETE on a bulkId path after its POST', () => {
    expect(order([{ method: 'DELETE', path: '/Users/bulkId:a' }, postUser('a')])).toEqual(['a', '/Users/bulkId:a']);
  });

  it('orders a long chain without recursion limits', () => {
    const chain = Array.from({ length: 5000 }, (_, index) => postUser(`u${index}`, index > 0 ? { manager: `bulkId:u${index - 1}` } : {})).reverse();
    const steps = planBulkOrder(parseBulkRequest(request(chain), { maxOperations: 5000 }, TYPES).operations);
    expect(steps.map((step) => step.operation.bulkId)).toEqual(Array.from({ length: 5000 }, (_, index) => `u${index}`));
    expect(steps.every((step) => step.problem === undefined)).toBe(true);
  });

  it('marks unknown bulkIds, and bulkIds declared only by non-POST operations', () => {
    const steps = planBulkOrder(
      parse([postGroup('g', ['bulkId:nobody']), { method: 'DELETE', path: '/Users/1', bulkId: 'd' }, { method: 'DELETE', path: '/Users/bulkId:d' }]).operations,
    );
    expect(steps.map((step) => step.problem)).toEqual([{ kind: 'unknown', bulkId: 'nobody' }, undefined, { kind: 'unknown', bulkId: 'd' }]);
  });

  it('marks every operation of a cycle (RFC 7644 §3.7.1), self-references included, and leaves the rest alone', () => {
    const steps = planBulkOrder(parse([postGroup('a', ['bulkId:b']), postGroup('b', ['bulkId:a']), postGroup('self', ['bulkId:self']), postUser('free')]).operations);
    const problems = Object.fromEntries(steps.map((step) => [step.operation.bulkId, step.problem?.kind]));
    expect(problems).toEqual({ a: 'circular', b: 'circular', self: 'circular', free: undefined });
  });
});
