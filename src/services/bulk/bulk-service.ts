/**
 * Runs a SCIM Bulk request (RFC 7644 §3.7) with the ResourceService: one
 * service call per operation, so each operation is its own transaction and
 * is either applied whole or not at all. Operations run one after another
 * in dependency order (core/bulk/bulk-order.ts); a failed operation does not
 * stop the others unless the client's failOnErrors says so.
 *
 * A Bulk may carry 10,000 operations: it hands the event loop back between
 * operations every few milliseconds of work, so the other requests of the
 * instance (any tenant's) are served meanwhile instead of waiting seconds
 * behind it. On SQLite an operation never waits for I/O, so without these
 * yields the whole request would run as one uninterrupted turn.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextEventLoopTurn } from 'node:timers/promises';
import { isScimError, ScimError, scimErrors } from '../../core/errors/scim-error.js';
import {
  bulkResponse,
  parseBulkRequest,
  planBulkOrder,
  substituteBulkIds,
  type BulkOperation,
  type BulkOperationResult,
  type BulkResponseBody,
  type BulkStep,
} from '../../core/bulk/index.js';
import { alwaysReturnedOnly } from '../../core/projection/index.js';
import { isStoreUnavailable } from '../../store/store-unavailable.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import { resourceLocation } from '../resources/render.js';

export interface BulkServiceDependencies {
  readonly resources: ResourceService;
  /** Advertised as bulk.maxOperations; more operations in one request are refused with 413. */
  readonly maxOperations: number;
  /** Longest run of operations, in milliseconds of work, before other requests get a turn (default 10). */
  readonly yieldAfterMs?: number;
}

export interface BulkExecutionHooks {
  /** Called with a failure that is not a SCIM error (a database outage, a bug), before it is reported as that operation's 500. */
  readonly onUnexpectedError?: (error: unknown, operation: BulkOperation) => void;
}

/** What a successful operation produced. */
interface Outcome {
  readonly status: 200 | 201 | 204;
  readonly id: string;
  readonly version: string | undefined;
  readonly location: string;
}

export class BulkService {
  private readonly resources: ResourceService;
  readonly maxOperations: number;
  private readonly yieldAfterMs: number;

  constructor(dependencies: BulkServiceDependencies) {
    this.resources = dependencies.resources;
    this.maxOperations = dependencies.maxOperations;
    this.yieldAfterMs = dependencies.yieldAfterMs ?? 10;
  }

  /**
   * Validates the whole request first (a malformed one is refused before any
   * change), then runs its operations. Per-operation failures become results,
   * never exceptions.
   */
  async execute(context: RequestContext, body: unknown, hooks: BulkExecutionHooks = {}): Promise<BulkResponseBody> {
    let turnStartedAt = performance.now();
    /** Gives other requests a turn once this one has worked yieldAfterMs since its last. */
    const letOthersThrough = async () => {
      if (performance.now() - turnStartedAt < this.yieldAfterMs) return;
      await nextEventLoopTurn();
      turnStartedAt = performance.now();
    };
    // Validating and ordering 10,000 operations take tens of milliseconds each: a turn between them.
    const request = parseBulkRequest(body, { maxOperations: this.maxOperations }, this.resources.resourceTypes);
    await letOthersThrough();
    const steps = planBulkOrder(request.operations);
    /** bulkId → id of the resource its POST created. */
    const created = new Map<string, string>();
    const results = new Map<number, BulkOperationResult>();
    let errors = 0;
    for (const step of steps) {
      // §3.7: failOnErrors is "the number of errors that the service provider will accept before the operation is terminated".
      if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
      // Between operations, never inside one: each stays its own transaction, run in the planned order.
      await letOthersThrough();
      const { operation } = step;
      try {
        const outcome = await this.run(context, step, created);
        if (operation.method === 'POST' && operation.bulkId !== undefined) created.set(operation.bulkId, outcome.id);
        results.set(operation.index, {
          method: operation.method,
          ...(operation.bulkId !== undefined ? { bulkId: operation.bulkId } : {}),
          ...(outcome.version !== undefined ? { version: outcome.version } : {}),
          location: outcome.location,
          status: String(outcome.status),
        });
      } catch (error) {
        errors += 1;
        results.set(operation.index, await this.failure(context, operation, created, this.asScimError(error, operation, hooks)));
      }
    }
    return bulkResponse(results);
  }

