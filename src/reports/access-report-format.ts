/**
 * The access report as text, a page at a time: CSV (RFC 4180) or JSON Lines.
 *
 * CSV: one header row, then one row per User; every row ends with the
 * report's event sequence, so the file carries its own position without a
 * comment line that CSV parsers would read as data. Cells are quoted per
 * RFC 4180 §2 (fields with a comma, quote, CR or LF are enclosed in quotes,
 * quotes doubled) and a cell that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) is prefixed with an apostrophe.
 *
 * JSON Lines: a `header` object first (tenant, eventSequence, generatedAt),
 * one `user` object per line, and an `end` object with the count — a
 * truncated download is told apart from a complete one by the missing end.
 */
import type { AccessReport, AccessReportUser } from './access-report.js';

export type AccessReportFormat = 'csv' | 'json';

export const ACCESS_REPORT_MEDIA_TYPES: Readonly<Record<AccessReportFormat, string>> = {
  // RFC 4180 §3 registers text/csv with an optional header parameter.
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/x-ndjson; charset=utf-8',
};

export const CSV_COLUMNS = [
  'id',
  'userName',
  'externalId',
  'displayName',
  'active',
  'primaryEmail',
  'directGroups',
  'directGroupIds',
  'inheritedGroups',
  'inheritedGroupIds',
  'eventSequence',
] as const;

/** Separates the groups listed in one CSV cell; the JSON form carries them as arrays. */
const LIST_SEPARATOR = '; ';

/** OWASP's CSV injection guard: spreadsheets evaluate cells starting with these. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

function csvRow(cells: readonly string[]): string {
  // RFC 4180 §2.1: lines end with CRLF.
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function groupNames(user: AccessReportUser, direct: boolean): { names: string; ids: string } {
  const groups = user.groups.filter((group) => group.direct === direct);
  return { names: groups.map((group) => group.displayName ?? group.id).join(LIST_SEPARATOR), ids: groups.map((group) => group.id).join(LIST_SEPARATOR) };
}

function csvUser(user: AccessReportUser, eventSequence: number): string {
  const direct = groupNames(user, true);
  const inherited = groupNames(user, false);
  return csvRow([
    user.id,
    user.userName,
    user.externalId ?? '',
    user.displayName ?? '',
    String(user.active),
    user.primaryEmail ?? '',
    direct.names,
    direct.ids,
    inherited.names,
    inherited.ids,
    String(eventSequence),
  ]);
}

function jsonUser(user: AccessReportUser): string {
  return `${JSON.stringify({
    type: 'user',
    id: user.id,
    userName: user.userName,
    externalId: user.externalId ?? null,
    displayName: user.displayName ?? null,
    active: user.active,
    primaryEmail: user.primaryEmail ?? null,
    groups: user.groups.map((group) => ({ id: group.id, displayName: group.displayName ?? null, direct: group.direct })),
  })}\n`;
}

/** The report's text, one chunk per page (plus the header and, for JSON, the end line). */
export async function* formatAccessReport(report: AccessReport, format: AccessReportFormat, onPage?: (usersSoFar: number) => void): AsyncGenerator<string> {
  let users = 0;
  try {
    if (format === 'csv') {
      yield csvRow(CSV_COLUMNS);
    } else {
      yield `${JSON.stringify({ type: 'header', tenant: report.tenantId, eventSequence: report.eventSequence, generatedAt: report.generatedAt })}\n`;
    }
    for await (const page of report.pages()) {
      users += page.length;
      yield page.map((user) => (format === 'csv' ? csvUser(user, report.eventSequence) : jsonUser(user))).join('');
      onPage?.(users);
    }
    if (format === 'json') yield `${JSON.stringify({ type: 'end', users, eventSequence: report.eventSequence })}\n`;
  } finally {
    // Stopped before the pages began (the reader went away after the header): the snapshot is still open.
    await report.close();
  }
}
