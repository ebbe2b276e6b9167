import { readdirSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { expect, test } from 'vitest';
import { corpusPath, readCorpus, readCorpusBytes } from '@/lib/test-support/corpus';
import { parseDmarcReport, reportKey, type DmarcParseResult, type DmarcReport } from './parse-report';

const utf8 = (text: string) => new TextEncoder().encode(text);

async function parseOk(bytes: Uint8Array): Promise<DmarcReport> {
  const r = await parseDmarcReport(bytes);
  if (!r.ok) throw new Error(`expected a report, got ${r.error.code}: ${r.error.message}`);
  return r.report;
}

async function parseError(bytes: Uint8Array): Promise<Extract<DmarcParseResult, { ok: false }>['error']> {
  const r = await parseDmarcReport(bytes);
  if (r.ok) throw new Error(`expected a refusal, got report ${r.report.reportId}`);
  return r.error;
}

type Expected = [schema: DmarcReport['schema'], reporter: DmarcReport['reporter'], orgName: string, reportId: string, domain: string, records: number, messages: number, dmarcPass: number];

// Counted by hand from each file (for .gz/.zip/.eml from the XML inside).
const validReports: Record<string, Expected> = {
  'aggregate/!example.com!1538204542!1538463818.xml': ['draft', 'other', '', 'example.com:1538463741', 'example.com', 1, 1, 0],
  'aggregate/addisonfoods.com!example.com!1536105600!1536191999.xml': ['rfc7489', 'other', 'addisonfoods.com', '3ceb5548498640beaeb47327e202b0b9', 'example.com', 1, 1, 0],
  'aggregate/empty_reason.xml': ['rfc7489', 'other', 'example.org', '20240125141224705995', 'example.com', 1, 2, 2],
  'aggregate/estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip': ['draft', 'other', 'XYZ Corporation', '2940', 'example.com', 1, 1, 0],
  'aggregate/example.net!example.com!1529366400!1529452799.xml': ['rfc7489', 'other', 'example.net', 'b043f0e264cf4ea995e93765242f6dfb', 'example.com', 1, 1, 0],
  'aggregate/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz': ['rfc7489', 'other', 'FastMail Pty Ltd', '102675056', 'indemed.com', 1, 1, 0],
  'aggregate/google.com-report-borschow.com-949348866075514174.eml': ['draft', 'google', 'google.com', '949348866075514174', 'borschow.com', 1, 1, 0],
  'aggregate/ikea.com!example.de!1538690400!1538776800.xml': ['draft', 'other', 'ikea.com', 'aggr_report_2018_10_05_5bc7e9b4f3e8a', 'example.de', 1, 1, 0],
  'aggregate/mimecast-weird-gzip.eml': ['draft', 'other', 'Mimecast', '157a5fe30ec76f4bc0d8bccfc96c118a167a1280fee7c7465af5115e73082e5e', 'ab.id.au', 1, 1, 1],
  'aggregate/old_draft_from_wiki.xml': ['draft', 'other', 'acme.com', '9391651994964116463', 'example.com', 1, 2, 2],
  'aggregate/protection.outlook.com!example.com!1711756800!1711843200.xml': ['rfc7489', 'microsoft', 'Outlook.com', 'cfeafefe4129445e8c81018bd9177197', 'example.com', 1, 1, 0],
  'aggregate/rfc9990-example.net!example.com!1700000000!1700086399.xml': ['rfc9990', 'other', 'example.net', 'dmarcbis-test-report-001', 'example.com', 2, 7, 5],
  'aggregate/rfc9990-sample.xml': ['rfc9990', 'other', 'Sample Reporter', '3v98abbp8ya9n3va8yr8oa3ya', 'example.com', 1, 123, 123],
  'aggregate/twilight.eml': ['draft', 'google', 'google.com', '1627703331531660819', 'twlnet.com', 1, 1, 1],
  'aggregate/usssa.com!example.com!1538784000!1538870399.xml': ['rfc7489', 'other', 'usssa.com', '8953b4d4a4ee4218b6ac0e2cb2667ee1', 'example.com', 2, 2, 0],
  'aggregate/veeam.com!example.com!1530133200!1530219600.xml': ['draft', 'other', 'veeam.com', 'sonexushealth.com:1530233361', 'example.com', 1, 1, 0],
  'aggregate-cry-inc/acme.xml': ['draft', 'other', 'acme.com', '9391651994964116463', 'example.com', 1, 2, 2],
  'aggregate-cry-inc/aol.xml': ['draft', 'yahoo', 'AOL', 'website.com_1504828800', 'website.com', 1, 1, 1],
  'aggregate-cry-inc/gmxnet.xml': ['rfc9990', 'other', 'GMX', '6d2be94cbabf4e838a3cf58fb4a42ab5', 'myserver.com', 1, 1, 1],
  'aggregate-cry-inc/google.xml': ['draft', 'google', 'google.com', '3166094538684628578', 'foo-bar.io', 1, 1, 1],
  'aggregate-cry-inc/hardfail.xml': ['draft', 'other', 'reporting org', 'abcdef', 'mydomain.org', 1, 1, 0],
  'aggregate-cry-inc/mailru.xml': ['draft', 'other', 'Mail.Ru', '28327321193681154911721360800', 'foobar.de', 1, 1, 0],
  'aggregate-cry-inc/outlook.xml': ['rfc7489', 'microsoft', 'Outlook.com', 'a4f4ef0654474d3faa5dca167a34a86a', 'random.net', 2, 3, 3],
  'aggregate-cry-inc/solamora.xml': ['draft', 'other', 'solarmora.com', '9391651994964116463', 'bix-business.com', 1, 2, 2],
  'aggregate-cry-inc/webde.xml': ['rfc9990', 'other', 'WEB.DE', 'a3345c7cb5fd4f26aa62144bf449a54b', 'foobar.com', 1, 1, 1],
  'aggregate-cry-inc/yahoo.xml': ['draft', 'yahoo', 'Yahoo', '1709600619.487850', 'random.org', 1, 1, 1],
  'aggregate_invalid/report_with_upper_cased_pass.xml': ['draft', 'other', 'example.com', 'aggr_report_example.com_20191202_1638', 'example.com', 1, 1, 1],
};

const brokenReports: Record<string, { code: string; place: string }> = {
  'aggregate/invalid_utf_8.xml': { code: 'invalid_utf8', place: 'byte 706' },
  'aggregate/invalid_xml.xml': { code: 'invalid_xml', place: 'line 5' },
};

test('the tables cover every file of the aggregate corpus folders', () => {
  const files = ['aggregate', 'aggregate-cry-inc', 'aggregate_invalid'].flatMap((dir) => readdirSync(corpusPath(`dmarc/${dir}`)).map((f) => `${dir}/${f}`));
  expect([...Object.keys(validReports), ...Object.keys(brokenReports)].sort()).toEqual(files.sort());
});

test.each(Object.entries(validReports))('corpus %s parses with its hand-counted totals', async (file, expected) => {
  const [schema, reporter, orgName, reportId, domain, records, messages, dmarcPass] = expected;
  const report = await parseOk(readCorpusBytes(`dmarc/${file}`));
  expect([report.schema, report.reporter, report.orgName, report.reportId, report.policy.domain]).toEqual([schema, reporter, orgName, reportId, domain]);
  expect(report.records).toHaveLength(records);
  expect(report.totals.messages).toBe(messages);
  expect(report.totals.dmarcPass).toBe(dmarcPass);
});

test.each(Object.entries(brokenReports))('corpus %s is refused with its code and place', async (file, expected) => {
  expect(await parseError(readCorpusBytes(`dmarc/${file}`))).toMatchObject(expected);
});

test('invalid XML names the parser message and line', async () => {
  const error = await parseError(readCorpusBytes('dmarc/aggregate/invalid_xml.xml'));
  expect(error.message).toBe("XML is not well-formed: Tag 'bad-xml@bad-xml.net' is an invalid name. at line 5");
});

test('invalid UTF-8 names the byte, its offset and line', async () => {
  const error = await parseError(readCorpusBytes('dmarc/aggregate/invalid_utf_8.xml'));
  expect(error.message).toContain('byte 0x91 at byte offset 706 (line 31)');
});

test('RFC 9990 report: policy with np and testing, reasons, auth results', async () => {
  const report = await parseOk(readCorpusBytes('dmarc/aggregate/rfc9990-example.net!example.com!1700000000!1700086399.xml'));
  expect(report.policy).toEqual({ domain: 'example.com', p: 'reject', sp: 'quarantine', pct: null, adkim: 's', aspf: 's', np: 'reject', testing: true });
  expect(report.dateRange).toEqual({ begin: new Date('2023-11-14T22:13:20Z'), end: new Date('2023-11-15T22:13:19Z') });
  expect(report.records[1]).toEqual({
    sourceIp: '203.0.113.10',
    count: 2,
    disposition: 'reject',
    dkimAligned: false,
    spfAligned: false,
    dmarcPass: false,
    headerFrom: 'example.com',
    envelopeFrom: 'spoofed.example.com',
    envelopeTo: null,
    reasons: [{ type: 'other', comment: 'sender not authorized' }],
    dkim: [],
    spf: [{ domain: 'spoofed.example.com', scope: 'mfrom', result: 'fail' }],
  });
  expect(report.totals).toEqual({ messages: 7, dmarcPass: 5, dkimAlignedPass: 5, spfAlignedPass: 5 });
});

test('RFC 7489 defaults: sp falls back to p, missing pct stays null, reporter errors are kept', async () => {
  const yahoo = await parseOk(readCorpusBytes('dmarc/aggregate-cry-inc/yahoo.xml'));
  expect(yahoo.policy).toEqual({ domain: 'random.org', p: 'reject', sp: 'reject', pct: 100, adkim: 'r', aspf: 'r' });
  const sample = await parseOk(readCorpusBytes('dmarc/aggregate/rfc9990-sample.xml'));
  expect(sample.policy).toMatchObject({ pct: null, adkim: 'r', aspf: 'r', np: 'none', testing: false });
  const acme = await parseOk(readCorpusBytes('dmarc/aggregate-cry-inc/acme.xml'));
  expect(acme.errors).toEqual(['There was a sample error.']);
  expect(acme.records[0]?.dkim).toEqual([{ domain: 'example.com', selector: 'ExamplesSelector', result: 'fail' }]);
});

test('upper-cased "Pass" is read case-insensitively, with a warning', async () => {
  const report = await parseOk(readCorpusBytes('dmarc/aggregate_invalid/report_with_upper_cased_pass.xml'));
  expect(report.records[0]).toMatchObject({ disposition: 'none', dkimAligned: true, spfAligned: true, dkim: [{ result: 'pass' }], spf: [{ result: 'pass' }] });
  expect(report.warnings).toEqual(['values were read case-insensitively (the schema says lower case; first: "Pass" at feedback/record[1]/row/policy_evaluated/dkim)']);
});

test('lenient cases say what they forgave: empty reason, junk around <feedback>, unknown SPF result', async () => {
  const empty = await parseOk(readCorpusBytes('dmarc/aggregate/empty_reason.xml'));
  expect(empty.records[0]?.reasons).toEqual([]);
  expect(empty.warnings).toEqual(['feedback/record[1]/row/policy_evaluated/reason[1] has no type and was skipped']);
  const ikea = await parseOk(readCorpusBytes('dmarc/aggregate/ikea.com!example.de!1538690400!1538776800.xml'));
  expect(ikea.warnings[0]).toMatch(/^the document is not well-formed outside <feedback> \(Unclosed tag 'xs:schema'\. at line 1\)/);
  const hardfail = await parseOk(readCorpusBytes('dmarc/aggregate-cry-inc/hardfail.xml'));
  expect(hardfail.records[0]?.spf).toEqual([{ domain: 'mydomain.org', scope: null, result: 'hardfail' }]);
  expect(hardfail.warnings).toEqual(['unexpected value "hardfail" at feedback/record[1]/auth_results/spf[1]/result']);
});

test.each([
  'dmarc/failure/dmarc-failure-report-domain.de-sharepoint.eml',
  'dmarc/failure/dmarc_ruf_report_linkedin.crlf.eml',
  'dmarc/failure/dmarc_ruf_report_linkedin.eml',
  'dmarc/failure/exim_plain_text_only_no_arf_part.eml',
  'dmarc/failure/netease-dmarc-failure-report-rent-reminder.eml',
])('failure report %s is refused as not an aggregate report', async (file) => {
  expect(await parseError(readCorpusBytes(file))).toEqual({ code: 'not_aggregate_report', message: 'this is a DMARC failure report (RFC 6591), not an aggregate report' });
});

test('every SMTP TLS report in the corpus is refused as such', async () => {
  const files = ['smtp_tls', 'smtp_tls-cry-inc'].flatMap((dir) => readdirSync(corpusPath(`dmarc/${dir}`)).map((f) => `dmarc/${dir}/${f}`));
  expect(files).toHaveLength(10);
  for (const file of files) {
    expect(await parseError(readCorpusBytes(file)), file).toEqual({ code: 'not_aggregate_report', message: 'this is an SMTP TLS report (RFC 8460), not a DMARC aggregate report' });
  }
});

test('a gzipped TLS report is recognised after decompression', async () => {
  const error = await parseError(gzipSync(readCorpusBytes('dmarc/smtp_tls/rfc8460.json')));
  expect(error.message).toBe('this is an SMTP TLS report (RFC 8460), not a DMARC aggregate report');
});

test('containers are recognised by content, not by name', async () => {
  const xml = readCorpusBytes('dmarc/aggregate-cry-inc/outlook.xml');
  const gz = await parseDmarcReport(gzipSync(xml), 'report.zip');
  const zip = await parseDmarcReport(zipSync({ 'outlook.xml.gz': gzipSync(xml) }), 'report.xml');
  expect(gz.ok && gz.report.totals.messages).toBe(3);
  expect(zip.ok && zip.report.totals.messages).toBe(3);
});

test('namespace-prefixed element names parse like plain ones', async () => {
  const plain = readCorpus('dmarc/aggregate-cry-inc/gmxnet.xml');
  const prefixed = plain
    .replace(/<(\/?)([a-z_]+)/g, '<$1dmarc:$2')
    .replace('xmlns="urn:ietf:params:xml:ns:dmarc-2.0"', 'xmlns:dmarc="urn:ietf:params:xml:ns:dmarc-2.0"');
  expect(prefixed).toContain('<dmarc:report_metadata>');
  expect(await parseOk(utf8(prefixed))).toEqual(await parseOk(utf8(plain)));
});

test('the declared encoding is honoured (ISO-8859-1), BOMs are understood', async () => {
  const veeam = readCorpus('dmarc/aggregate/veeam.com!example.com!1530133200!1530219600.xml').replace('veeam.com</org_name>', 'Müller GmbH</org_name>');
  const latin1 = Buffer.from(veeam.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1');
  expect((await parseOk(latin1)).orgName).toBe('Müller GmbH');
  expect((await parseError(Buffer.from(veeam, 'latin1'))).code).toBe('invalid_utf8');
  expect((await parseOk(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(veeam)]))).orgName).toBe('Müller GmbH');
  expect((await parseOk(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(veeam, 'utf16le')]))).orgName).toBe('Müller GmbH');
  expect((await parseError(utf8(veeam.replace('encoding="UTF-8"', 'encoding="x-klingon"')))).code).toBe('unsupported_encoding');
});

