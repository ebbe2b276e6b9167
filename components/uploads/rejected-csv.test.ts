import { expect, test } from 'vitest';
import { rejectedCsvName, rejectedLinesCsv } from './rejected-csv';

test('rejected lines become CSV with reasons quoted where needed, doubled quotes and defused formulas', () => {
  const csv = rejectedLinesCsv([
    { line: 12, reason: 'not valid JSON: Unexpected token "x", at position 3' },
    { line: 31002, reason: '=HYPERLINK("http://evil")' },
    { line: 40, reason: 'line is not valid UTF-8' },
  ]);
  expect(csv).toBe(
    'line,reason\r\n' +
      '12,"not valid JSON: Unexpected token ""x"", at position 3"\r\n' +
      '31002,"\'=HYPERLINK(""http://evil"")"\r\n' +
      '40,line is not valid UTF-8\r\n',
  );
  expect(rejectedLinesCsv([])).toBe('line,reason\r\n');
});

test('the CSV is named after the file without its log and gzip extensions', () => {
  expect(rejectedCsvName('mail.log.gz')).toBe('mail-rejected.csv');
  expect(rejectedCsvName('events.ndjson')).toBe('events-rejected.csv');
  expect(rejectedCsvName('maillog.1')).toBe('maillog.1-rejected.csv');
  expect(rejectedCsvName('.gz')).toBe('upload-rejected.csv');
});
