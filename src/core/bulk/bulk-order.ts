/**
 * The order in which a Bulk request's operations run. §3.7.2 lets an
 * operation refer to a resource another operation creates, wherever that
 * operation stands in the request, so the operations run in a dependency
 * (topological) order: every operation after the POSTs whose bulkIds it
 * refers to, and otherwise in request order.
 *
 * References that cannot be satisfied are found here, before anything runs:
 * a bulkId no POST of the request declares, and circular references
 * (§3.7.1). Those operations are still placed in the order, so that they are
 * reported (and counted against failOnErrors) like any other failure.
 */
import { referencedBulkIds } from './bulk-references.js';
import type { BulkOperation } from './bulk-request.js';

export type BulkReferenceProblem =
  /** The operation refers to a bulkId that no POST operation of the request declares. */
  | { readonly kind: 'unknown'; readonly bulkId: string }
  /** The operation is part of a cycle of references; `cycle` lists the bulkIds along it. */
  | { readonly kind: 'circular'; readonly cycle: readonly string[] };

export interface BulkStep {
  readonly operation: BulkOperation;
  /** The bulkIds the operation refers to: their POSTs run before it. */
  readonly references: readonly string[];
  readonly problem: BulkReferenceProblem | undefined;
}

/** The operations in the order they run. */
export function planBulkOrder(operations: readonly BulkOperation[]): BulkStep[] {
  const creatorOf = new Map<string, number>();
  for (const operation of operations) {
    if (operation.method === 'POST' && operation.bulkId !== undefined) creatorOf.set(operation.bulkId, operation.index);
  }
  const references = operations.map((operation) => referencedBulkIds(operation));
  const problems = new Map<number, BulkReferenceProblem>();
  const dependencies = operations.map((operation, index) => {
    const indexes: number[] = [];
    for (const bulkId of references[index] ?? []) {
      const creator = creatorOf.get(bulkId);
      if (creator === undefined) {
        if (!problems.has(index)) problems.set(index, { kind: 'unknown', bulkId });
      } else {
        indexes.push(creator);
      }
    }
    return indexes;
  });

  // Depth-first post-order, iterative so that a long chain of references
  // (each user managed by the previous one) cannot overflow the stack.
  const UNSEEN = 0;
  const ON_STACK = 1;
  const DONE = 2;
  const state = new Uint8Array(operations.length);
  const order: number[] = [];
  for (let start = 0; start < operations.length; start += 1) {
    if (state[start] !== UNSEEN) continue;
    const stack: { node: number; next: number }[] = [{ node: start, next: 0 }];
    state[start] = ON_STACK;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const edges = dependencies[frame.node] ?? [];
      if (frame.next < edges.length) {
        const dependency = edges[frame.next]!;
        frame.next += 1;
        if (state[dependency] === UNSEEN) {
          state[dependency] = ON_STACK;
          stack.push({ node: dependency, next: 0 });
        } else if (state[dependency] === ON_STACK) {
          // A back edge: every operation on the stack from `dependency` up waits on itself.
          const from = stack.findIndex((entry) => entry.node === dependency);
          const members = stack.slice(from).map((entry) => entry.node);
          const cycle = members.map((node) => operations[node]?.bulkId ?? `Operations[${node}]`);
          for (const node of members) problems.set(node, { kind: 'circular', cycle });
        }
        continue;
      }
      state[frame.node] = DONE;
      order.push(frame.node);
      stack.pop();
    }
  }
  return order.map((index) => ({ operation: operations[index]!, references: references[index] ?? [], problem: problems.get(index) }));
}
