import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isIP } from 'node:net';
import { z } from 'zod';
import { fail, type DmarcRecord, type DmarcReport, type DmarcReporter, type DmarcSchema, type Step } from './types';

// Elements that may repeat (RFC 7489 Appendix C maxOccurs > 1) come out as arrays even when a
// report has only one of them.
const repeatedPaths = new Set([
  'feedback.record',
  'feedback.report_metadata.error',
  'feedback.record.row.policy_evaluated.reason',
  'feedback.record.auth_results.dkim',
  'feedback.record.auth_results.spf',
]);

// XXE and billion laughs: documents with a DOCTYPE are refused before parsing, and the parser
// expands no entity at all (processEntities: false); decodeXmlEntities below replaces only the
// five predefined entities and character references, in one pass, so output never outgrows input.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  isArray: (_name, jpath) => typeof jpath === 'string' && repeatedPaths.has(jpath),
});

const predefinedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlEntities(text: string): string {
  return text.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g, (whole, name?: string, dec?: string, hex?: string) => {
    if (name !== undefined) return predefinedEntities[name] ?? whole;
    const codePoint = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Element text: a plain string, or the text part of mixed content (`<sp>none</sp>11` puts "11" beside it).
const text = z.preprocess((v) => (isObject(v) && typeof v['#text'] === 'string' ? v['#text'] : v), z.string()).transform(decodeXmlEntities);
const optionalText = text.optional();
// An element with only whitespace inside (`<auth_results>\n</auth_results>`) parses as "".
const section = <S extends z.ZodRawShape>(shape: S) => z.preprocess((v) => (v === '' ? {} : v), z.object(shape));

const feedbackSchema = z.object({
  version: optionalText,
  report_metadata: section({
    org_name: text,
    email: text,
    report_id: text,
    date_range: section({ begin: text, end: text }),
    error: z.array(text).optional(),
  }),
  policy_published: section({
    domain: text,
    adkim: optionalText,
    aspf: optionalText,
    p: text,
    sp: optionalText,
    pct: optionalText,
    np: optionalText,
    testing: optionalText,
    discovery_method: optionalText,
  }),
  record: z
    .array(
      section({
        row: section({
          source_ip: text,
          count: text,
          policy_evaluated: section({
            disposition: text,
            dkim: text,
            spf: text,
            reason: z.array(section({ type: optionalText, comment: optionalText })).optional(),
          }),
        }),
        identifiers: section({ header_from: text, envelope_from: optionalText, envelope_to: optionalText }),
        auth_results: section({
          dkim: z.array(section({ domain: text, selector: optionalText, result: text })).optional(),
          spf: z.array(section({ domain: text, scope: optionalText, result: text })).optional(),
        }).optional(),
      }),
    )
    .optional(),
});
type Feedback = z.infer<typeof feedbackSchema>;

/** The closed value sets of RFC 7489 Appendix C and RFC 9990 (`pass` disposition, `policy_test_mode`). */
const allowed = {
  policy: ['none', 'quarantine', 'reject'],
  alignment: ['r', 's'],
  disposition: ['none', 'quarantine', 'reject', 'pass'],
  aligned: ['pass', 'fail'],
  reason: ['forwarded', 'sampled_out', 'trusted_forwarder', 'mailing_list', 'local_policy', 'other', 'policy_test_mode'],
  dkim: ['none', 'pass', 'fail', 'policy', 'neutral', 'temperror', 'permerror'],
  spf: ['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'],
  scope: ['helo', 'mfrom'],
} as const;

// Reporter recognised by the domain of report_metadata/email, else by org_name; AOL belongs to
// Yahoo (DESIGN.md provider groups).
const reporterDomains: [Exclude<DmarcReporter, 'other'>, string[]][] = [
  ['microsoft', ['microsoft.com', 'outlook.com', 'hotmail.com']],
  ['google', ['google.com', 'gmail.com']],
  ['yahoo', ['yahoo.com', 'yahooinc.com', 'yahoo-inc.com', 'aol.com']],
];

function reporterOf(orgName: string, email: string): DmarcReporter {
  const emailDomain = email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();
  const org = orgName.trim().toLowerCase();
  for (const [reporter, domains] of reporterDomains) {
    for (const d of domains) {
      if (emailDomain === d || emailDomain.endsWith(`.${d}`) || org === d || org.split(/[\s.!,]/)[0] === d.split('.')[0]) return reporter;
    }
  }
  return 'other';
}

const rfc9990Namespace = /<(?:[A-Za-z_][\w.-]*:)?feedback\b[^>]*=\s*["']urn:ietf:params:xml:ns:dmarc-2\.0["']/;

function schemaOf(xml: string, feedback: Feedback): DmarcSchema {
  const policy = feedback.policy_published;
  if (rfc9990Namespace.test(xml) || feedback.version?.trim().startsWith('2') || policy.testing !== undefined || policy.discovery_method !== undefined) {
    return 'rfc9990';
  }
  return feedback.version === undefined ? 'draft' : 'rfc7489';
}

/** Zod path → `feedback/record[2]/row/source_ip` (XPath, 1-based). */
function elementPath(path: readonly PropertyKey[]): string {
  let out = 'feedback';
  for (const key of path) out += typeof key === 'number' ? `[${key + 1}]` : `/${String(key)}`;
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === '') return undefined;
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObject(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

function lineOf(xml: string, index: number): number {
  return xml.slice(0, index).split('\n').length;
}

/** Reads values case-insensitively into lower case, and says once per report where case or value was off. */
class ValueReader {
  readonly warnings: string[] = [];
  private hasCaseWarning = false;

  enumerated(raw: string, values: readonly string[], path: string): string {
    const value = raw.trim().toLowerCase();
    if (value !== raw.trim() && !this.hasCaseWarning) {
      this.hasCaseWarning = true;
      this.warnings.push(`values were read case-insensitively (the schema says lower case; first: "${raw.trim()}" at ${path})`);
    }
    if (!values.includes(value)) this.warnings.push(`unexpected value "${raw.trim()}" at ${path}`);
    return value;
  }
}

const domain = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim().toLowerCase());
function unixTime(raw: string, edge: 'begin' | 'end'): Step<Date> {
  const seconds = raw.trim();
  if (/^\d{1,12}$/.test(seconds)) return { ok: true, value: new Date(Number(seconds) * 1000) };
  const path = `feedback/report_metadata/date_range/${edge}`;
  return fail('invalid_value', `${path} is not a Unix time in seconds: "${seconds}"`, path);
}

function toRecords(feedback: Feedback, values: ValueReader): Step<DmarcRecord[]> {
  const records: DmarcRecord[] = [];
  for (const [i, record] of (feedback.record ?? []).entries()) {
    const at = `feedback/record[${i + 1}]`;
    const sourceIp = record.row.source_ip.trim();
    if (isIP(sourceIp) === 0) return fail('invalid_value', `${at}/row/source_ip is not an IP address: "${sourceIp}" (record ${i + 1})`, `${at}/row/source_ip`);
    const countText = record.row.count.trim();
    const count = Number(countText);
    if (!/^\d+$/.test(countText) || !Number.isSafeInteger(count)) {
      return fail('invalid_value', `${at}/row/count is not a whole number: "${countText}" (record ${i + 1})`, `${at}/row/count`);
    }
    const evaluated = record.row.policy_evaluated;
    const reasons: DmarcRecord['reasons'] = [];
    for (const [k, reason] of (evaluated.reason ?? []).entries()) {
      const reasonPath = `${at}/row/policy_evaluated/reason[${k + 1}]`;
      if (reason.type === undefined || reason.type.trim() === '') {
        values.warnings.push(`${reasonPath} has no type and was skipped`);
        continue;
      }
      reasons.push({ type: values.enumerated(reason.type, allowed.reason, `${reasonPath}/type`), comment: reason.comment?.trim() || null });
    }
    const dkimAligned = values.enumerated(evaluated.dkim, allowed.aligned, `${at}/row/policy_evaluated/dkim`) === 'pass';
    const spfAligned = values.enumerated(evaluated.spf, allowed.aligned, `${at}/row/policy_evaluated/spf`) === 'pass';
    records.push({
      sourceIp,
      count,
      disposition: values.enumerated(evaluated.disposition, allowed.disposition, `${at}/row/policy_evaluated/disposition`),
      dkimAligned,
      spfAligned,
      dmarcPass: dkimAligned || spfAligned,
      headerFrom: record.identifiers.header_from.trim().toLowerCase(),
      envelopeFrom: domain(record.identifiers.envelope_from),
      envelopeTo: domain(record.identifiers.envelope_to),
      reasons,
      dkim: (record.auth_results?.dkim ?? []).map((d, k) => ({
        domain: d.domain.trim().toLowerCase(),
        selector: d.selector?.trim() || null,
        result: values.enumerated(d.result, allowed.dkim, `${at}/auth_results/dkim[${k + 1}]/result`),
      })),
      spf: (record.auth_results?.spf ?? []).map((s, k) => ({
        domain: s.domain.trim().toLowerCase(),
        scope: s.scope === undefined || s.scope.trim() === '' ? null : values.enumerated(s.scope, allowed.scope, `${at}/auth_results/spf[${k + 1}]/scope`),
        result: values.enumerated(s.result, allowed.spf, `${at}/auth_results/spf[${k + 1}]/result`),
      })),
    });
  }
  return { ok: true, value: records };
}

function toReport(xml: string, feedback: Feedback, warnings: string[]): Step<DmarcReport> {
  const values = new ValueReader();
  values.warnings.push(...warnings);
  const meta = feedback.report_metadata;
  const begin = unixTime(meta.date_range.begin, 'begin');
  if (!begin.ok) return begin;
  const end = unixTime(meta.date_range.end, 'end');
  if (!end.ok) return end;
  if (end.value < begin.value) values.warnings.push('feedback/report_metadata/date_range ends before it begins');

  const published = feedback.policy_published;
  const pp = 'feedback/policy_published';
  const p = values.enumerated(published.p, allowed.policy, `${pp}/p`);
  const pctText = published.pct?.trim();
  let pct: number | null = null;
  if (pctText !== undefined && pctText !== '') {
    if (/^\d{1,3}$/.test(pctText) && Number(pctText) <= 100) pct = Number(pctText);
    else values.warnings.push(`unexpected value "${pctText}" at ${pp}/pct`);
  }
  const policy: DmarcReport['policy'] = {
    domain: published.domain.trim().toLowerCase(),
    p,
    sp: published.sp?.trim() ? values.enumerated(published.sp, allowed.policy, `${pp}/sp`) : p,
    pct,
    adkim: published.adkim?.trim() ? values.enumerated(published.adkim, allowed.alignment, `${pp}/adkim`) : 'r',
    aspf: published.aspf?.trim() ? values.enumerated(published.aspf, allowed.alignment, `${pp}/aspf`) : 'r',
  };
  if (published.np?.trim()) policy.np = values.enumerated(published.np, allowed.policy, `${pp}/np`);
  const testing = published.testing?.trim().toLowerCase();
  if (testing === 'y' || testing === 'n') policy.testing = testing === 'y';
  else if (testing) values.warnings.push(`unexpected value "${testing}" at ${pp}/testing`);

  const records = toRecords(feedback, values);
  if (!records.ok) return records;
  const totals = { messages: 0, dmarcPass: 0, dkimAlignedPass: 0, spfAlignedPass: 0 };
  for (const r of records.value) {
    totals.messages += r.count;
    if (r.dmarcPass) totals.dmarcPass += r.count;
    if (r.dkimAligned) totals.dkimAlignedPass += r.count;
    if (r.spfAligned) totals.spfAlignedPass += r.count;
  }
  const orgName = meta.org_name.trim();
  const email = meta.email.trim();
  if (orgName === '') values.warnings.push('feedback/report_metadata/org_name is empty');
  return {
    ok: true,
    value: {
      schema: schemaOf(xml, feedback),
      orgName,
      email,
      reportId: meta.report_id.trim(),
      dateRange: { begin: begin.value, end: end.value },
      policy,
      records: records.value,
      totals,
      reporter: reporterOf(orgName, email),
      errors: (meta.error ?? []).map((e) => e.trim()).filter((e) => e !== ''),
      warnings: values.warnings,
    },
  };
}

const feedbackStart = /<(?:[A-Za-z_][\w.-]*:)?feedback[\s>/]/;
const feedbackEnd = /<\/(?:[A-Za-z_][\w.-]*:)?feedback\s*>/g;

/**
 * The <feedback> element alone, for documents that are broken only around it (a real ikea.com
 * report opens an <xs:schema> wrapper it never closes); null when there is no such element.
 */
function feedbackElement(xml: string): string | null {
  const start = feedbackStart.exec(xml)?.index;
  const ends = [...xml.matchAll(feedbackEnd)];
  const last = ends[ends.length - 1];
  if (start === undefined || last === undefined || last.index < start) return null;
  return xml.slice(start, last.index + last[0].length);
}

function parseXml(xml: string): Step<{ tree: Record<string, unknown>; warnings: string[] }> {
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    const line = lineOf(xml, doctype.index);
    return fail('doctype_not_allowed', `DOCTYPE declarations are refused (DMARC reports never need one; refusing them rules out entity-expansion and external-entity attacks) at line ${line}`, `line ${line}`);
  }
  let source = xml;
  const warnings: string[] = [];
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line } = validation.err;
    const element = feedbackElement(xml);
    if (element === null || element.length === xml.trim().length || XMLValidator.validate(element) !== true) {
      return fail('invalid_xml', `XML is not well-formed: ${msg} at line ${line}`, `line ${line}`);
    }
    source = element;
    warnings.push(`the document is not well-formed outside <feedback> (${msg} at line ${line}); only the <feedback> element was read`);
  }
  try {
    const tree: unknown = parser.parse(source);
    if (!isObject(tree)) return fail('invalid_xml', 'XML is not well-formed: no root element');
    return { ok: true, value: { tree, warnings } };
  } catch (e) {
    return fail('invalid_xml', `XML is not well-formed: ${e instanceof Error ? e.message : 'unreadable'}`);
  }
}

/** An XML document (as text) → the aggregate report it holds, or the reason it cannot be read. */
export function readFeedback(xml: string): Step<DmarcReport> {
  const parsed = parseXml(xml);
  if (!parsed.ok) return parsed;
  const { tree, warnings } = parsed.value;
  const root = tree.feedback;
  if (root === undefined) {
    const name = Object.keys(tree)[0] ?? 'nothing';
    return fail('not_aggregate_report', `this XML document's root element is <${name}>, not <feedback>: it is not a DMARC aggregate report`);
  }
  const checked = feedbackSchema.safeParse(root === '' ? {} : root);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const path = issue?.path ?? [];
    const where = elementPath(path);
    const isMissing = valueAt(root, path) === undefined;
    return fail(isMissing ? 'missing_element' : 'invalid_value', isMissing ? `${where} is missing` : `${where} has an unexpected structure (${issue?.message ?? 'invalid'})`, where);
  }
  return toReport(xml, checked.data, warnings);
}
