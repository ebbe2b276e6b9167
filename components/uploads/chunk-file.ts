/** About 4 MiB per request: large enough to keep requests few, small enough to retry cheaply. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * A file that is one document rather than lines — JSON (`[` / `{`, read whole by lib/ingest/pipeline.ts
 * up to 32 MiB), XML or a zip archive (DMARC reports, read whole by the uploads route) — is sent in one
 * request when it is no larger than this.
 */
export const DOCUMENT_BYTES = 32 * 1024 * 1024;

/** One request's worth of a file, cut after a newline. */
export interface FileChunk {
  bytes: Uint8Array<ArrayBuffer>;
  /** Byte offset of the chunk in the (decompressed) file. */
  offset: number;
  /** Lines before the chunk, so the server numbers rejected lines as in the file. */
  lineOffset: number;
}

export interface ChunkOptions {
  chunkBytes?: number;
  documentBytes?: number;
}

const NEWLINE = 0x0a;
// [ { < : JSON or XML. A raw syslog file whose lines start with <PRI> is taken for a document too;
// it then goes up in larger parts, which the server reads line by line all the same.
const OPENERS = new Set([0x5b, 0x7b, 0x3c]);
const BLANKS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const BOM = [0xef, 0xbb, 0xbf];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function firstBytes(pieces: Uint8Array[], count: number): number[] {
  const out: number[] = [];
  for (const piece of pieces) {
    for (const byte of piece.subarray(0, count - out.length)) out.push(byte);
    if (out.length === count) break;
  }
  return out;
}

/** Whether the stream starts a document (JSON, XML, zip) rather than lines; null while undecided. */
function startsDocument(pieces: Uint8Array[]): boolean | null {
  const head = firstBytes(pieces, ZIP_MAGIC.length);
  if (head[0] === ZIP_MAGIC[0]) return head.length < ZIP_MAGIC.length ? null : head.every((b, i) => b === ZIP_MAGIC[i]);
  let index = 0;
  for (const piece of pieces) {
    for (const byte of piece) {
      const isBom = index < BOM.length && byte === BOM[index];
      index += 1;
      if (!isBom && !BLANKS.has(byte)) return OPENERS.has(byte);
    }
  }
  return null;
}

function concat(pieces: Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) n += 1;
  return n;
}

/**
 * Cuts a byte stream into chunks of about `chunkBytes`, each ending after a newline (the partial last
 * line is carried into the next chunk), with byte and line offsets. A stream that starts a document
 * (`[`, `{`, `<` or a zip archive) and ends within `documentBytes` comes out as one chunk: a document
 * cannot be split. Holds at most one chunk (or one document) in memory.
 */
export async function* chunkAtNewlines(source: AsyncIterable<Uint8Array>, options: ChunkOptions = {}): AsyncGenerator<FileChunk> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const documentBytes = options.documentBytes ?? DOCUMENT_BYTES;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let offset = 0;
  let lineOffset = 0;
  let mode: 'undecided' | 'document' | 'lines' = 'undecided';

  /** The pending pieces as one array (copied only when there are several). */
  const flatten = (): Uint8Array => {
    const [only] = pending;
    if (pending.length === 1 && only) return only;
    const all = concat(pending, pendingBytes);
    pending = [all];
    return all;
  };
  const take = (length: number): FileChunk => {
    const all = flatten();
    const bytes = all.slice(0, length);
    const rest = all.subarray(length);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    const chunk = { bytes, offset, lineOffset };
    offset += bytes.length;
    lineOffset += countNewlines(bytes);
    return chunk;
  };

  for await (const piece of source) {
    if (piece.length === 0) continue;
    pending.push(piece);
    pendingBytes += piece.length;
    if (mode === 'undecided') {
      const isDocument = startsDocument(pending);
      if (isDocument === null) continue;
      mode = isDocument ? 'document' : 'lines';
    }
    if (mode === 'document') {
      if (pendingBytes <= documentBytes) continue;
      // Too large for one request: the server reads large JSON line by line (NDJSON), so may we.
      mode = 'lines';
    }
    while (pendingBytes >= chunkBytes) {
      const lastNewline = flatten().lastIndexOf(NEWLINE, chunkBytes - 1);
      // No newline in a whole chunk: the line is far over the server's 1 MiB line limit and is
      // rejected either way, so cutting through it costs nothing.
      yield take(lastNewline >= 0 ? lastNewline + 1 : chunkBytes);
    }
  }
  if (pendingBytes > 0) yield take(pendingBytes);
}

/** True when the file starts with the gzip magic bytes 1f 8b. */
export async function isGzip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function* iterate(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The chunks of a file, read as a stream (never whole) and gunzipped on the fly when it is gzip.
 * `progress.fileBytes` counts the bytes of the file itself (compressed, for gzip) read so far.
 */
export async function* fileChunks(file: Blob, progress: { fileBytes: number }, options: ChunkOptions = {}): AsyncGenerator<FileChunk> {
  const counting = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(piece, controller) {
      progress.fileBytes += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  const raw = file.stream().pipeThrough(counting);
  const text = (await isGzip(file)) ? raw.pipeThrough(new DecompressionStream('gzip')) : raw;
  yield* chunkAtNewlines(iterate(text), options);
}
