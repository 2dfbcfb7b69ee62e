/**
 * Value comparison rules shared by the in-memory evaluator and, through the
 * folder's index, by the SQL compiler, so both order and match values the
 * same way.
 */

/**
 * xsd:dateTime (RFC 7643 §2.3.5): `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]`.
 * A value without a zone offset is read as UTC, so its meaning does not
 * depend on the server's time zone.
 */
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * The instant a dateTime string denotes, in milliseconds since the epoch
 * (fractions below a millisecond are dropped), or undefined when the text is
 * not a valid xsd:dateTime. Filters compare instants, never strings:
 * `2011-05-13T04:42:34Z` and `2011-05-13T06:42:34+02:00` are equal.
 */
export function dateTimeInstant(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', fraction, zone] = match;
  const monthNumber = Number(month);
  const dayNumber = Number(day);
  const yearNumber = Number(year);
  if (monthNumber < 1 || monthNumber > 12 || dayNumber < 1 || dayNumber > daysInMonth(yearNumber, monthNumber)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(4, 6));
    if (zoneHours > 14 || zoneMinutes > 59) return undefined;
    offsetMinutes = sign * (zoneHours * 60 + zoneMinutes);
  }
  // Digits, not floating point: 0.029 * 1000 is 28.999…
  const milliseconds = fraction === undefined ? 0 : Number(`${fraction.slice(1)}00`.slice(0, 3));
  const utc = Date.UTC(yearNumber, monthNumber - 1, dayNumber, Number(hour), Number(minute), Number(second), milliseconds);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts them back.
  const instant = new Date(utc);
  instant.setUTCFullYear(yearNumber, monthNumber - 1, dayNumber);
  const result = instant.getTime() - offsetMinutes * 60_000;
  return Number.isFinite(result) ? result : undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The text a string comparison works on: lowercased unless the attribute is
 * caseExact (RFC 7643 §2.2: caseExact "specifies whether or not a string
 * attribute is case sensitive"). `toLowerCase` is locale-independent.
 */
export function foldCase(text: string, caseExact: boolean): string {
  return caseExact ? text : text.toLowerCase();
}

/** Maps a UTF-16 code unit so that code-unit order becomes code-point order. */
function codePointOrderKey(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * Orders strings by Unicode code point, which is the byte order of their
 * UTF-8 encoding (SQLite's BINARY collation) — unlike JavaScript's `<`,
 * which orders by UTF-16 code unit and puts U+E000–U+FFFF after emoji.
 * Returns a negative number, zero or a positive number.
 */
export function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit !== rightUnit) return codePointOrderKey(leftUnit) - codePointOrderKey(rightUnit);
  }
  return left.length - right.length;
}
