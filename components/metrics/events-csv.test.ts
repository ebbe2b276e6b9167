import { expect, test } from 'vitest';
import type { EventDto } from '@/lib/ingest/queries/list-events';
import { eventCsvColumns, eventCsvHeader, eventCsvRow, truncatedNote } from './events-csv';

const S77714 = '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]';

/** RFC 4180 reader for one line, enough to check the writer. */
function parseLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i += 1;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          s += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else {
          s += line[i];
          i += 1;
        }
      }
      cells.push(s);
      i += 1;
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end === -1 ? undefined : end));
      i = end === -1 ? line.length : end;
    }
    if (line[i] !== ',') return cells;
    i += 1;
  }
}

test('an event becomes one line with the reply intact', () => {
  const e = Object.fromEntries(eventCsvColumns.map((c) => [c, null])) as unknown as EventDto;
  Object.assign(e, { id: '7', occurredAt: '2023-10-11T02:17:50.000Z', provider: 'microsoft-365', outcome: 'deferred', smtpCode: 451, reply: S77714, category: 'throttling' });
  const line = eventCsvRow(e);
  expect(line.endsWith('\r\n')).toBe(true);
  const cells = parseLine(line.slice(0, -2));
  expect(cells).toHaveLength(eventCsvColumns.length);
  expect(cells[eventCsvColumns.indexOf('reply')]).toBe(S77714);
  expect(cells[eventCsvColumns.indexOf('smtpCode')]).toBe('451');
  expect(eventCsvHeader()).toBe(`${eventCsvColumns.join(',')}\r\n`);
  expect(truncatedNote(100_000)).toMatch(/^# export stopped after 100000 rows/);
});
