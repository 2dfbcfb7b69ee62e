import type { FilterNode } from '../filter/ast.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import { findSubAttribute } from '../resource/attribute-value.js';
import { jsonEqual, setOwn, type JsonObject } from '../resource/json-value.js';

/**
 * The element a value filter describes, when it can be read as one:
 * `type eq "work"` → `{ type: "work" }`, `type eq "work" and primary eq true`
 * → `{ type: "work", primary: true }`. Any other condition (`or`, `not`,
 * `co`, `pr`, …) does not say what a new element would contain, so there is
 * no template (undefined). The values are raw filter literals; the caller
 * normalises the element it builds from them.
 */
export function elementTemplate(filter: FilterNode, definition: AttributeDefinition): JsonObject | undefined {
  const template: JsonObject = {};
  const collect = (node: FilterNode): boolean => {
    if (node.kind === 'Logical') return node.operator === 'and' && collect(node.left) && collect(node.right);
    if (node.kind !== 'Comparison' || node.operator !== 'eq' || node.value === null) return false;
    if (node.path.schema !== undefined || node.path.subAttribute !== undefined) return false;
    const subAttribute = findSubAttribute(definition, node.path.name);
    if (!subAttribute) return false;
    const earlier = template[subAttribute.name];
    if (earlier !== undefined) return jsonEqual(earlier, node.value);
    setOwn(template, subAttribute.name, node.value);
    return true;
  };
  return collect(filter) ? template : undefined;
}
