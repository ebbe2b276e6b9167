import { isUtf8 } from 'node:buffer';

/** Longest line read; a longer one is rejected (and skipped to its end) without being held whole. */
export const MAX_LINE_BYTES = 1024 * 1024;

export type LineItem =
  | { kind: 'line'; line: number; text: string }
  | { kind: 'bad'; line: number; reason: string };

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines (LF or CRLF), decoding UTF-8 strictly per line: invalid UTF-8,
 * NUL bytes and over-long lines come out as `bad` items with their line number, never as text.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<LineItem> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let tooLong = false;
  let lineNo = 0;
  const emit = (bytes: Buffer): LineItem => {
    lineNo += 1;
    if (tooLong) return { kind: 'bad', line: lineNo, reason: `line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB` };
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
    const body = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (body.includes(0)) return { kind: 'bad', line: lineNo, reason: 'binary data (NUL byte) in line' };
    if (!isUtf8(body)) return { kind: 'bad', line: lineNo, reason: 'line is not valid UTF-8' };
    return { kind: 'line', line: lineNo, text: body.toString('utf8') };
  };
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const whole = carryBytes ? Buffer.concat([...carry, piece]) : piece;
      if (!tooLong && whole.length > MAX_LINE_BYTES) tooLong = true;
      yield emit(whole);
      carry = [];
      carryBytes = 0;
      tooLong = false;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (tooLong || carryBytes + rest.length > MAX_LINE_BYTES) {
        tooLong = true;
        carry = [];
        carryBytes = 0;
      } else {
        // Copy: the caller may reuse the chunk's memory.
        carry.push(Buffer.from(rest));
        carryBytes += rest.length;
      }
    }
  }
  if (carryBytes > 0 || tooLong) yield emit(Buffer.concat(carry));
}
