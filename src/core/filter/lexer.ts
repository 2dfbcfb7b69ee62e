/**
 * The tokenizer of the SCIM filter language (RFC 7644 §3.4.2.2, Figure 1).
 *
 * Tokens are pulled one at a time by the parser, so an error is reported at
 * the first offending character in reading order, and a token budget stops
 * a hostile input before it is fully scanned.
 *
 * An attribute path is lexed as one `Word` (letters, digits, `_ - . : $`):
 * a schema URN contains `.` and `:` (`…:enterprise:2.0:User:manager.value`),
 * so only the parser, applying the "last colon ends the URN" rule, can split
 * it. Keywords (`and`, `eq`, `true`, …) are Words too and are recognised by
 * the parser from their position, case-insensitively.
 */
import type { ScimError } from '../errors/scim-error.js';

export type TokenKind = 'Word' | 'String' | 'Number' | 'LeftParen' | 'RightParen' | 'LeftBracket' | 'RightBracket' | 'Dot' | 'End';

export interface Token {
  readonly kind: TokenKind;
  /** The token exactly as written in the source. */
  readonly text: string;
  /** The decoded literal of a String or Number token. */
  readonly value: string | number | undefined;
  /** 1-based column of the token's first character. */
  readonly column: number;
}

/** Builds the error of the caller's context: invalidFilter for filters, invalidPath for PATCH paths. */
export type SyntaxErrorFactory = (message: string) => ScimError;

const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;

export function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isDigit(code: number): boolean {
  return code >= DIGIT_ZERO && code <= DIGIT_NINE;
}

/** nameChar = "-" / "_" / DIGIT / ALPHA */
export function isNameChar(code: number): boolean {
  return isAlpha(code) || isDigit(code) || code === MINUS || code === 0x5f;
}

/** Characters that may continue an attribute-path word: nameChar plus the URN and path separators. */
function isWordChar(code: number): boolean {
  return isNameChar(code) || code === DOT || code === 0x3a || code === DOLLAR;
}

