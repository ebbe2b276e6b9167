import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpusBytes } from '@/lib/test-support/corpus';
import { chunkAtNewlines, fileChunks, isGzip, type ChunkOptions, type FileChunk } from './chunk-file';

const LOG = 'postfix/lightmeter/6_deferred_message_retry.log';

async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i += 1) {
    const size = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? 1);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function collect(source: AsyncIterable<Uint8Array>, options: ChunkOptions): Promise<FileChunk[]> {
  const out: FileChunk[] = [];
  for await (const chunk of chunkAtNewlines(source, options)) out.push(chunk);
  return out;
}

function joined(chunks: FileChunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.bytes)));
}

test('a real Postfix log is cut after newlines, with byte and line offsets that match the file', async () => {
  const log = readCorpusBytes(LOG);
  const chunks = await collect(pieces(log, [700, 13, 4096]), { chunkBytes: 2048 });
  expect(chunks.length).toBeGreaterThan(4);
  expect(joined(chunks).equals(log)).toBe(true);
  for (const chunk of chunks.slice(0, -1)) {
    expect(chunk.bytes.at(-1)).toBe(0x0a);
    expect(chunk.bytes.length).toBeLessThanOrEqual(2048);
  }
  for (const chunk of chunks) {
    const before = log.subarray(0, chunk.offset);
    expect(chunk.lineOffset).toBe(before.toString('utf8').split('\n').length - 1);
    // The chunk's first line is the file's line lineOffset + 1.
    const firstLine = Buffer.from(chunk.bytes).toString('utf8').split('\n')[0];
    expect(log.toString('utf8').split('\n')[chunk.lineOffset]).toBe(firstLine);
  }
});

test('random text in random pieces always reassembles, and only the last chunk may end mid-line', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 60 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 8, max: 128 }),
      async (lines, sizes, chunkBytes) => {
        const bytes = Buffer.from(lines.join('\n'), 'utf8');
        const chunks = await collect(pieces(bytes, sizes), { chunkBytes, documentBytes: 0 });
        expect(joined(chunks).equals(bytes)).toBe(true);
        let offset = 0;
        let lineOffset = 0;
        for (const [i, chunk] of chunks.entries()) {
          expect(chunk.offset).toBe(offset);
          expect(chunk.lineOffset).toBe(lineOffset);
          expect(chunk.bytes.length).toBeGreaterThan(0);
          expect(chunk.bytes.length).toBeLessThanOrEqual(chunkBytes);
          if (i < chunks.length - 1 && chunk.bytes.at(-1) !== 0x0a) {
            // Cut through a line only when no newline fits in a whole chunk.
            expect(chunk.bytes.includes(0x0a)).toBe(false);
            expect(chunk.bytes.length).toBe(chunkBytes);
          }
          offset += chunk.bytes.length;
          lineOffset += Buffer.from(chunk.bytes).toString('latin1').split('\n').length - 1;
        }
      },
    ),
  );
});

test('a JSON document up to the limit is one chunk, however many lines it has', async () => {
  const doc = Buffer.from(`\ufeff  [\n${Array.from({ length: 200 }, (_, i) => `  {"event":"delivered","n":${i}}`).join(',\n')}\n]\n`);
  const chunks = await collect(pieces(doc, [100]), { chunkBytes: 256, documentBytes: doc.length });
  expect(chunks).toHaveLength(1);
  expect(joined(chunks).equals(doc)).toBe(true);
});

test('a DMARC report (XML, or a zip archive) is one chunk; text that merely starts with P is lines', async () => {
  const xml = Buffer.from(`<?xml version="1.0" encoding="UTF-8" ?>\n<feedback>\n${'  <record><row><source_ip>203.0.113.7</source_ip><count>1</count></row></record>\n'.repeat(40)}</feedback>\n`);
  expect(await collect(pieces(xml, [50]), { chunkBytes: 256, documentBytes: xml.length })).toHaveLength(1);
  const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(1000, 0x0a)]);
  expect(await collect(pieces(zip, [1, 1, 1, 97]), { chunkBytes: 256, documentBytes: 2000 })).toHaveLength(1);
  const text = Buffer.from('Panic: mail queue is stuck\n'.repeat(40));
  expect((await collect(pieces(text, [1, 2, 300]), { chunkBytes: 256, documentBytes: 2000 })).length).toBeGreaterThan(1);
});

test('NDJSON larger than the JSON document limit is cut into line chunks', async () => {
  const ndjson = Buffer.from(Array.from({ length: 200 }, (_, i) => `{"event":"bounce","n":${i}}`).join('\n'));
  const chunks = await collect(pieces(ndjson, [100]), { chunkBytes: 256, documentBytes: 1024 });
  expect(chunks.length).toBeGreaterThan(10);
  expect(joined(chunks).equals(ndjson)).toBe(true);
  for (const chunk of chunks.slice(0, -1)) expect(chunk.bytes.at(-1)).toBe(0x0a);
});

test('a line longer than a whole chunk is cut through instead of being held', async () => {
  const long = Buffer.from(`${'x'.repeat(1000)}\n${'short\n'.repeat(50)}`);
  const chunks = await collect(pieces(long, [64]), { chunkBytes: 256 });
  // 1000 x are cut through (3 × 256, then 232 x + newline + 3 "short" lines); then 42 and 5 lines of "short".
  expect(chunks.map((c) => c.bytes.length)).toEqual([256, 256, 256, 251, 252, 30]);
  expect(chunks.map((c) => c.lineOffset)).toEqual([0, 0, 0, 0, 4, 46]);
});

test('an empty stream gives no chunk', async () => {
  expect(await collect(pieces(new Uint8Array(0), [1]), {})).toEqual([]);
});

test('a gzip file is gunzipped on the fly; progress counts the compressed bytes read', async () => {
  const log = readCorpusBytes(LOG);
  const gz = gzipSync(log);
  const file = new File([new Uint8Array(gz)], 'retry.log.gz');
  expect(await isGzip(file)).toBe(true);
  expect(await isGzip(new File([new Uint8Array(log)], 'retry.log'))).toBe(false);
  const progress = { fileBytes: 0 };
  const chunks: FileChunk[] = [];
  for await (const chunk of fileChunks(file, progress, { chunkBytes: 4096 })) chunks.push(chunk);
  expect(joined(chunks).equals(log)).toBe(true);
  expect(chunks.length).toBe(Math.ceil(log.length / 4096));
  expect(progress.fileBytes).toBe(gz.length);
});

test('corrupt gzip data fails the read instead of producing text', async () => {
  const gz = gzipSync(readCorpusBytes(LOG));
  const file = new File([new Uint8Array(gz.subarray(0, 200)), new Uint8Array(400).fill(7)], 'broken.gz');
  const read = async () => {
    for await (const chunk of fileChunks(file, { fileBytes: 0 })) expect(chunk.bytes.length).toBeGreaterThan(0);
  };
  await expect(read()).rejects.toThrow();
});
