import fc from 'fast-check';
import { expect, test } from 'vitest';
import { splitCsvLine } from './csv';

test('plain, empty and trailing empty fields', () => {
  expect(splitCsvLine('b,2016-05-29 01:10:51+0200,,x,')).toEqual({ ok: true, fields: ['b', '2016-05-29 01:10:51+0200', '', 'x', ''] });
  expect(splitCsvLine('')).toEqual({ ok: true, fields: [''] });
});

test('quoted fields keep commas and doubled quotes', () => {
  expect(splitCsvLine('t,"smtp;451 4.7.500 Server busy, try later","two inches,""2"""')).toEqual({
    ok: true,
    fields: ['t', 'smtp;451 4.7.500 Server busy, try later', 'two inches,"2"'],
  });
  expect(splitCsvLine('"",""""')).toEqual({ ok: true, fields: ['', '"'] });
});

test('an unterminated quote says that multi-line fields are not supported', () => {
  const r = splitCsvLine('b,"smtp;550 5.1.1 first line of a reply');
  expect(r.ok).toBe(false);
  expect(!r.ok && r.reason).toMatch(/unterminated quoted field starting at column 3 .*spanning lines/);
});

test('text after a closing quote and a stray quote are rejected with the column', () => {
  expect(splitCsvLine('a,"b"c,d')).toEqual({ ok: false, reason: 'unexpected character after a closing quote at column 6' });
  expect(splitCsvLine('a,b"c')).toEqual({ ok: false, reason: 'stray quote inside an unquoted field at column 4' });
});

const encode = (fields: string[]) => fields.map((f) => (/[",]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f)).join(',');

test('property: RFC 4180 encoding of single-line fields splits back to the same fields', () => {
  fc.assert(
    fc.property(fc.array(fc.string().filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 8 }), (fields) => {
      expect(splitCsvLine(encode(fields))).toEqual({ ok: true, fields });
    }),
  );
});

test('property: any line gives fields or a reason, never a throw', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', 'é') }), (line) => {
      const r = splitCsvLine(line);
      expect(r.ok ? r.fields.length >= 1 : r.reason.length > 0).toBe(true);
    }),
  );
});
