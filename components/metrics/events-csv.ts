import type { EventDto } from '@/lib/ingest/queries/list-events';
import { csvLine } from '@/lib/csv';

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
