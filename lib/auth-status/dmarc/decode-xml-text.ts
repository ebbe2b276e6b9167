import { fail, type Step } from './types';

const utf8 = new TextDecoder('utf-8');

/**
 * Offset of the first byte that breaks UTF-8 well-formedness (Unicode 15, table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or -1 when the bytes are valid UTF-8.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let trailing: number;
    let secondMin = 0x80;
    let secondMax = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) trailing = 1;
    else if (lead === 0xe0) [trailing, secondMin] = [2, 0xa0];
    else if (lead === 0xed) [trailing, secondMax] = [2, 0x9f];
    else if (lead >= 0xe1 && lead <= 0xef) trailing = 2;
    else if (lead === 0xf0) [trailing, secondMin] = [3, 0x90];
    else if (lead === 0xf4) [trailing, secondMax] = [3, 0x8f];
    else if (lead >= 0xf1 && lead <= 0xf3) trailing = 3;
    else return i;
    for (let k = 1; k <= trailing; k += 1) {
      const b = bytes[i + k];
      const min = k === 1 ? secondMin : 0x80;
      const max = k === 1 ? secondMax : 0xbf;
      if (b === undefined || b < min || b > max) return i;
    }
    i += trailing + 1;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (bytes[i] === 0x0a) line += 1;
  return line;
}

function decodeUtf8(bytes: Uint8Array): Step<string> {
  const bad = firstInvalidUtf8Offset(bytes);
  if (bad >= 0) {
    const hex = (bytes[bad] ?? 0).toString(16).padStart(2, '0');
    return fail(
      'invalid_utf8',
      `the report is not valid UTF-8: byte 0x${hex} at byte offset ${bad} (line ${lineAt(bytes, bad)}) does not start a valid UTF-8 sequence`,
      `byte ${bad}`,
    );
  }
  return { ok: true, value: utf8.decode(bytes) };
}

const declaredEncoding = /^\s*<\?xml\s[^?]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']/;

/**
 * Bytes of an XML document → text. A byte-order mark decides first; else the encoding named in
 * the XML declaration (ISO-8859-1, windows-1252… through TextDecoder); else UTF-8, checked strictly
 * so that a bad byte is reported with its offset instead of silently becoming U+FFFD.
 */
export function decodeXmlText(bytes: Uint8Array): Step<string> {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, value: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: true, value: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };

  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  const label = declaredEncoding.exec(head)?.[1]?.toLowerCase();
  // A declaration we could read as single bytes cannot be UTF-16 without a BOM; some reporters
  // write encoding="UTF-16" on UTF-8 files, so those are read as UTF-8 too.
  if (label === undefined || label === 'utf-8' || label === 'utf8' || label.startsWith('utf-16')) return decodeUtf8(bytes);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return fail('unsupported_encoding', `the XML declaration names the encoding "${label}", which this parser cannot decode`, 'line 1');
  }
  return { ok: true, value: decoder.decode(bytes) };
}
