import { expect, test } from 'vitest';
import { previewFiles } from './preview';

const enc = (s: string) => new TextEncoder().encode(s);

test('text files show their first lines as plain strings; the PDF shows none', () => {
  const lines = Array.from({ length: 20 }, (_, i) => `row ${i},<b>x</b>`).join('\r\n') + '\r\n';
  const [csv, pdf] = previewFiles([
    { name: 'transcripts.csv', contentType: 'text/csv; charset=utf-8', bytes: enc(lines) },
    { name: 'summary.pdf', contentType: 'application/pdf', bytes: enc('%PDF-1.7') },
  ]);
  expect(csv).toMatchObject({ name: 'transcripts.csv', totalLines: 20, bytes: enc(lines).length });
  expect(csv?.firstLines).toHaveLength(15);
  expect(csv?.firstLines?.[14]).toBe('row 14,<b>x</b>');
  expect(pdf).toMatchObject({ name: 'summary.pdf', firstLines: null, totalLines: null, bytes: 8 });
});
