import { constants, gunzipSync } from 'node:zlib';

/** Bytes looked at to tell a DMARC report from a log. */
export const SNIFF_BYTES = 16 * 1024;

function head(prefix: Buffer): string {
  if (prefix[0] === 0x1f && prefix[1] === 0x8b) {
    try {
      // A partial inflate of the first bytes is enough to see what the file holds.
      return gunzipSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, SNIFF_BYTES).toString('utf8');
    } catch {
      return '';
    }
  }
  return prefix.toString('utf8');
}

/**
 * Whether an uploaded file is a DMARC aggregate report (or a zip / e-mail carrying one) rather than
 * delivery events, judged from its first bytes: a zip archive, aggregate-report XML, or an e-mail
 * whose headers name a DMARC report.
 */
export function looksLikeDmarcReport(prefix: Buffer): boolean {
  if (prefix[0] === 0x50 && prefix[1] === 0x4b && prefix[2] === 0x03 && prefix[3] === 0x04) return true;
  const text = head(prefix);
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<([a-z]+:)?feedback[\s>]/i.test(text.replace(/^\uFEFF/, ''))) return true;
  const headers = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return /^(from|received|subject|content-type|mime-version):/im.test(headers) && /(report domain|dmarc|aggregate report|rua)/i.test(headers);
}
