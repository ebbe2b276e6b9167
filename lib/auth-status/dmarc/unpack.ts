import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { fail, type Step } from './types';

/** Most bytes any single layer may decompress to (zip-bomb guard); real reports are kilobytes to a few MB. */
export const maxUncompressedBytes = 50 * 1024 * 1024;

/** More entries than this and a zip is not a report delivery (RFC 7489 §7.2.1.1 sends one file). */
export const maxZipEntries = 8;

export type ContentKind = 'gzip' | 'zip' | 'xml' | 'json' | 'eml' | 'unknown';

// An RFC 5322 header field at the very start (or an mbox "From " line before it).
const emailStart = /^(?:From [^\r\n]*\r?\n)?[!-9;-~]+:[^\r\n]*\r?\n/;

/** What the bytes are, from their content alone (magic bytes, first significant character); never from a file name. */
export function sniffContent(bytes: Uint8Array): ContentKind {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const significant = head.replace(/^(?:\u00ef\u00bb\u00bf|\u00ff\u00fe|\u00fe\u00ff)/, '').replace(/^[\s\0]+/, '');
  if (significant.startsWith('<')) return 'xml';
  if (significant.startsWith('{') || significant.startsWith('[')) return 'json';
  if (emailStart.test(head)) return 'eml';
  return 'unknown';
}

function tooLarge(what: string): ReturnType<typeof fail> {
  return fail('too_large', `${what} decompresses to more than ${maxUncompressedBytes / (1024 * 1024)} MB; refused as a possible zip bomb`);
}

function zlibCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * Gunzip with the output capped while inflating: node:zlib's maxOutputLength stops the inflater
 * at the cap (a 200 MB bomb is refused in milliseconds), and zlib checks the CRC-32 and length
 * trailer, which fflate's Gunzip does not (a truncated trailer went unnoticed when tried).
 */
export function gunzipCapped(bytes: Uint8Array): Step<Uint8Array> {
  // Mimecast sends gzip files with CR LF after the trailer; zlib would read those bytes as the
  // start of a second member. The trailer ends in the high byte of the length, which is 0x0a or
  // 0x0d only for outputs over 160 MB, which the cap refuses before the trailer is read.
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end -= 1;
  try {
    return { ok: true, value: new Uint8Array(gunzipSync(bytes.subarray(0, end), { maxOutputLength: maxUncompressedBytes })) };
  } catch (e) {
    const code = zlibCode(e);
    if (code === 'ERR_BUFFER_TOO_LARGE') return tooLarge('the gzip file');
    if (code === 'Z_BUF_ERROR') return fail('truncated_gzip', 'the gzip file is truncated: the compressed data ends before the end of the stream');
    const reason = e instanceof Error ? e.message : 'unreadable';
    return fail('invalid_gzip', `the gzip file is corrupt: ${reason}`);
  }
}

interface ZipEntry {
  name: string;
  method: number;
  isEncrypted: boolean;
  crc: number;
  compressedBytes: number;
  uncompressedBytes: number;
  localHeaderOffset: number;
}

const isReportEntryName = (name: string) => /\.xml(\.gz)?$/i.test(name);
// macOS archivers add __MACOSX/._name.xml resource forks beside the real file.
const isJunkEntryName = (name: string) => name.endsWith('/') || name.startsWith('__MACOSX/') || /(^|\/)\._/.test(name);

function readCentralDirectory(bytes: Uint8Array): Step<ZipEntry[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return fail('invalid_zip', 'the zip archive has no central directory (truncated or not a zip file)');
  const entryCount = view.getUint16(eocd + 10, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) return fail('unsupported_zip', 'ZIP64 archives are not supported');
  if (entryCount > maxZipEntries) {
    return fail('zip_too_many_entries', `the zip archive holds ${entryCount} entries; a DMARC report archive holds one (at most ${maxZipEntries} accepted)`);
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let n = 0; n < entryCount; n += 1) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) {
      return fail('invalid_zip', `the zip central directory is damaged at entry ${n + 1}`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    entries.push({
      name: new TextDecoder('utf-8').decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      isEncrypted: (view.getUint16(at + 8, true) & 1) === 1,
      crc: view.getUint32(at + 16, true),
      compressedBytes: view.getUint32(at + 20, true),
      uncompressedBytes: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { ok: true, value: entries };
}

/**
 * The one report file (.xml or .xml.gz) inside a zip archive, inflated with its output capped.
 * Entry names are only matched against the extension, never used as paths, so path traversal
 * names do no harm here; directories and macOS resource forks are skipped.
 */
export function unzipReport(bytes: Uint8Array): Step<{ name: string; bytes: Uint8Array }> {
  const directory = readCentralDirectory(bytes);
  if (!directory.ok) return directory;
  const files = directory.value.filter((e) => !isJunkEntryName(e.name));
  const reports = files.filter((e) => isReportEntryName(e.name));
  const [entry, ...others] = reports;
  if (entry === undefined) {
    const names = files.map((e) => `'${e.name}'`).join(', ') || 'none';
    return fail('zip_without_report', `the zip archive holds no .xml or .xml.gz file (files: ${names})`);
  }
  if (others.length > 0) {
    return fail('zip_several_reports', `the zip archive holds ${reports.length} report files; one per upload is expected`, entry.name);
  }
  if (entry.isEncrypted) return fail('unsupported_zip', `zip entry '${entry.name}' is encrypted`, entry.name);
  if (entry.uncompressedBytes > maxUncompressedBytes) return tooLarge(`zip entry '${entry.name}'`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) {
    return fail('invalid_zip', `the local header of zip entry '${entry.name}' is missing`, entry.name);
  }
  const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (dataStart + entry.compressedBytes > bytes.length) {
    return fail('invalid_zip', `zip entry '${entry.name}' is truncated`, entry.name);
  }
  const compressed = bytes.subarray(dataStart, dataStart + entry.compressedBytes);

  let content: Uint8Array;
  if (entry.method === 0) content = compressed;
  else if (entry.method === 8) {
    try {
      // The declared size can lie; maxOutputLength caps what is actually inflated.
      content = new Uint8Array(inflateRawSync(compressed, { maxOutputLength: maxUncompressedBytes }));
    } catch (e) {
      if (zlibCode(e) === 'ERR_BUFFER_TOO_LARGE') return tooLarge(`zip entry '${entry.name}'`);
      return fail('invalid_zip', `zip entry '${entry.name}' cannot be inflated: ${e instanceof Error ? e.message : 'corrupt data'}`, entry.name);
    }
  } else return fail('unsupported_zip', `zip entry '${entry.name}' uses compression method ${entry.method}; only stored and deflate are supported`, entry.name);

  if (content.length !== entry.uncompressedBytes || crc32(content) !== entry.crc) {
    return fail('invalid_zip', `zip entry '${entry.name}' is corrupt: its size or CRC-32 does not match the archive directory`, entry.name);
  }
  return { ok: true, value: { name: entry.name, bytes: content } };
}
