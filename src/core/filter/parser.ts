/**
 * Recursive-descent parser for the SCIM filter language (RFC 7644 §3.4.2.2,
 * Figure 1) and the PATCH path (§3.5.2). One method per grammar production,
 * with the production's ABNF above it.
 *
 * Precedence, tightest first (§3.4.2.2: "grouping operators … take
 * precedence over logical operators", and Table 3 lists `not`, then `and`,
 * then `or`): `not (…)`, `and`, `or`; `and` and `or` are left-associative.
 * Parentheses only group and leave no node.
 *
 * Keywords, operators and literals are matched case-insensitively (§3.4.2.2:
 * "Attribute names and attribute operators used in filters are case
 * insensitive"); attribute names keep the client's spelling in the AST and
 * are resolved case-insensitively against the schema later.
 */
import { isScimError, scimErrors, type ScimError } from '../errors/scim-error.js';
import {
  filterNodes,
  type AttributePathNode,
  type ComparisonOperator,
  type ComparisonValue,
  type FilterNode,
  type PatchPathNode,
} from './ast.js';
import { Lexer, describeCharacter, isAlpha, isNameChar, isWhitespace, type SyntaxErrorFactory, type Token } from './lexer.js';

export interface FilterLimits {
  /** Longest accepted source text, in UTF-16 code units. */
  readonly maxLength: number;
  /** Deepest accepted nesting of parentheses, `not (…)` and value filters `[…]`. */
  readonly maxDepth: number;
  /** Most tokens accepted; bounds the size of the tree and the work done on it. */
  readonly maxTokens: number;
}

export const defaultFilterLimits: FilterLimits = Object.freeze({ maxLength: 8192, maxDepth: 32, maxTokens: 1024 });

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);

const OPERATOR_EXPECTATION = 'a comparison operator (eq, ne, co, sw, ew, gt, lt, ge, le) or "pr"';

/** Parses the `filter` query parameter (or a `filter` in a SearchRequest body). Throws `invalidFilter`. */
export function parseFilter(text: string, limits: FilterLimits = defaultFilterLimits): FilterNode {
  const parser = new Parser(text, limits, scimErrors.invalidFilter, 'filter');
  return parser.parseWholeFilter();
}

/** Parses a PATCH operation's `path` (§3.5.2). Throws `invalidPath`, also for errors inside its value filter. */
export function parsePatchPath(text: string, limits: FilterLimits = defaultFilterLimits): PatchPathNode {
  const parser = new Parser(text, limits, scimErrors.invalidPath, 'path');
  return parser.parseWholePatchPath();
}

/**
 * Parses one attribute path, as found in `sortBy` and in the `attributes` /
 * `excludedAttributes` lists (§3.4.2.3, §3.4.2.5): the same production that
 * reads the paths of a filter, so all three agree on what a path is.
 * Surrounding whitespace is ignored. Throws `invalidPath`, or the error
 * `fail` makes when the caller's context calls for another scimType.
 */
export function parseAttributePath(text: string, fail: SyntaxErrorFactory = scimErrors.invalidPath): AttributePathNode {
  const parser = new Parser(text, defaultFilterLimits, fail, 'attribute path');
  return parser.parseWholeAttributePath();
}

/**
 * Reads text that may or may not be an attribute path, such as the keys of
 * a resource body: the path, or undefined when the text is not exactly one
 * (surrounding whitespace included: a JSON key is taken as written).
 */
export function readAttributePath(text: string): AttributePathNode | undefined {
  const known = pathsRead.get(text);
  if (known !== undefined) return known ?? undefined;
  let path: AttributePathNode | undefined;
  if (text.length > 0 && !isWhitespace(text.charCodeAt(0)) && !isWhitespace(text.charCodeAt(text.length - 1))) {
    try {
      path = parseAttributePath(text);
    } catch (error) {
      if (!isScimError(error)) throw error;
    }
  }
  // Bodies repeat the same few keys on every request; a client sending
  // endless new (or huge) ones only stops the memo from growing.
  if (pathsRead.size < MAX_PATHS_REMEMBERED && text.length <= MAX_REMEMBERED_LENGTH) pathsRead.set(text, path ?? null);
  return path;
}