export function isWhitespace(code: number): boolean {
  // RFC 7644 writes SP between tokens; clients also send runs of spaces,
  // tabs and line breaks (pretty-printed filters), which mean the same thing.
  return code === SPACE || code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** How a character is named in an error message: printable as itself, others as a JSON escape. */
export function describeCharacter(source: string, index: number): string {
  const codePoint = source.codePointAt(index) ?? 0;
  const character = String.fromCodePoint(codePoint);
  if (codePoint < 0x20 || codePoint === 0x7f) return JSON.stringify(character);
  // Invisible or look-alike characters (no-break space, lone surrogates) are named by code point.
  if (/[\s\p{Cf}\p{Cs}]/u.test(character) && codePoint !== 0x20) return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${character}"`;
}

const SINGLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export class Lexer {
  /** The current token, not yet consumed by the parser. */
  token: Token;
  private readonly source: string;
  private readonly fail: SyntaxErrorFactory;
  private readonly maxTokens: number;
  private readonly noun: string;
  private index = 0;
  private tokenCount = 0;
  private lookahead: Token | undefined;

  constructor(source: string, options: { readonly fail: SyntaxErrorFactory; readonly maxTokens: number; readonly noun: string }) {
    this.source = source;
    this.fail = options.fail;
    this.maxTokens = options.maxTokens;
    this.noun = options.noun;
    this.token = this.scan();
  }

  /** Consumes the current token and returns the next one. */
  advance(): Token {
    this.token = this.lookahead ?? this.scan();
    this.lookahead = undefined;
    return this.token;
  }

  /** The token after the current one, without consuming anything. */
  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  private error(message: string, index: number): ScimError {
    return this.fail(`${message} at column ${index + 1}`);
  }

  private scan(): Token {
    const source = this.source;
    while (this.index < source.length && isWhitespace(source.charCodeAt(this.index))) this.index += 1;
    const start = this.index;
    if (start >= source.length) return { kind: 'End', text: '', value: undefined, column: start + 1 };

    this.tokenCount += 1;
    if (this.tokenCount > this.maxTokens) {
      throw this.error(`The ${this.noun} has more than the maximum of ${this.maxTokens} tokens`, start);
    }

    const code = source.charCodeAt(start);
    switch (code) {
      case 0x28:
        return this.single('LeftParen', start);
      case 0x29:
        return this.single('RightParen', start);
      case 0x5b:
        return this.single('LeftBracket', start);
      case 0x5d:
        return this.single('RightBracket', start);
      case DOT:
        return this.single('Dot', start);
      case QUOTE:
        return this.scanString(start);
      default:
        break;
    }
    if (isAlpha(code) || code === DOLLAR) return this.scanWord(start);
    if (isDigit(code) || code === MINUS) return this.scanNumber(start);
    if (code === PLUS) throw this.error('Numbers must not start with "+"', start);
    throw this.error(`Unexpected character ${describeCharacter(source, start)}`, start);
  }

  private single(kind: TokenKind, start: number): Token {
    this.index = start + 1;
    return { kind, text: this.source.charAt(start), value: undefined, column: start + 1 };
  }

  private scanWord(start: number): Token {
    let end = start + 1;
    while (end < this.source.length && isWordChar(this.source.charCodeAt(end))) end += 1;
    this.index = end;
    return { kind: 'Word', text: this.source.slice(start, end), value: undefined, column: start + 1 };
  }

  /**
   * number = [ minus ] int [ frac ] [ exp ]     (RFC 7159 §6)
   * int    = zero / ( digit1-9 *DIGIT )
   * frac   = decimal-point 1*DIGIT
   * exp    = e [ minus / plus ] 1*DIGIT
   */
  private scanNumber(start: number): Token {
    const source = this.source;
    let position = start;
    if (source.charCodeAt(position) === MINUS) position += 1;
    if (!isDigit(source.charCodeAt(position))) {
      throw this.error(`Expected a digit after "-", found ${this.describeAt(position)}`, position);
    }
    if (source.charCodeAt(position) === DIGIT_ZERO) {
      position += 1;
      if (isDigit(source.charCodeAt(position))) throw this.error('Numbers must not have leading zeros', start);
    } else {
      while (isDigit(source.charCodeAt(position))) position += 1;
    }
    if (source.charCodeAt(position) === DOT) {
      position += 1;
      if (!isDigit(source.charCodeAt(position))) {
        throw this.error(`Expected a digit after the decimal point, found ${this.describeAt(position)}`, position);
      }
      while (isDigit(source.charCodeAt(position))) position += 1;
    }
    const exponentMarker = source.charCodeAt(position);
    if (exponentMarker === 0x65 || exponentMarker === 0x45) {
      position += 1;
      const sign = source.charCodeAt(position);
      if (sign === PLUS || sign === MINUS) position += 1;
      if (!isDigit(source.charCodeAt(position))) {
        throw this.error(`Expected a digit in the exponent, found ${this.describeAt(position)}`, position);
      }
      while (isDigit(source.charCodeAt(position))) position += 1;
    }
    if (position < source.length && isWordChar(source.charCodeAt(position))) {
      throw this.error(`Unexpected character ${describeCharacter(source, position)} after a number`, position);
    }
    const text = source.slice(start, position);
    const value = Number(text);
    if (!Number.isFinite(value)) throw this.error(`The number ${text} is out of range`, start);
    this.index = position;
    return { kind: 'Number', text, value, column: start + 1 };
  }

  /**
   * string = quotation-mark *char quotation-mark     (RFC 7159 §7)
   * char   = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
   */
  private scanString(start: number): Token {
    const source = this.source;
    let position = start + 1;
    let chunkStart = position;
    let decoded = '';
    for (;;) {
      if (position >= source.length) throw this.error('Unterminated string', start);
      const code = source.charCodeAt(position);
      if (code === QUOTE) {
        decoded += source.slice(chunkStart, position);
        position += 1;
        break;
      }
      if (code < 0x20) {
        throw this.error(`Unescaped control character ${describeCharacter(source, position)} in a string (write it as a JSON escape)`, position);
      }
      if (code !== BACKSLASH) {
        position += 1;
        continue;
      }
      decoded += source.slice(chunkStart, position);
      const escape = source.charAt(position + 1);
      const single = Object.hasOwn(SINGLE_ESCAPES, escape) ? SINGLE_ESCAPES[escape] : undefined;
      if (single !== undefined) {
        decoded += single;
        position += 2;
      } else if (escape === 'u') {
        const hex = source.slice(position + 2, position + 6);
        if (hex.length !== 4 || ![...hex].every((digit) => isHexDigit(digit.charCodeAt(0)))) {
          throw this.error('Invalid \\u escape: expected four hexadecimal digits', position);
        }
        decoded += String.fromCharCode(Number.parseInt(hex, 16));
        position += 6;
      } else if (position + 1 >= source.length) {
        throw this.error('Unterminated string', start);
      } else {
        throw this.error(`Invalid escape sequence "\\${escape}" in a string`, position);
      }
      chunkStart = position;
    }
    this.index = position;
    return { kind: 'String', text: source.slice(start, position), value: decoded, column: start + 1 };
  }

  private describeAt(index: number): string {
    return index >= this.source.length ? `end of ${this.noun}` : describeCharacter(this.source, index);
  }
}
