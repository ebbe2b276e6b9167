import fc from 'fast-check';
import { expect, test } from 'vitest';
import { csvCell, toCsv } from './csv';

test('cells a spreadsheet would run as formulas get a leading apostrophe (OWASP CSV injection)', () => {
  expect(csvCell('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`);
  expect(csvCell('+1 555')).toBe("'+1 555");
  expect(csvCell('-2+3')).toBe("'-2+3");
  expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  expect(csvCell('\tcmd')).toBe("'\tcmd");
});

test('plain text, numbers, booleans and nulls are written as they are; commas, quotes and line breaks are quoted', () => {
  expect(csvCell('451 4.7.500 Server busy')).toBe('451 4.7.500 Server busy');
  expect(csvCell(-3)).toBe('-3');
  expect(csvCell(0.25)).toBe('0.25');
  expect(csvCell(Number.NaN)).toBe('');
  expect(csvCell(true)).toBe('true');
  expect(csvCell(null)).toBe('');
  expect(csvCell('a,b')).toBe('"a,b"');
  expect(csvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
  expect(toCsv(['a', 'b'], [['x', 1], [null, 'y,z']])).toBe('a,b\r\nx,1\r\n,"y,z"\r\n');
});

/** The cell's text as a spreadsheet reads it back: quotes removed, doubled quotes undone. */
function unquote(cell: string): string {
  return cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
}

test('property: no text cell ever starts with a formula character, and the text survives apart from the apostrophe', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const back = unquote(csvCell(s));
      expect(/^[=+\-@\t\r]/.test(back)).toBe(false);
      expect(back === s || back === `'${s}`).toBe(true);
    }),
  );
});
