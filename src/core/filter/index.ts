/** The SCIM filter language (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): AST, parsing, printing, validation, evaluation. */
export * from './ast.js';
export { parseFilter, parsePatchPath, parseAttributePath, defaultFilterLimits, type FilterLimits } from './parser.js';
export { printFilter, printPatchPath, printAttributePath, printComparisonValue } from './print.js';
export {
  validateFilter,
  resolveFilterAttribute,
  resolveValuePathAttribute,
  checkValueFilterTarget,
  checkComparison,
  schemasFilterAttribute,
} from './validate.js';
export {
  evaluateFilter,
  evaluateElementFilter,
  compileFilter,
  compileElementFilter,
  type ResourceMatcher,
  type ElementMatcher,
} from './evaluate.js';
export { FILTER_ATTRIBUTE_ALIASES, filterAttributeAlias } from './filter-aliases.js';
export { dateTimeInstant, foldCase, compareCodePoints } from './compare.js';
