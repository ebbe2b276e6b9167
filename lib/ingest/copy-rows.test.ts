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
