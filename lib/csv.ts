/** CSV writing for every export (event explorer, rejected upload lines, escalation package). */
/** A cell value as the CSV files hold it; null is an empty cell. */
export type CsvValue = string | number | boolean | null;

// OWASP "CSV Injection": spreadsheets run cells starting with = + - @ (and tab / carriage return) as formulas.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): text that a spreadsheet would run as a formula gets a leading apostrophe,
 * and cells with a comma, quote or line break are quoted. Numbers are written as they are (a negative
 * number is data, not a formula).
 */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 asks. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A whole CSV file: a header line and one line per row, CRLF line ends as RFC 4180 asks. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map(csvLine).join('');
}