/** The texts readAttributePath has read (null: not a path); its nodes are frozen, so they can be shared. */
const pathsRead = new Map<string, AttributePathNode | null>();
const MAX_PATHS_REMEMBERED = 1024;
const MAX_REMEMBERED_LENGTH = 256;

function checkLimits(limits: FilterLimits): void {
  for (const key of ['maxLength', 'maxDepth', 'maxTokens'] as const) {
    const limit = limits[key];
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`FilterLimits.${key} must be a positive integer, got ${String(limit)}`);
  }
}

function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'Word' && token.text.toLowerCase() === keyword;
}

const MAX_QUOTED_LENGTH = 40;

class Parser {
  private readonly source: string;
  private readonly limits: FilterLimits;
  private readonly fail: SyntaxErrorFactory;
  private readonly noun: string;
  private readonly lexer: Lexer;
  private depth = 0;
  /** The path of the value filter being parsed, if any: value filters cannot nest. */
  private enclosingValuePath: AttributePathNode | undefined;

  constructor(source: string, limits: FilterLimits, fail: SyntaxErrorFactory, noun: string) {
    if (typeof source !== 'string') throw new TypeError(`The ${noun} to parse must be a string, got ${typeof source}`);
    checkLimits(limits);
    this.source = source;
    this.limits = limits;
    this.fail = fail;
    this.noun = noun;
    if (source.length > limits.maxLength) {
      throw fail(`The ${noun} is ${source.length} characters long; the maximum is ${limits.maxLength}`);
    }
    this.lexer = new Lexer(source, { fail, maxTokens: limits.maxTokens, noun });
  }

  parseWholeFilter(): FilterNode {
    const filter = this.parseFilterExpression();
    this.expectEnd('"and", "or" or end of filter');
    return filter;
  }

  parseWholePatchPath(): PatchPathNode {
    const path = this.parsePatchPathExpression();
    this.expectEnd('end of path');
    return path;
  }

  parseWholeAttributePath(): AttributePathNode {
    const path = this.parseAttributePath();
    this.expectEnd('end of attribute path');
    return path;
  }

  /**
   * FILTER = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
   * logExp = FILTER SP ("and" / "or") SP FILTER
   *
   * The ambiguous logExp is resolved by precedence: FILTER is an or-expression.
   */
  private parseFilterExpression(): FilterNode {
    return this.parseOrExpression();
  }

  /** orExpression = andExpression *(SP "or" SP andExpression) */
  private parseOrExpression(): FilterNode {
    let left = this.parseAndExpression();
    while (isKeyword(this.lexer.token, 'or')) {
      this.lexer.advance();
      left = filterNodes.logical('or', left, this.parseAndExpression());
    }
    return left;
  }

  /** andExpression = operand *(SP "and" SP operand) */
  private parseAndExpression(): FilterNode {
    let left = this.parseOperand();
    while (isKeyword(this.lexer.token, 'and')) {
      this.lexer.advance();
      left = filterNodes.logical('and', left, this.parseOperand());
    }
    return left;
  }

  /** operand = notExpression / "(" FILTER ")" / valuePath / attrExp */
  private parseOperand(): FilterNode {
    const token = this.lexer.token;
    if (isKeyword(token, 'not') && !this.startsAttributeExpression(this.lexer.peek())) return this.parseNotExpression();
    if (token.kind === 'LeftParen') return this.parseGroup();
    if (token.kind === 'Word') return this.parseAttributeOperand();
    throw this.unexpected(token, 'an attribute path, "not" or "("');
  }

  /**
   * Whether `next`, following a word, makes that word an attribute path: an
   * attribute is followed by an operator, "pr" or "[", never by "(". This
   * lets an attribute named "not" be filtered (`not pr`) while `not title pr`
   * still reports the missing "(".
   */
  private startsAttributeExpression(next: Token): boolean {
    if (next.kind === 'LeftBracket') return true;
    if (next.kind !== 'Word') return false;
    const word = next.text.toLowerCase();
    return word === 'pr' || COMPARISON_OPERATORS.has(word);
  }

