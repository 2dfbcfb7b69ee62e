/**
 * dateTime values (RFC 7643 §2.3.5: xsd:dateTime, written as in RFC 3339,
 * e.g. "2008-01-23T04:56:22Z"). Values are stored as
 * `Date.prototype.toISOString()` text — UTC with milliseconds — so that they
 * compare and sort as strings.
 */

const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return lengths[month - 1] ?? 0;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Parses an ISO 8601 / RFC 3339 date-time and returns it in canonical form,
 * or undefined when the text is not a valid date-time. The components are
 * checked and assembled here rather than by `Date.parse`, whose acceptance
 * of out-of-range days and local-time forms varies between engines.
 * A value without an offset is taken as UTC (xsd:dateTime leaves such values
 * "timezoned by context"; the server's context is UTC), and a bare date as
 * midnight UTC.
 */
export function canonicalDateTime(text: string): string | undefined {
  const match = DATE_TIME_PATTERN.exec(text);
  if (!match) return undefined;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fractionText, zulu, offsetSign, offsetHourText, offsetMinuteText] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText ?? '0');
  const minute = Number(minuteText ?? '0');
  const second = Number(secondText ?? '0');
  const millisecond = Number((fractionText ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zulu === undefined && offsetSign !== undefined) {
    const offsetHour = Number(offsetHourText);
    const offsetMinute = Number(offsetMinuteText);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (offsetSign === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, millisecond);
  const utc = new Date(instant.getTime() - offsetMinutes * 60_000);
  if (Number.isNaN(utc.getTime()) || utc.getUTCFullYear() < 0 || utc.getUTCFullYear() > 9999) return undefined;
  return utc.toISOString();
}
