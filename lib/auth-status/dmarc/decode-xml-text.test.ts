import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeXmlText, firstInvalidUtf8Offset } from './decode-xml-text';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    fatalUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

test('the UTF-8 check agrees with the platform decoder on random bytes and random text', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => new TextEncoder().encode(s)),
    fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 8 }).map((a) => new Uint8Array(a)),
  );
  fc.assert(fc.property(bytes, (b) => (firstInvalidUtf8Offset(b) === -1) === isValidUtf8(b)), { numRuns: 2000 });
});

test('the offset points at the start of the bad sequence', () => {
  expect(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xc3, 0xa9, 0xed, 0xa0, 0x80]))).toBe(3); // UTF-16 surrogate
  expect(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(1); // truncated €
  expect(firstInvalidUtf8Offset(new Uint8Array([0xc0, 0xaf]))).toBe(0); // overlong '/'
});

test('a declared single-byte encoding is decoded with its own table (ISO-8859-15: 0xA4 is the euro sign)', () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-15"?><a>'), 0xa4, ...new TextEncoder().encode('</a>')]);
  const r = decodeXmlText(bytes);
  expect(r.ok && r.value.endsWith('<a>€</a>')).toBe(true);
});
