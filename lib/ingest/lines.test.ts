import { expect, test } from 'vitest';
import { MAX_LINE_BYTES, splitLines, type LineItem } from './lines';

async function* inChunks(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function linesOf(data: Buffer, size: number): Promise<LineItem[]> {
  const out: LineItem[] = [];
  for await (const batch of splitLines(inChunks(data, size))) out.push(...batch);
  return out;
}

const body = Buffer.concat([
  Buffer.from('first\r\nsecond é 🙂\n\nx\u0000y\n'),
  Buffer.from([0xc3, 0x28, 0x0a]),
  Buffer.from('last without newline'),
]);

const expected: LineItem[] = [
  { kind: 'line', line: 1, text: 'first' },
  { kind: 'line', line: 2, text: 'second é 🙂' },
  { kind: 'line', line: 3, text: '' },
  { kind: 'bad', line: 4, reason: 'binary data (NUL byte) in line' },
  { kind: 'bad', line: 5, reason: 'line is not valid UTF-8' },
  { kind: 'line', line: 6, text: 'last without newline' },
];

test('the same lines, numbers and refusals however the stream is cut (inside CRLF and multi-byte characters too)', async () => {
  for (const size of [1, 2, 3, 5, 7, 16, 1000]) expect(await linesOf(body, size)).toEqual(expected);
});

test('the lines of a chunk come out together', async () => {
  const batches: LineItem[][] = [];
  for await (const batch of splitLines(inChunks(Buffer.from('a\nb\nc\n'), 1000))) batches.push(batch);
  expect(batches).toEqual([[{ kind: 'line', line: 1, text: 'a' }, { kind: 'line', line: 2, text: 'b' }, { kind: 'line', line: 3, text: 'c' }]]);
});

test('an over-long line is refused without being held, whole chunks or cut ones', async () => {
  const data = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(MAX_LINE_BYTES + 5, 0x78), Buffer.from('\nb\n')]);
  for (const size of [64 * 1024, 3 * MAX_LINE_BYTES]) {
    expect(await linesOf(data, size)).toEqual([
      { kind: 'line', line: 1, text: 'a' },
      { kind: 'bad', line: 2, reason: 'line is longer than 1 MiB' },
      { kind: 'line', line: 3, text: 'b' },
    ]);
  }
});