  /** notExpression = "not" *SP "(" FILTER ")" */
  private parseNotExpression(): FilterNode {
    this.lexer.advance();
    const open = this.lexer.token;
    if (open.kind !== 'LeftParen') throw this.unexpected(open, '"(" after "not"');
    return filterNodes.not(this.parseGroup());
  }

  /** group = "(" FILTER ")" */
  private parseGroup(): FilterNode {
    const open = this.lexer.token;
    this.enterNesting(open);
    this.lexer.advance();
    const inner = this.parseFilterExpression();
    const close = this.lexer.token;
    if (close.kind !== 'RightParen') throw this.unexpected(close, `"and", "or" or ")" to close the "(" at column ${open.column}`);
    this.lexer.advance();
    this.leaveNesting();
    return inner;
  }

  /** attributeOperand = valuePath / attrExp (both start with attrPath) */
  private parseAttributeOperand(): FilterNode {
    const path = this.parseAttributePath();
    if (this.lexer.token.kind === 'LeftBracket') return this.parseValuePath(path);
    return this.parseAttributeExpression(path);
  }

  /**
   * valuePath = attrPath "[" valFilter "]" [ "." ATTRNAME SP (compareOp SP compValue / "pr") ]
   *
   * The bracketed part is the RFC's. The optional tail is not in the RFC
   * grammar, but Microsoft Entra ID sends it to match users by work email:
   * `emails[type eq "work"].value eq "x"`. Its only sensible meaning is a
   * condition on the same element, so it is read as
   * `emails[type eq "work" and value eq "x"]`: same-element semantics kept.
   */
  private parseValuePath(path: AttributePathNode): FilterNode {
    const inner = this.parseBracketedValueFilter(path);
    if (this.lexer.token.kind !== 'Dot') return filterNodes.valuePath(path, inner);
    this.lexer.advance();
    const name = this.lexer.token;
    if (name.kind !== 'Word') throw this.unexpected(name, 'a sub-attribute name after "]."');
    this.lexer.advance();
    const condition = this.parseAttributeExpression(filterNodes.attributePath(name.text, { position: name.column }));
    return filterNodes.valuePath(path, filterNodes.logical('and', inner, condition));
  }

  /** "[" valFilter "]" — shared by the filter's valuePath and the PATCH PATH. */
  private parseBracketedValueFilter(path: AttributePathNode): FilterNode {
    const open = this.lexer.token;
    if (this.enclosingValuePath !== undefined) {
      throw this.fail(
        `Value filters cannot be nested: "[" at column ${open.column} is inside the value filter of "${this.enclosingValuePath.name}"`,
      );
    }
    if (path.subAttribute !== undefined) {
      throw this.fail(
        `The value filter at column ${open.column} must follow a multi-valued attribute, not the sub-attribute "${path.name}.${path.subAttribute}"`,
      );
    }
    this.enterNesting(open);
    this.lexer.advance();
    this.enclosingValuePath = path;
    const filter = this.parseValueFilter();
    this.enclosingValuePath = undefined;
    const close = this.lexer.token;
    if (close.kind !== 'RightBracket') throw this.unexpected(close, `"and", "or" or "]" to close the "[" at column ${open.column}`);
    this.lexer.advance();
    this.leaveNesting();
    return filter;
  }

  /**
   * valFilter = attrExp / logExp / *1"not" "(" valFilter ")"
   *
   * The same expression grammar as FILTER, minus valuePath: while
   * `enclosingValuePath` is set, a "[" is rejected.
   */
  private parseValueFilter(): FilterNode {
    const first = this.lexer.token;
    if (first.kind === 'RightBracket') throw this.unexpected(first, 'a filter inside "[…]"');
    return this.parseFilterExpression();
  }

  /** attrExp = (attrPath SP "pr") / (attrPath SP compareOp SP compValue) */
  private parseAttributeExpression(path: AttributePathNode): FilterNode {
    const token = this.lexer.token;
    if (isKeyword(token, 'pr')) {
      this.lexer.advance();
      return filterNodes.present(path);
    }
    const operator = this.parseCompareOperator();
    return filterNodes.comparison(path, operator, this.parseComparisonValue());
  }

