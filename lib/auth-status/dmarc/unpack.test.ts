import { deflateRawSync, gzipSync, inflateRawSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { expect, test } from 'vitest';
import { readCorpusBytes } from '@/lib/test-support/corpus';
import { parseDmarcReport } from './parse-report';
import { gunzipCapped, sniffContent, unzipReport } from './unpack';

const xml = new Uint8Array(readCorpusBytes('dmarc/aggregate-cry-inc/google.xml'));
const fastmailGz = new Uint8Array(readCorpusBytes('dmarc/aggregate/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz'));

function errorCode(r: { ok: boolean; error?: { code: string } }): string | undefined {
  return r.ok ? undefined : r.error?.code;
}

function flipByte(bytes: Uint8Array, at: number): void {
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
}

/** Offset of the central directory entry of the first file in a zip built by fflate. */
function centralEntryOffset(zip: Uint8Array): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = zip.length - 22; i >= 0; i -= 1) if (view.getUint32(i, true) === 0x06054b50) return view.getUint32(i + 16, true);
  throw new Error('no end of central directory');
}

test('content sniffing looks at bytes only', () => {
  expect(sniffContent(fastmailGz)).toBe('gzip');
  expect(sniffContent(zipSync({ 'a.xml': xml }))).toBe('zip');
  expect(sniffContent(xml)).toBe('xml');
  expect(sniffContent(strToU8('\ufeff  <feedback/>'))).toBe('xml');
  expect(sniffContent(strToU8('{"a":1}'))).toBe('json');
  expect(sniffContent(strToU8('Return-Path: <x@y>\r\nSubject: s\r\n\r\nbody'))).toBe('eml');
  expect(sniffContent(strToU8('just words'))).toBe('unknown');
});

test('gzip: every truncation of a real report is reported as truncated', () => {
  for (let cut = 1; cut < fastmailGz.length; cut += 1) {
    expect(errorCode(gunzipCapped(fastmailGz.subarray(0, cut))), `cut at ${cut}`).toBe('truncated_gzip');
  }
});

test('gzip: corrupted data and a wrong CRC are reported as invalid', () => {
  const badCrc = fastmailGz.slice();
  flipByte(badCrc, badCrc.length - 8);
  expect(errorCode(gunzipCapped(badCrc))).toBe('invalid_gzip');
  const notDeflate = fastmailGz.slice();
  notDeflate.fill(0xff, 60, 80);
  expect(errorCode(gunzipCapped(notDeflate))).toBe('invalid_gzip');
});

test('gzip: trailing CR LF after the trailer (Mimecast) is tolerated, other junk is not', () => {
  const withCrLf = new Uint8Array([...fastmailGz, 0x0d, 0x0a]);
  const r = gunzipCapped(withCrLf);
  expect(r.ok && r.value.length).toBe(1146);
  expect(errorCode(gunzipCapped(new Uint8Array([...fastmailGz, ...strToU8('junk')])))).toBe('invalid_gzip');
});

test('zip: the single report is found beside directories and macOS resource forks', () => {
  const zip = zipSync({ reports: {}, 'reports/google.xml': xml, '__MACOSX/reports/._google.xml': strToU8('fork') });
  const r = unzipReport(zip);
  expect(r.ok && r.value.name).toBe('reports/google.xml');
  expect(r.ok && r.value.bytes).toEqual(xml);
});

test('zip: stored entries, .xml.gz entries and traversal-looking names are read (names are never used as paths)', async () => {
  const stored = unzipReport(zipSync({ 'google.xml': [xml, { level: 0 }] }));
  expect(stored.ok && stored.value.bytes).toEqual(xml);
  const r = await parseDmarcReport(zipSync({ '../../etc/google.xml.gz': gzipSync(xml) }));
  expect(r.ok && r.report.reportId).toBe('3166094538684628578');
});

test('zip: no report, several reports, too many entries', () => {
  expect(unzipReport(zipSync({ 'readme.txt': strToU8('hi') }))).toEqual({
    ok: false,
    error: { code: 'zip_without_report', message: "the zip archive holds no .xml or .xml.gz file (files: 'readme.txt')" },
  });
  expect(errorCode(unzipReport(zipSync({ 'a.xml': xml, 'b.xml': xml })))).toBe('zip_several_reports');
  const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}.txt`, strToU8('x')]));
  expect(errorCode(unzipReport(zipSync(many)))).toBe('zip_too_many_entries');
});

test('zip: damaged archives and entries are refused', () => {
  const zip = zipSync({ 'google.xml': xml });
  expect(errorCode(unzipReport(zip.subarray(0, zip.length - 30)))).toBe('invalid_zip');
  const badCrc = zip.slice();
  flipByte(badCrc, centralEntryOffset(badCrc) + 16);
  expect(errorCode(unzipReport(badCrc))).toBe('invalid_zip');
});

/** Milliseconds `fn` takes. */
function took(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

// The refusal inflates at most the limit (50 MB), so it takes well under a full inflate of the 200 MB: compared with
// one measured here rather than with a fixed time, so a loaded machine slows both alike.
test('zip bomb: 200 MB of zeros is refused before it is all inflated, whether its declared size is honest or a lie', { timeout: 60_000 }, () => {
  const zeros = new Uint8Array(200 * 1024 * 1024);
  const zip = zipSync({ 'bomb.xml': zeros }, { level: 1 });
  const deflated = deflateRawSync(zeros, { level: 1 });
  const fullInflate = took(() => inflateRawSync(deflated));
  const lying = zip.slice();
  new DataView(lying.buffer).setUint32(centralEntryOffset(lying) + 24, 1000, true);
  for (const bomb of [zip, lying]) {
    let code: string | undefined;
    expect(took(() => (code = errorCode(unzipReport(bomb))))).toBeLessThan(fullInflate);
    expect(code).toBe('too_large');
  }
});
