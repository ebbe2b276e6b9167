/**
 * The shape of a parsed DMARC aggregate (rua) report and of a refusal, declared once for the
 * parser, the upload route and the auth-status pages.
 */

/**
 * Which XML schema the report follows: `rfc9990` (DMARCbis namespace, version 2.x or its new
 * policy elements), `rfc7489` (has the `<version>` element RFC 7489 Appendix C requires), `draft`
 * (no `<version>`: the pre-RFC dmarc.org 0.1 shape, still sent by Google, Yahoo and AOL).
 */
export type DmarcSchema = 'rfc7489' | 'rfc9990' | 'draft';

/** The mailbox provider behind a report, recognised from its org_name and email. */
export type DmarcReporter = 'microsoft' | 'google' | 'yahoo' | 'other';

export interface DmarcPolicy {
  domain: string;
  /** none | quarantine | reject (lower case, as the reporter saw it published). */
  p: string;
  /** Subdomain policy; RFC 7489 §6.3: when absent, `p` applies, so it is filled from `p`. */
  sp: string;
  /** null when not stated (RFC 9990 dropped `pct` in favour of `testing`). */
  pct: number | null;
  /** r | s; the RFC default `r` when absent. */
  adkim: string;
  aspf: string;
  /** Non-existent subdomain policy (RFC 9990), when stated. */
  np?: string;
  /** RFC 9990 `t=y`: the policy is in test mode. */
  testing?: boolean;
}

export interface DmarcRecord {
  sourceIp: string;
  /** Messages this row stands for. */
  count: number;
  /** none | quarantine | reject (| pass in RFC 9990). */
  disposition: string;
  /** policy_evaluated/dkim = pass: DKIM passed and aligned with the header From domain. */
  dkimAligned: boolean;
  /** policy_evaluated/spf = pass: SPF passed and aligned. */
  spfAligned: boolean;
  /** DMARC passes when either aligned result passes (RFC 7489 §3.1 / §6.6.2). */
  dmarcPass: boolean;
  headerFrom: string;
  envelopeFrom: string | null;
  envelopeTo: string | null;
  reasons: { type: string; comment: string | null }[];
  dkim: { domain: string; selector: string | null; result: string }[];
  spf: { domain: string; scope: string | null; result: string }[];
}

export interface DmarcReport {
  schema: DmarcSchema;
  orgName: string;
  email: string;
  reportId: string;
  dateRange: { begin: Date; end: Date };
  policy: DmarcPolicy;
  records: DmarcRecord[];
  /** Message counts summed over the records. */
  totals: { messages: number; dmarcPass: number; dkimAlignedPass: number; spfAlignedPass: number };
  reporter: DmarcReporter;
  /** The reporter's own report_metadata/error entries. */
  errors: string[];
  /** What the parser accepted leniently (upper-cased values, empty reasons, junk outside <feedback>…). */
  warnings: string[];
}

export type DmarcErrorCode =
  | 'empty_file'
  | 'too_large'
  | 'unknown_format'
  | 'not_aggregate_report'
  | 'invalid_gzip'
  | 'truncated_gzip'
  | 'invalid_zip'
  | 'unsupported_zip'
  | 'zip_too_many_entries'
  | 'zip_without_report'
  | 'zip_several_reports'
  | 'nested_too_deep'
  | 'invalid_eml'
  | 'eml_without_report'
  | 'invalid_utf8'
  | 'unsupported_encoding'
  | 'doctype_not_allowed'
  | 'invalid_xml'
  | 'missing_element'
  | 'invalid_value';

export interface DmarcParseError {
  code: DmarcErrorCode;
  message: string;
  /** Where: `line N`, `byte N`, an element path such as `feedback/record[2]/row/source_ip`, or an archive entry. */
  place?: string;
}

export type DmarcParseResult = { ok: true; report: DmarcReport } | { ok: false; error: DmarcParseError };

/** What an internal step returns: a value or the refusal that ends parsing. */
export type Step<T> = { ok: true; value: T } | { ok: false; error: DmarcParseError };

export function fail(code: DmarcErrorCode, message: string, place?: string): { ok: false; error: DmarcParseError } {
  return { ok: false, error: place === undefined ? { code, message } : { code, message, place } };
}
