/**
 * Finds the cleartext password a PATCH sets, so it can be hashed before the
 * write transaction starts (hashing takes tens of milliseconds and must not
 * hold the database's write lock). If the guess is wrong the service hashes
 * inside the transaction instead; this is an optimisation, not a rule.
 */
import { attributePathText } from '../../core/filter/ast.js';
import type { PatchOperation } from '../../core/patch/index.js';
import type { ResourceSchemas } from '../../core/schema/registry.js';

export function findPatchPassword(operations: readonly PatchOperation[], schemas: ResourceSchemas): string | undefined {
  let password: string | undefined;
  for (const operation of operations) {
    if (operation.op === 'remove') continue;
    if (operation.path) {
      if (operation.path.valueFilter !== undefined) continue;
      const resolved = schemas.resolvePath(attributePathText(operation.path.attribute));
      if (resolved?.attribute.name === 'password' && typeof operation.value === 'string') password = operation.value;
      continue;
    }
    if (typeof operation.value !== 'object' || operation.value === null) continue;
    for (const [key, value] of Object.entries(operation.value)) {
      if (schemas.resolvePath(key)?.attribute.name === 'password' && typeof value === 'string') password = value;
    }
  }
  return password;
}
