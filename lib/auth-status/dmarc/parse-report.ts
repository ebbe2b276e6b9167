import PostalMime from 'postal-mime';
import type { Attachment, Email } from 'postal-mime';
import { decodeXmlText } from './decode-xml-text';
import { readFeedback } from './read-feedback';
import { fail, type DmarcParseResult, type DmarcReport } from './types';
import { gunzipCapped, maxUncompressedBytes, sniffContent, unzipReport } from './unpack';

export type { DmarcErrorCode, DmarcParseError, DmarcParseResult, DmarcPolicy, DmarcRecord, DmarcReport, DmarcReporter, DmarcSchema } from './types';

/** Containers allowed around the XML: e-mail → zip → gzip at most. */
const maxContainerLayers = 3;

// RFC 7489 §7.2.1.1 says application/gzip; reporters also send zip and plain XML, and some
// label everything application/octet-stream and rely on the file name.
const reportMimeTypes = new Set(['application/gzip', 'application/x-gzip', 'application/zip', 'application/x-zip-compressed', 'text/xml', 'application/xml']);
const genericMimeTypes = new Set(['application/octet-stream', '']);
const reportFileName = /\.(xml|gz|zip)$/i;

const tlsReport = 'this is an SMTP TLS report (RFC 8460), not a DMARC aggregate report';
const failureReport = 'this is a DMARC failure report (RFC 6591), not an aggregate report';

function isReportAttachment(a: Attachment): boolean {
  return reportMimeTypes.has(a.mimeType) || (genericMimeTypes.has(a.mimeType) && reportFileName.test(a.filename ?? ''));
}

function attachmentBytes(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** Why a message without a report attachment is still a report of another kind, if it is one. */
function otherReportKind(email: Email): string | null {
  const contentType = email.headers.find((h) => h.key === 'content-type')?.value.toLowerCase() ?? '';
  if (/report-type\s*=\s*"?tlsrpt/.test(contentType) || email.attachments.some((a) => a.mimeType.startsWith('application/tlsrpt'))) return tlsReport;
  // ARF (RFC 5965) parts mark failure reports; Exim sends them as plain text with only the subject to tell.
  if (
    /report-type\s*=\s*"?feedback-report/.test(contentType) ||
    email.attachments.some((a) => a.mimeType === 'message/feedback-report') ||
    /\b(failure|forensic) report\b/i.test(email.subject ?? '')
  ) {
    return failureReport;
  }
  return null;
}

async function readEmail(bytes: Uint8Array, layersLeft: number): Promise<DmarcParseResult> {
  let email: Email;
  try {
    email = await PostalMime.parse(bytes);
  } catch (e) {
    return fail('invalid_eml', `the e-mail message cannot be parsed: ${e instanceof Error ? e.message : 'unreadable'}`);
  }
  const attachment = email.attachments.find(isReportAttachment);
  if (attachment !== undefined) {
    const name = attachment.filename ?? attachment.mimeType;
    return unwrap(attachmentBytes(attachment.content), layersLeft - 1, `attachment '${name}'`, false);
  }
  const other = otherReportKind(email);
  if (other !== null) return fail('not_aggregate_report', other);
  const listed = email.attachments.map((a) => `${a.filename ?? 'unnamed'} (${a.mimeType})`).join(', ') || 'none';
  return fail('eml_without_report', `the e-mail message has no DMARC report attachment (gzip, zip or XML); attachments: ${listed}`);
}

function readJson(bytes: Uint8Array): DmarcParseResult {
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, 64 * 1024));
  // RFC 8460 §4.4 report fields.
  if (/"organization-name"\s*:/.test(text) && /"report-id"\s*:/.test(text)) return fail('not_aggregate_report', tlsReport);
  return fail('not_aggregate_report', 'this is a JSON document; DMARC aggregate reports are XML');
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}

async function unwrap(bytes: Uint8Array, layersLeft: number, label: string, canReadEmail: boolean): Promise<DmarcParseResult> {
  if (isBlank(bytes)) return fail('empty_file', `${label} is empty`);
  if (bytes.length > maxUncompressedBytes) return fail('too_large', `${label} is larger than ${maxUncompressedBytes / (1024 * 1024)} MB`);
  const kind = sniffContent(bytes);
  if ((kind === 'gzip' || kind === 'zip' || (kind === 'eml' && canReadEmail)) && layersLeft <= 0) {
    return fail('nested_too_deep', `${label} is wrapped in more than ${maxContainerLayers} layers of e-mail and archives`);
  }
  switch (kind) {
    case 'gzip': {
      const inflated = gunzipCapped(bytes);
      return inflated.ok ? unwrap(inflated.value, layersLeft - 1, `the gzip content of ${label}`, false) : inflated;
    }
    case 'zip': {
      const entry = unzipReport(bytes);
      return entry.ok ? unwrap(entry.value.bytes, layersLeft - 1, `zip entry '${entry.value.name}'`, false) : entry;
    }
    case 'json':
      return readJson(bytes);
    case 'xml': {
      const text = decodeXmlText(bytes);
      if (!text.ok) return text;
      const report = readFeedback(text.value);
      return report.ok ? { ok: true, report: report.value } : report;
    }
    case 'eml':
      if (canReadEmail) return readEmail(bytes, layersLeft);
      return fail('nested_too_deep', `${label} is itself an e-mail message; only one e-mail level is read`);
  }
  const first = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return fail('unknown_format', `${label} is not XML, gzip, zip or an e-mail message (it starts with bytes ${first})`);
}

/**
 * One DMARC aggregate report from an upload: XML (any declared encoding), gzip, zip, or an e-mail
 * carrying one of those; the container is recognised by content, never by name (`filename` only
 * names the upload in messages). Never throws: bad input gets `{ ok: false, error }`.
 */
export async function parseDmarcReport(bytes: Uint8Array, filename?: string): Promise<DmarcParseResult> {
  return unwrap(bytes, maxContainerLayers, filename === undefined ? 'the upload' : `'${filename}'`, true);
}

/** The de-duplication key "reporting org | report id", lower-cased; the email's domain stands in for an empty org_name. */
export function reportKey(report: DmarcReport): string {
  const org = report.orgName.trim() || report.email.slice(report.email.lastIndexOf('@') + 1);
  return `${org.trim().toLowerCase()}|${report.reportId.trim()}`;
}
