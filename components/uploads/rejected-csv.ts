import type { RejectedLine } from './file-upload';

/** Quotes one CSV field (RFC 4180) and defuses cells a spreadsheet would run as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** The rejected lines as CSV: a `line,reason` header and one row per line, CRLF-terminated. */
export function rejectedLinesCsv(errors: readonly RejectedLine[]): string {
  const rows = errors.map((e) => `${e.line},${csvField(e.reason)}`);
  return ['line,reason', ...rows].join('\r\n') + '\r\n';
}

/** `name.log.gz` → `name-rejected.csv` */
export function rejectedCsvName(filename: string): string {
  const base = filename.replace(/(\.(gz|log|txt|csv|json|ndjson|jsonl))+$/i, '') || 'upload';
  return `${base}-rejected.csv`;
}
