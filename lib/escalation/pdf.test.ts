import { PDFParse } from 'pdf-parse';
import { expect, test } from 'vitest';
import { layoutLineChart } from './line-chart';
import { pdfSafe, renderSummaryPdf } from './pdf';
import type { SummaryDoc } from './summary';

const T0 = Date.UTC(2023, 9, 11, 1, 0);
const chart = layoutLineChart({ title: 'Deferral rate', unit: 'percent', from: T0, to: T0 + 3_600_000, yMax: 1, series: [{ label: 'rate', color: '#dc2626', points: [{ t: T0, v: 0.1 }, { t: T0 + 60_000, v: 0.9 }] }] }, { width: 720, height: 260 });
const doc: SummaryDoc = {
  title: 'Escalation package: Microsoft 365 microsoft.server-busy',
  blocks: [
    { kind: 'heading', text: 'What happened' },
    { kind: 'paragraph', text: 'Microsoft 365 deferred our mail <b>not bold</b>.' },
    { kind: 'verbatim', text: '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714)' },
    { kind: 'facts', rows: [['Incident', 'abc']] },
    { kind: 'bullets', items: Array.from({ length: 60 }, (_, i) => `item ${i}`) },
    { kind: 'chart', name: 'deferral-rate', caption: 'Deferral rate' },
    { kind: 'chart', name: 'queue-depth', caption: 'Queue depth' },
  ],
};

test('the PDF is byte-identical for the same summary and creation date, renders pages and gives its text back', async () => {
  const creationDate = new Date('2023-10-11T03:00:00Z');
  const a = await renderSummaryPdf(doc, { 'deferral-rate': chart, 'queue-depth': chart }, { creationDate });
  const b = await renderSummaryPdf(doc, { 'deferral-rate': chart, 'queue-depth': chart }, { creationDate });
  expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  const c = await renderSummaryPdf(doc, { 'deferral-rate': chart, 'queue-depth': chart }, { creationDate: new Date('2023-10-12T00:00:00Z') });
  expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  expect(Buffer.from(a.subarray(0, 8)).toString()).toBe('%PDF-1.7');
  const parser = new PDFParse({ data: a });
  const parsed = await parser.getText();
  await parser.destroy();
  expect(parsed.total).toBeGreaterThanOrEqual(2);
  expect(parsed.text).toContain('What happened');
  expect(parsed.text).toContain('<b>not bold</b>');
  expect(parsed.text).toContain('(S77714)');
  expect(parsed.text).toContain('item 59');
});

test('characters the standard fonts cannot draw become "?"', () => {
  expect(pdfSafe('Zürich – “ok” 東京')).toBe('Zürich – “ok” ??');
});
