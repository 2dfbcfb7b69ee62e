import type { AttributeReference } from '../schema/registry.js';

// RFC 7644 §3.10 / the ABNF of §3.4.2.2: attrPath = [URI ":"] ATTRNAME *1subAttr,
// ATTRNAME = ALPHA *(nameChar). "$ref" is added because RFC 7643 §2.4 uses it
// as a sub-attribute name (members.$ref, groups.$ref).
const ATTRIBUTE_NAME = String.raw`(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)`;
// The URN part is greedy, so it ends at the last colon, as in splitAttributePath.
const ATTRIBUTE_PATH = new RegExp(String.raw`^(?:(urn:[^\s,()\[\]"]+):)?(${ATTRIBUTE_NAME})(?:\.(${ATTRIBUTE_NAME}))?$`, 'i');

/**
 * Parses `[urn:…:]name[.subAttribute]` without resolving it.
 * Returns undefined when the text is not an attribute path at all.
 */
export function parseAttributeReference(text: string): AttributeReference | undefined {
  const match = ATTRIBUTE_PATH.exec(text);
  if (match === null) return undefined;
  const [, schema, name, subAttribute] = match;
  if (name === undefined) return undefined;
  return { schema, name, subAttribute };
}
