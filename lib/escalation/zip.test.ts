import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from 'vitest';
import { zipFiles } from './zip';

const file = (name: string, body: string) => ({ name, contentType: 'text/plain', bytes: new TextEncoder().encode(body) });

test('the same files give the same bytes, in any order and at any time; entries are sorted by name', async () => {
  const a = zipFiles([file('b.txt', 'two'), file('charts/a.svg', '<svg/>'), file('a.txt', 'one')]);
  await new Promise((r) => setTimeout(r, 1100));
  const b = zipFiles([file('a.txt', 'one'), file('b.txt', 'two'), file('charts/a.svg', '<svg/>')]);
  expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  const entries = unzipSync(a);
  expect(Object.keys(entries)).toEqual(['a.txt', 'b.txt', 'charts/a.svg']);
  expect(strFromU8(entries['charts/a.svg']!)).toBe('<svg/>');
  const c = zipFiles([file('a.txt', 'one!'), file('b.txt', 'two'), file('charts/a.svg', '<svg/>')]);
  expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
});

test('every entry carries the DOS time 1980-01-01 00:00', () => {
  const zip = zipFiles([file('a.txt', 'one')]);
  // Local file header (APPNOTE 4.3.7): time at offset 10, date at offset 12, little-endian.
  const view = new DataView(zip.buffer, zip.byteOffset);
  expect(view.getUint32(0, true)).toBe(0x04034b50);
  expect(view.getUint16(10, true)).toBe(0);
  expect(view.getUint16(12, true)).toBe((0 << 9) | (1 << 5) | 1);
});
