import type { EventDto } from '@/lib/ingest/queries/list-events';

/** Columns of the event CSV export, in order: the normalized event of DESIGN.md. */
export const eventCsvColumns = [
  'id',
  'occurredAt',
  'source',
  'sourceHost',
  'queueId',
  'messageId',
  'recipient',
  'recipientDomain',
  'provider',
  'mxHost',
  'mxIp',
  'sendingIp',
  'outcome',
  'smtpCode',
  'enhancedCode',
  'reply',
  'providerToken',
  'providerHost',
  'correlationId',
  'delaySeconds',
  'attempt',
  'kbRule',
  'category',
  'scope',
] as const satisfies ReadonlyArray<keyof EventDto>;

/** Rows an export holds at most; past it the file ends with a note line saying so. */
export const MAX_EXPORT_ROWS = 100_000;

// Cells a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @ and the tab / carriage return that can precede them.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): formula-looking text is prefixed with a single quote so spreadsheets show it
 * as text, and any cell with a comma, quote or line break is quoted with inner quotes doubled.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV line (CRLF-terminated, as RFC 4180 asks). */
export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function eventCsvHeader(): string {
  return csvLine(eventCsvColumns);
}

export function eventCsvRow(e: EventDto): string {
  return csvLine(eventCsvColumns.map((c) => e[c]));
}

/** The closing line of a truncated export, in the first column so it is seen at the bottom of the sheet. */
export function truncatedNote(maxRows: number): string {
  return csvLine([`# export stopped after ${maxRows} rows; narrow the filters or the time range for the rest`]);
}
