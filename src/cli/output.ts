/** Human and JSON output of the management commands. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Something the operator should know that is not the command's output (stderr, so --json output stays parseable). */
export function printNote(text: string): void {
  process.stderr.write(`scimitar: note: ${text}\n`);
}

/**
 * Values shown to a terminal come from identity providers and operators;
 * control characters (an ANSI escape in a userName) must not drive the terminal.
 */
export function printable(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `1 token`, `2 tokens`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** ISO timestamps without milliseconds: shorter columns, same meaning. */
export function formatTimestamp(value: string | undefined): string {
  if (value === undefined) return '-';
  return value.replace(/\.\d{3}Z$/, 'Z');
}

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => unknown;
}

/** An aligned table: a header row, then one line per row; columns two spaces apart. */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = [columns.map((column) => column.header), ...rows.map((row) => columns.map((column) => printable(column.value(row))))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)));
  return cells.map((line) => line.map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ')).join('\n');
}

/** Aligned `label  value` lines. */
export function formatFields(fields: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${printable(value)}`).join('\n');
}

/**
 * A SCIM resource as `path  value` lines (emails[0].value, name.givenName…),
 * readable for any schema, extensions included.
 */
export function flattenResource(resource: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(resource)) {
    if (resource.length === 0) return [[path, '[]']];
    return resource.flatMap((element, index) => flattenResource(element, `${path}[${index}]`));
  }
  if (resource !== null && typeof resource === 'object') {
    const entries = Object.entries(resource as Record<string, unknown>);
    if (entries.length === 0) return [[path, '{}']];
    return entries.flatMap(([key, value]) => flattenResource(value, path === '' ? key : `${path}.${key}`));
  }
  return [[path, resource]];
}

interface AttemptLine {
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly error: string | null;
}

/**
 * One delivery of a webhook or a durable consumer: its fields, the event,
 * then a line per attempt. `extra` adds columns before ERROR (a webhook's
 * HTTP status; a consumer's handler has none).
 */
export function printDeliveryDetails<Attempt extends AttemptLine>(
  view: { readonly attempts: readonly Attempt[]; readonly event: unknown } & Record<string, unknown>,
  extra: readonly Column<Attempt>[] = [],
): void {
  const { attempts, event, ...delivery } = view;
  print(formatFields(Object.entries(delivery)));
  print();
  print(JSON.stringify(event, null, 2));
  print();
  print(
    formatTable(attempts, [
      { header: '#', value: (attempt) => attempt.attempt },
      { header: 'STARTED', value: (attempt) => formatTimestamp(attempt.startedAt) },
      { header: 'MS', value: (attempt) => attempt.durationMs },
      ...extra,
      { header: 'ERROR', value: (attempt) => attempt.error },
    ]),
  );
}