  /** compareOp = "eq" / "ne" / "co" / "sw" / "ew" / "gt" / "lt" / "ge" / "le" */
  private parseCompareOperator(): ComparisonOperator {
    const token = this.lexer.token;
    const operator = token.kind === 'Word' ? token.text.toLowerCase() : '';
    if (!COMPARISON_OPERATORS.has(operator)) throw this.unexpected(token, OPERATOR_EXPECTATION);
    this.lexer.advance();
    return operator as ComparisonOperator;
  }

  /** compValue = false / null / true / number / string   ; rules from JSON (RFC 7159) */
  private parseComparisonValue(): ComparisonValue {
    const token = this.lexer.token;
    let value: ComparisonValue;
    if (token.kind === 'String' || token.kind === 'Number') {
      value = token.value as string | number;
    } else if (isKeyword(token, 'true')) {
      value = true;
    } else if (isKeyword(token, 'false')) {
      value = false;
    } else if (isKeyword(token, 'null')) {
      value = null;
    } else {
      const hint = token.kind === 'Word' ? ' (strings must be in double quotes)' : '';
      throw this.unexpected(token, 'a comparison value (a string, number, true, false or null)', hint);
    }
    this.lexer.advance();
    return value;
  }

  /** PATH = attrPath / valuePath [subAttr]     (RFC 7644 §3.5.2) */
  private parsePatchPathExpression(): PatchPathNode {
    const attribute = this.parseAttributePath();
    if (this.lexer.token.kind !== 'LeftBracket') return filterNodes.patchPath(attribute);
    const valueFilter = this.parseBracketedValueFilter(attribute);
    const dot = this.lexer.token;
    if (dot.kind !== 'Dot') return filterNodes.patchPath(attribute, valueFilter);
    this.lexer.advance();
    const word = this.lexer.token;
    if (word.kind !== 'Word') throw this.unexpected(word, 'a sub-attribute name after "."');
    const end = this.scanAttributeName(word.text, 0, word.column);
    if (end < word.text.length) throw this.unexpectedInWord(word, end, 'end of path after the sub-attribute');
    this.lexer.advance();
    return filterNodes.patchPath(attribute, valueFilter, word.text);
  }

  /**
   * attrPath = [URI ":"] ATTRNAME *1subAttr
   * subAttr  = "." ATTRNAME
   *
   * The lexer delivers the whole path as one word. A URN prefix starts with
   * "urn:" and, because attribute names cannot contain ":", ends at the last
   * colon (the URN itself may contain dots, as in "2.0").
   */
  private parseAttributePath(): AttributePathNode {
    const token = this.lexer.token;
    if (token.kind !== 'Word') throw this.unexpected(token, 'an attribute path');
    const word = token.text;
    let schema: string | undefined;
    let offset = 0;
    if (/^urn:/i.test(word)) {
      const lastColon = word.lastIndexOf(':');
      schema = this.parseUri(word.slice(0, lastColon), token.column);
      offset = lastColon + 1;
    } else {
      const colon = word.indexOf(':');
      if (colon !== -1) {
        throw this.fail(`Unexpected ":" at column ${token.column + colon}: a schema URN prefix must start with "urn:"`);
      }
    }
    const nameStart = offset;
    offset = this.scanAttributeName(word, offset, token.column);
    const name = word.slice(nameStart, offset);
    let subAttribute: string | undefined;
    if (word.charCodeAt(offset) === 0x2e) {
      const subStart = offset + 1;
      offset = this.scanAttributeName(word, subStart, token.column);
      subAttribute = word.slice(subStart, offset);
    }
    if (offset < word.length) {
      if (word.charAt(offset) === '.') {
        throw this.fail(`Unexpected "." at column ${token.column + offset}: an attribute path has at most one sub-attribute`);
      }
      throw this.unexpectedInWord(token, offset, 'end of attribute path');
    }
    this.lexer.advance();
    return filterNodes.attributePath(name, { schema, subAttribute, position: token.column });
  }

