import { toCsv } from '@/lib/csv';
import type { RejectedLine } from './file-upload';

/** The rejected lines as CSV: a `line,reason` header and one row per line, CRLF-terminated. */
export function rejectedLinesCsv(errors: readonly RejectedLine[]): string {
  return toCsv(['line', 'reason'], errors.map((e) => [e.line, e.reason]));
}

/** `name.log.gz` → `name-rejected.csv` */
export function rejectedCsvName(filename: string): string {
  const base = filename.replace(/(\.(gz|log|txt|csv|json|ndjson|jsonl))+$/i, '') || 'upload';
  return `${base}-rejected.csv`;
}