const veeamXml = readCorpus('dmarc/aggregate/veeam.com!example.com!1530133200!1530219600.xml');
const usssaXml = readCorpus('dmarc/aggregate/usssa.com!example.com!1538784000!1538870399.xml');

test('only the predefined entities and character references are decoded, in one pass', async () => {
  const report = await parseOk(utf8(veeamXml.replace('<org_name>veeam.com', '<org_name>AT&amp;T &#x4D;ail &#77; &amp;lt;')));
  expect(report.orgName).toBe('AT&T Mail M &lt;');
});

test('a DOCTYPE (billion laughs) is refused before any expansion', async () => {
  const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<feedback><report_metadata><org_name>&lol2;</org_name></report_metadata></feedback>`;
  expect(await parseError(utf8(laughs))).toMatchObject({ code: 'doctype_not_allowed', place: 'line 2' });
});

test('a missing required element is named by its path', async () => {
  const noId = veeamXml.replace(/<report_id>.*<\/report_id>/, '');
  expect(await parseError(utf8(noId))).toEqual({ code: 'missing_element', message: 'feedback/report_metadata/report_id is missing', place: 'feedback/report_metadata/report_id' });
  const lastHeaderFrom = usssaXml.lastIndexOf('<header_from>example.com</header_from>');
  const noHeaderFrom = usssaXml.slice(0, lastHeaderFrom) + usssaXml.slice(lastHeaderFrom + '<header_from>example.com</header_from>'.length);
  expect((await parseError(utf8(noHeaderFrom))).message).toBe('feedback/record[2]/identifiers/header_from is missing');
  expect((await parseError(utf8('<feedback></feedback>'))).message).toBe('feedback/report_metadata is missing');
});

test('a bad source_ip or count names the record', async () => {
  const badIp = usssaXml.replace('<source_ip>199.230.200.36', '<source_ip>999.230.200.36');
  expect(await parseError(utf8(badIp))).toEqual({
    code: 'invalid_value',
    message: 'feedback/record[2]/row/source_ip is not an IP address: "999.230.200.36" (record 2)',
    place: 'feedback/record[2]/row/source_ip',
  });
  const badCount = usssaXml.replace('<count>1</count>', '<count>-1</count>');
  expect(await parseError(utf8(badCount))).toMatchObject({ code: 'invalid_value', place: 'feedback/record[1]/row/count' });
  const badDate = veeamXml.replace('<begin>1530133200</begin>', '<begin>2018-06-27</begin>');
  expect(await parseError(utf8(badDate))).toMatchObject({ code: 'invalid_value', place: 'feedback/report_metadata/date_range/begin' });
});

test('IPv6 sources are accepted', async () => {
  const report = await parseOk(utf8(veeamXml.replace('<source_ip>199.230.200.36', '<source_ip>2001:db8::25')));
  expect(report.records[0]?.sourceIp).toBe('2001:db8::25');
});

test('empty, blank and unknown inputs are refused clearly', async () => {
  expect(await parseError(new Uint8Array(0))).toEqual({ code: 'empty_file', message: 'the upload is empty' });
  expect(await parseDmarcReport(utf8(' \r\n\t'), 'x.xml')).toEqual({ ok: false, error: { code: 'empty_file', message: "'x.xml' is empty" } });
  expect(await parseError(utf8('%PDF-1.7 binary'))).toMatchObject({ code: 'unknown_format', message: 'the upload is not XML, gzip, zip or an e-mail message (it starts with bytes 25 50 44 46)' });
  expect(await parseError(utf8('<html><body>hi</body></html>'))).toMatchObject({ code: 'not_aggregate_report', message: expect.stringContaining('<html>') });
  expect((await parseError(gzipSync(new Uint8Array(0)))).code).toBe('empty_file');
});

test('an e-mail message without a report attachment is refused', async () => {
  const eml = 'From: someone@example.com\r\nTo: dmarc@example.com\r\nSubject: hello\r\nContent-Type: text/plain\r\n\r\nno report here\r\n';
  expect(await parseError(utf8(eml))).toEqual({ code: 'eml_without_report', message: 'the e-mail message has no DMARC report attachment (gzip, zip or XML); attachments: none' });
});

test('an e-mail inside an e-mail attachment is not followed a second time', async () => {
  const inner = readCorpus('dmarc/aggregate/twilight.eml');
  const outer = `From: a@example.com\r\nSubject: fwd\r\nContent-Type: application/octet-stream; name="r.xml"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(inner).toString('base64')}\r\n`;
  expect(await parseError(utf8(outer))).toEqual({ code: 'nested_too_deep', message: "attachment 'r.xml' is itself an e-mail message; only one e-mail level is read" });
});

// Refused once the inflated output passes the limit (50 MB), so well before a full gunzip of the 200 MB, measured
// here rather than fixed so that a loaded machine slows both alike.
test('a 200 MB gzip bomb is refused as too_large before it is all inflated', { timeout: 60_000 }, async () => {
  const bomb = gzipSync(new Uint8Array(200 * 1024 * 1024), { level: 1 });
  let started = performance.now();
  gunzipSync(bomb);
  const fullGunzip = performance.now() - started;
  started = performance.now();
  const error = await parseError(bomb);
  expect(error.code).toBe('too_large');
  expect(performance.now() - started).toBeLessThan(fullGunzip);
});

test('reportKey joins org and report id, normalised, with the email domain for an empty org', async () => {
  const outlook = await parseOk(readCorpusBytes('dmarc/aggregate-cry-inc/outlook.xml'));
  expect(reportKey(outlook)).toBe('outlook.com|a4f4ef0654474d3faa5dca167a34a86a');
  const noOrg = await parseOk(readCorpusBytes('dmarc/aggregate/!example.com!1538204542!1538463818.xml'));
  expect(reportKey(noOrg)).toBe('accurateplastics.com|example.com:1538463741');
});

const corpusSamples = [
  'dmarc/aggregate/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz',
  'dmarc/aggregate/estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip',
  'dmarc/aggregate/twilight.eml',
  'dmarc/aggregate/rfc9990-example.net!example.com!1700000000!1700086399.xml',
].map((f) => new Uint8Array(readCorpusBytes(f)));

test('random bytes, magic prefixes and mutated corpus files never throw', async () => {
  const prefixes = ['', '\x1f\x8b', 'PK\x03\x04', '<feedback>', 'Subject: x\r\n', '{"organization-name":1', '\xef\xbb\xbf<'].map((p) => Buffer.from(p, 'latin1'));
  const arbitraryInput = fc.oneof(
    fc.tuple(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 })).map(([p, b]) => new Uint8Array(Buffer.concat([p, b]))),
    fc
      .tuple(fc.constantFrom(...corpusSamples), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
      .map(([sample, flips, cut]) => {
        const copy = sample.slice(0, 1 + (cut % sample.length));
        for (const [at, value] of flips) copy[at % copy.length] = value;
        return copy;
      }),
  );
  await fc.assert(
    fc.asyncProperty(arbitraryInput, async (bytes) => {
      const r = await parseDmarcReport(bytes);
      expect(r.ok ? typeof r.report.reportId : r.error.code.length > 0 && r.error.message.length > 0).toBeTruthy();
    }),
    { numRuns: 400 },
  );
});