  /**
   * URI: a schema URN such as urn:ietf:params:scim:schemas:core:2.0:User —
   * "urn" ":" segment *(":" segment), segment = 1*(ALPHA / DIGIT / "." / "-" / "_")
   */
  private parseUri(uri: string, column: number): string {
    const segments = uri.split(':');
    if (segments.length < 2) {
      throw this.fail(`Expected a schema URN such as "urn:ietf:params:scim:schemas:core:2.0:User" before the attribute name at column ${column}`);
    }
    let offset = 0;
    for (const segment of segments) {
      if (segment.length === 0) throw this.fail(`Empty segment in the schema URN at column ${column + offset}`);
      for (let index = 0; index < segment.length; index += 1) {
        const code = segment.charCodeAt(index);
        if (!isNameChar(code) && code !== 0x2e) {
          throw this.fail(`Unexpected character ${describeCharacter(segment, index)} in the schema URN at column ${column + offset + index}`);
        }
      }
      offset += segment.length + 1;
    }
    return uri;
  }

  /**
   * ATTRNAME = ALPHA *(nameChar) / "$ref"
   *
   * `$ref` is not an ATTRNAME in the ABNF, yet RFC 7643 defines it as a
   * sub-attribute (`members.$ref`, `manager.$ref`) and clients filter on it.
   * Returns the offset just past the name.
   */
  private scanAttributeName(word: string, start: number, column: number): number {
    if (word.slice(start, start + 4).toLowerCase() === '$ref' && !isNameChar(word.charCodeAt(start + 4))) return start + 4;
    if (start >= word.length) {
      const after = start > 0 ? ` after "${word.charAt(start - 1)}"` : '';
      throw this.fail(`Expected an attribute name${after} at column ${column + start}, found ${this.describeAfterWord(column + start)}`);
    }
    if (!isAlpha(word.charCodeAt(start))) {
      throw this.fail(`Expected an attribute name (a letter first) at column ${column + start}, found ${describeCharacter(word, start)}`);
    }
    let end = start + 1;
    while (end < word.length && isNameChar(word.charCodeAt(end))) end += 1;
    return end;
  }

  /** What follows a word that ended too early: the next character of the source, or its end. */
  private describeAfterWord(column: number): string {
    const index = column - 1;
    return index >= this.source.length ? `end of ${this.noun}` : describeCharacter(this.source, index);
  }

  private enterNesting(token: Token): void {
    this.depth += 1;
    if (this.depth > this.limits.maxDepth) {
      throw this.fail(`The ${this.noun} nests deeper than the maximum of ${this.limits.maxDepth} levels at column ${token.column}`);
    }
  }

  private leaveNesting(): void {
    this.depth -= 1;
  }

  private expectEnd(expectation: string): void {
    const token = this.lexer.token;
    if (token.kind === 'End') return;
    if (token.kind === 'RightParen') throw this.fail(`Unbalanced ")" at column ${token.column}: no "(" is open`);
    if (token.kind === 'RightBracket') throw this.fail(`Unbalanced "]" at column ${token.column}: no "[" is open`);
    throw this.unexpected(token, expectation);
  }

  private unexpected(token: Token, expectation: string, hint = ''): ScimError {
    return this.fail(`Expected ${expectation}, found ${this.describeToken(token)} at column ${token.column}${hint}`);
  }

  private unexpectedInWord(token: Token, offset: number, expectation: string): ScimError {
    return this.fail(`Expected ${expectation}, found ${describeCharacter(token.text, offset)} at column ${token.column + offset}`);
  }

  private describeToken(token: Token): string {
    switch (token.kind) {
      case 'End':
        return `end of ${this.noun}`;
      case 'String':
        return `the string ${quoteShortened(token.text)}`;
      case 'Number':
        return `the number ${shorten(token.text)}`;
      case 'Word':
        return `"${shorten(token.text)}"`;
      default:
        return `"${token.text}"`;
    }
  }
}

function shorten(text: string): string {
  return text.length <= MAX_QUOTED_LENGTH ? text : `${text.slice(0, MAX_QUOTED_LENGTH)}…`;
}

/** A string token's source text (quotes included), shortened inside its quotes. */
function quoteShortened(text: string): string {
  return text.length <= MAX_QUOTED_LENGTH ? text : `${text.slice(0, MAX_QUOTED_LENGTH)}…"`;
}