  private async run(context: RequestContext, step: BulkStep, created: ReadonlyMap<string, string>): Promise<Outcome> {
    const { operation, problem } = step;
    if (problem?.kind === 'unknown') {
      // The same answer a single request gets for a member id that does not exist.
      throw scimErrors.invalidValue(`"bulkId:${problem.bulkId}" refers to no POST operation of this request (no operation has bulkId ${JSON.stringify(problem.bulkId)})`);
    }
    if (problem?.kind === 'circular') {
      // §3.7.1: "MAY stop after a failed attempt and instead return HTTP status code 409 (Conflict)".
      const cycle = [...problem.cycle, problem.cycle[0]].map((bulkId) => `bulkId:${bulkId}`).join(' → ');
      throw conflict(`Circular bulkId references (${cycle}): none of these operations can run first, so none was attempted`);
    }
    for (const bulkId of step.references) {
      if (!created.has(bulkId)) {
        throw conflict(`"bulkId:${bulkId}" cannot be resolved: the operation creating it failed or was not run, so this operation was not attempted`);
      }
    }
    const resolve = (bulkId: string): string => created.get(bulkId)!;
    const type = operation.target.resourceType;
    const data = operation.data === undefined ? undefined : substituteBulkIds(operation.data, resolve);
    // The BulkResponse carries no resource bodies (§3.7: "For normal completion, the server MAY
    // elect to omit the response body"), so only the "always" attributes are rendered: a Group's
    // members are never loaded.
    if (operation.method === 'POST') {
      const response = await this.resources.create(context, type, data, alwaysReturnedOnly);
      return { status: 201, id: String(response.resource['id']), version: response.etag, location: response.location };
    }
    const id = substituteBulkIds(operation.target.id!, resolve);
    // §3.7: "version … MAY be used if the service provider supports entity-tags": it is the operation's If-Match.
    const ifMatch = operation.version;
    switch (operation.method) {
      case 'PUT': {
        const response = await this.resources.replace(context, type, id, data, ifMatch, alwaysReturnedOnly);
        return { status: 200, id, version: response.etag, location: response.location };
      }
      case 'PATCH': {
        const response = await this.resources.patch(context, type, id, data, ifMatch, alwaysReturnedOnly);
        return { status: 200, id, version: response.etag, location: response.location };
      }
      case 'DELETE':
        await this.resources.delete(context, type, id, ifMatch);
        return { status: 204, id, version: undefined, location: await this.location(context, operation, id) };
    }
  }

  private asScimError(error: unknown, operation: BulkOperation, hooks: BulkExecutionHooks): ScimError {
    if (isScimError(error)) return error;
    // The operation was not committed and may be sent again (in a new Bulk request) once the database is back.
    if (isStoreUnavailable(error)) return scimErrors.serviceUnavailable('The database was unreachable; this operation was not saved. Retry it in a few seconds.');
    hooks.onUnexpectedError?.(error, operation);
    return scimErrors.internal('An unexpected error occurred while running this operation; it has been logged. Retry it later.');
  }

  /** §3.7: location is "REQUIRED in a response, except in the event of a POST failure"; it is left out too when the path's bulkId never resolved. */
  private async failure(context: RequestContext, operation: BulkOperation, created: ReadonlyMap<string, string>, error: ScimError): Promise<BulkOperationResult> {
    let location: string | undefined;
    if (operation.method !== 'POST' && operation.target.id !== undefined) {
      let resolvable = true;
      const id = substituteBulkIds(operation.target.id, (bulkId) => {
        const value = created.get(bulkId);
        if (value === undefined) resolvable = false;
        return value ?? bulkId;
      });
      if (resolvable) location = await this.location(context, operation, id);
    }
    return {
      method: operation.method,
      ...(operation.bulkId !== undefined ? { bulkId: operation.bulkId } : {}),
      ...(location !== undefined ? { location } : {}),
      status: String(error.status),
      response: error.toJSON(),
    };
  }

  private async location(context: RequestContext, operation: BulkOperation, id: string): Promise<string> {
    return resourceLocation(context.baseUrl, await this.resources.schemasFor(context.tenantId, operation.target.resourceType), id);
  }
}

/** 409 without a scimType: RFC 7644 §3.12 names none for a reference that cannot be resolved. */
function conflict(detail: string): ScimError {
  return new ScimError(409, undefined, detail);
}
