import { isUtf8 } from 'node:buffer';

/** Longest line read; a longer one is rejected (and skipped to its end) without being held whole. */
export const MAX_LINE_BYTES = 1024 * 1024;

export type LineItem =
  | { kind: 'line'; line: number; text: string }
  | { kind: 'bad'; line: number; reason: string };

const NEWLINE = 0x0a;

/** A line's text without the CR of a CRLF ending. */
function lineText(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/**
 * Splits a byte stream into lines (LF or CRLF), decoding UTF-8 strictly per line: invalid UTF-8,
 * NUL bytes and over-long lines come out as `bad` items with their line number, never as text.
 * Yields the lines of each chunk of the stream together. A run of whole lines that is valid UTF-8 without
 * NUL is checked and decoded in one go (LF never occurs inside a multi-byte character, so each of its
 * lines is valid too); anything else is checked line by line.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<LineItem[]> {
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
    const items: LineItem[] = [];
    let start = 0;
    let isWholeRunTried = false;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      if (carryBytes === 0 && !tooLong && !isWholeRunTried) {
        isWholeRunTried = true;
        const last = chunk.lastIndexOf(NEWLINE);
        const run = chunk.subarray(start, last);
        if (run.length <= MAX_LINE_BYTES && !run.includes(0) && isUtf8(run)) {
          for (const text of run.toString('utf8').split('\n')) {
            lineNo += 1;
            items.push({ kind: 'line', line: lineNo, text: lineText(text) });
          }
          start = last + 1;
          break;
        }
      }
      const piece = chunk.subarray(start, nl);
      const whole = carryBytes ? Buffer.concat([...carry, piece]) : piece;
      if (!tooLong && whole.length > MAX_LINE_BYTES) tooLong = true;
      items.push(emit(whole));
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
    if (items.length > 0) yield items;
  }
  if (carryBytes > 0 || tooLong) yield [emit(Buffer.concat(carry))];
}
