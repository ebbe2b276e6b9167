import fc from 'fast-check';
import { expect, test } from 'vitest';
import { CopyRows } from './write-batch';

test('CopyRows holds exactly the UTF-8 bytes of the rows added, however many and however wide their characters', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 3000 }), { maxLength: 200 }), (rows) => {
      const out = new CopyRows();
      for (const row of rows) out.add(row);
      expect(out.bytes().equals(Buffer.from(rows.join(''), 'utf8'))).toBe(true);
      expect(out.isEmpty).toBe(rows.join('') === '');
    }),
    { numRuns: 200 },
  );
});

test('CopyRows grows past its first buffer with rows of 3-byte characters', () => {
  const out = new CopyRows();
  const row = `${'€'.repeat(30_000)}\t\\N\n`;
  for (let i = 0; i < 10; i += 1) out.add(row);
  expect(out.bytes().length).toBe(10 * Buffer.byteLength(row));
  expect(out.bytes().toString('utf8')).toBe(row.repeat(10));
});

test('PartRows keeps each event as its COPY row and dedupe key, and selects the rows of keys not stored, with or without organisation and batch', async () => {
  const { enrichEvent } = await import('./enrich');
  const { copyRow, PartRows } = await import('./write-batch');
  const org = '00000000-0000-4000-8000-000000000001';
  const batch = '00000000-0000-4000-8000-000000000002';
  const events = Array.from({ length: 1500 }, (_, i) =>
    enrichEvent({
      occurredAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)), source: 'postfix', sourceHost: 'mx1', queueId: `Q${i}`, messageId: null, sender: null,
      recipient: `r${i}@contoso.com`, mxHost: 'contoso-com.mail.protection.outlook.com', mxIp: null, sendingIp: null, outcome: 'deferred',
      smtpCode: null, enhancedCode: null, reply: `451 4.7.500 Server busy. Please try again later. (S77714) ${'€'.repeat(i % 3)}`,
      delaySeconds: i, attempt: null, sizeBytes: null, providerEventId: null,
    }),
  );
  const part = new PartRows(org, batch);
  for (const e of events) part.add(e);
  expect(part.count).toBe(1500);
  expect(Array.from({ length: part.count }, (_, i) => part.key(i).toString('hex'))).toEqual(events.map((e) => e.dedupeKey.toString('hex')));
  expect(part.keyBytes().equals(Buffer.concat(events.map((e) => e.dedupeKey)))).toBe(true);
  expect(part.rows.bytes().toString('utf8')).toBe(events.map((e) => `${org}\t${batch}\t${copyRow(e)}`).join(''));
  const stored = new Set(events.filter((_, i) => i % 7 === 3).map((e) => e.dedupeKey.toString('hex')));
  const kept = events.filter((_, i) => i % 7 !== 3);
  expect(part.select(stored, true).bytes().toString('utf8')).toBe(kept.map((e) => `${org}\t${batch}\t${copyRow(e)}`).join(''));
  expect(part.select(new Set(), false).bytes().toString('utf8')).toBe(events.map((e) => copyRow(e)).join(''));
});
