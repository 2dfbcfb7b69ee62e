import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { filterNodes } from '../filter/ast.js';
import { PATCH_OP_SCHEMA, parsePatchRequest } from './index.js';

function expectScimError(action: () => unknown, status: number, scimType: string | undefined, detail: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status, scimType });
  expect(error.detail).toMatch(detail);
}

const request = (Operations: unknown) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

describe('parsePatchRequest (RFC 7644 §3.5.2)', () => {
  it('parses operations with their paths and keeps each index', () => {
    const operations = parsePatchRequest(
      request([
        { op: 'add', path: 'members', value: [{ value: 'u1' }] },
        { op: 'remove', path: 'emails[type eq "work"].value' },
        { op: 'replace', value: { displayName: 'New' } },
      ]),
    );
    expect(operations).toEqual([
      { op: 'add', path: filterNodes.patchPath(filterNodes.attributePath('members')), pathText: 'members', value: [{ value: 'u1' }], index: 0 },
      {
        op: 'remove',
        path: filterNodes.patchPath(
          filterNodes.attributePath('emails'),
          filterNodes.comparison(filterNodes.attributePath('type', { position: 8 }), 'eq', 'work'),
          'value',
        ),
        pathText: 'emails[type eq "work"].value',
        value: undefined,
        index: 1,
      },
      { op: 'replace', path: undefined, pathText: undefined, value: { displayName: 'New' }, index: 2 },
    ]);
  });

  it('accepts op names and member names in any case ("Replace" from Entra, "operations")', () => {
    const operations = parsePatchRequest({ SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ Op: 'Replace', Path: 'active', Value: 'False' }] });
    expect(operations.map(({ op, pathText, value }) => ({ op, pathText, value }))).toEqual([{ op: 'replace', pathText: 'active', value: 'False' }]);
  });

  it('treats an empty path as no path', () => {
    expect(parsePatchRequest(request([{ op: 'add', path: '', value: { title: 'x' } }]))[0]?.path).toBeUndefined();
  });

  it('rejects a body that is not an object', () => {
    expectScimError(() => parsePatchRequest([]), 400, 'invalidSyntax', /JSON object/);
  });

  it('rejects missing schemas or schemas without the PatchOp URN', () => {
    expectScimError(() => parsePatchRequest({ Operations: [{ op: 'remove', path: 'title' }] }), 400, 'invalidSyntax', /PatchOp/);
    expectScimError(() => parsePatchRequest({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [] }), 400, 'invalidSyntax', /PatchOp/);
  });

  it('rejects missing, empty or non-array Operations', () => {
    expectScimError(() => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA] }), 400, 'invalidSyntax', /"Operations" must be a non-empty array/);
    expectScimError(() => parsePatchRequest(request([])), 400, 'invalidSyntax', /"Operations" must be a non-empty array/);
    expectScimError(() => parsePatchRequest(request({ op: 'add' })), 400, 'invalidSyntax', /"Operations" must be a non-empty array/);
  });

  it('rejects more operations than the limit with 413', () => {
    const operations = Array.from({ length: 3 }, () => ({ op: 'remove', path: 'title' }));
    expect(parsePatchRequest(request(operations), { maxOperations: 3 })).toHaveLength(3);
    expectScimError(() => parsePatchRequest(request([...operations, { op: 'remove', path: 'title' }]), { maxOperations: 3 }), 413, undefined, /at most 3/);
  });

  it('rejects unknown op names, naming the operation index', () => {
    expectScimError(() => parsePatchRequest(request([{ op: 'add', path: 'title', value: 'x' }, { op: 'move', path: 'title' }])), 400, 'invalidSyntax', /^Operations\[1\]: "op" must be "add", "replace" or "remove", got string "move"$/);
    expectScimError(() => parsePatchRequest(request([{ path: 'title' }])), 400, 'invalidSyntax', /^Operations\[0\]: "op" must be/);
    expectScimError(() => parsePatchRequest(request(['add'])), 400, 'invalidSyntax', /^Operations\[0\]: An operation must be an object/);
  });

  it('rejects bad path syntax with invalidPath', () => {
    expectScimError(() => parsePatchRequest(request([{ op: 'remove', path: 'emails[type eq "work"' }])), 400, 'invalidPath', /^Operations\[0\]: /);
    expectScimError(() => parsePatchRequest(request([{ op: 'remove', path: 'name..givenName' }])), 400, 'invalidPath', /^Operations\[0\]: /);
    expectScimError(() => parsePatchRequest(request([{ op: 'remove', path: 42 }])), 400, 'invalidPath', /"path" must be a string, got number 42/);
  });

  it('requires a value for add and replace (§3.5.2.1, §3.5.2.3)', () => {
    expectScimError(() => parsePatchRequest(request([{ op: 'add', path: 'title' }])), 400, 'invalidValue', /^Operations\[0\]: "add" requires a "value"$/);
    expectScimError(() => parsePatchRequest(request([{ op: 'replace', path: 'title' }])), 400, 'invalidValue', /"replace" requires a "value"/);
    expect(parsePatchRequest(request([{ op: 'replace', path: 'title', value: null }]))[0]?.value).toBeNull();
  });
});
