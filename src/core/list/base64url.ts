/**
 * base64url (RFC 4648 §5, without padding) of UTF-8 text, written out
 * because the protocol core may use neither Buffer nor btoa/TextEncoder
 * (src/core/tsconfig.json). UTF-8 goes through encodeURIComponent, which
 * every ECMAScript engine has and which rejects lone surrogates.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE_OF = new Map([...ALPHABET].map((character, index) => [character, index]));

function utf8Bytes(text: string): number[] {
  const escaped = encodeURIComponent(text);
  const bytes: number[] = [];
  for (let index = 0; index < escaped.length; index += 1) {
    if (escaped[index] === '%') {
      bytes.push(Number.parseInt(escaped.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(escaped.charCodeAt(index));
    }
  }
  return bytes;
}

export function base64UrlEncode(text: string): string {
  const bytes = utf8Bytes(text);
  let output = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const chunk = ((bytes[index] ?? 0) << 16) | ((bytes[index + 1] ?? 0) << 8) | (bytes[index + 2] ?? 0);
    const characters = Math.min(4, Math.ceil(((bytes.length - index) * 8) / 6));
    for (let position = 0; position < characters; position += 1) output += ALPHABET[(chunk >> (18 - 6 * position)) & 63];
  }
  return output;
}

/** Throws on characters outside the alphabet, an impossible length or bytes that are not UTF-8. */
export function base64UrlDecode(encoded: string): string {
  if (encoded.length % 4 === 1) throw new TypeError('Invalid base64url length');
  let escaped = '';
  for (let index = 0; index < encoded.length; index += 4) {
    const group = encoded.slice(index, index + 4);
    let chunk = 0;
    for (let position = 0; position < 4; position += 1) {
      const character = group[position];
      const value = character === undefined ? 0 : VALUE_OF.get(character);
      if (value === undefined) throw new TypeError('Invalid base64url character');
      chunk = (chunk << 6) | value;
    }
    const byteCount = Math.floor((group.length * 6) / 8);
    for (let position = 0; position < byteCount; position += 1) {
      escaped += `%${((chunk >> (16 - 8 * position)) & 255).toString(16).padStart(2, '0')}`;
    }
  }
  // decodeURIComponent throws URIError on a byte sequence that is not UTF-8.
  return decodeURIComponent(escaped);
}
